// @shoal/billing-feature — billing's Nest module: prices, the usage ledger, usage queries.
"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "BillingModule", {
    enumerable: true,
    get: function() {
        return _billingmodule.BillingModule;
    }
});
const _billingmodule = require("./billing.module");

//# sourceMappingURL=index.js.map