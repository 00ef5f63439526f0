// billing: prices usage events and keeps the ledger.
"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
require("reflect-metadata");
const _platform = require("../../../libs/platform/src");
const _billingconfig = require("./billing.config");
const _billingfeature = require("../../../libs/billing-feature/src");
(0, _platform.runService)('billing', ()=>(0, _billingconfig.loadBillingConfig)(process.env), (config)=>_billingfeature.BillingModule.register({
        usageConcurrency: config.USAGE_CONCURRENCY
    }));

//# sourceMappingURL=main.js.map