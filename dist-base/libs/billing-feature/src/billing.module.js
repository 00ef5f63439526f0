"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "BillingModule", {
    enumerable: true,
    get: function() {
        return BillingModule;
    }
});
const _ts_decorate = require("@swc/helpers/_/_ts_decorate");
const _common = require("@nestjs/common");
const _pricesrepository = require("./prices/prices.repository");
const _pricebook = require("./prices/price-book");
const _usageledgerrepository = require("./usage/usage-ledger.repository");
const _ingestusageservice = require("./usage/ingest-usage.service");
const _usageconsumer = require("./usage/usage.consumer");
const _runcostcontroller = require("./usage/run-cost.controller");
const _runcostservice = require("./usage/run-cost.service");
const _usagerecordscontroller = require("./usage/usage-records.controller");
let BillingModule = class BillingModule {
    static register(opts) {
        return {
            module: BillingModule,
            controllers: [
                _runcostcontroller.RunCostController,
                _usagerecordscontroller.UsageRecordsController
            ],
            providers: [
                {
                    provide: 'USAGE_CONCURRENCY',
                    useValue: opts.usageConcurrency
                },
                _pricesrepository.PricesRepository,
                _pricebook.PriceBook,
                _usageledgerrepository.UsageLedgerRepository,
                _ingestusageservice.IngestUsageService,
                _usageconsumer.UsageConsumer,
                _runcostservice.RunCostService
            ]
        };
    }
};
BillingModule = _ts_decorate._([
    (0, _common.Module)({})
], BillingModule);

//# sourceMappingURL=billing.module.js.map