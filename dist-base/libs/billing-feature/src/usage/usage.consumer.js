"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "UsageConsumer", {
    enumerable: true,
    get: function() {
        return UsageConsumer;
    }
});
const _ts_decorate = require("@swc/helpers/_/_ts_decorate");
const _ts_metadata = require("@swc/helpers/_/_ts_metadata");
const _ts_param = require("@swc/helpers/_/_ts_param");
const _common = require("@nestjs/common");
const _contracts = require("../../../contracts/src");
const _platform = require("../../../platform/src");
const _ingestusageservice = require("./ingest-usage.service");
const _pricebook = require("../prices/price-book");
let UsageConsumer = class UsageConsumer {
    queue;
    ingest;
    prices;
    concurrency;
    log = (0, _platform.createLogger)('UsageConsumer');
    constructor(queue, ingest, prices, concurrency){
        this.queue = queue;
        this.ingest = ingest;
        this.prices = prices;
        this.concurrency = concurrency;
    }
    async onApplicationBootstrap() {
        await this.prices.init();
        this.queue.process(_contracts.QUEUES.usageEvents, async (payload)=>{
            try {
                await this.ingest.ingest(payload);
            } catch (err) {
                if (err instanceof _ingestusageservice.InvalidUsageEventError) {
                    this.log.error({
                        err
                    }, 'dropping malformed usage event');
                    return;
                }
                throw err;
            }
        }, {
            concurrency: this.concurrency
        });
    }
};
UsageConsumer = _ts_decorate._([
    (0, _common.Injectable)(),
    _ts_param._(0, (0, _common.Inject)(_platform.JOB_QUEUE)),
    _ts_param._(1, (0, _common.Inject)(_ingestusageservice.IngestUsageService)),
    _ts_param._(2, (0, _common.Inject)(_pricebook.PriceBook)),
    _ts_param._(3, (0, _common.Inject)('USAGE_CONCURRENCY')),
    _ts_metadata._("design:type", Function),
    _ts_metadata._("design:paramtypes", [
        typeof JobQueue === "undefined" ? Object : JobQueue,
        typeof _ingestusageservice.IngestUsageService === "undefined" ? Object : _ingestusageservice.IngestUsageService,
        typeof _pricebook.PriceBook === "undefined" ? Object : _pricebook.PriceBook,
        Number
    ])
], UsageConsumer);

//# sourceMappingURL=usage.consumer.js.map