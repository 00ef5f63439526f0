"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "PriceBook", {
    enumerable: true,
    get: function() {
        return PriceBook;
    }
});
const _ts_decorate = require("@swc/helpers/_/_ts_decorate");
const _ts_metadata = require("@swc/helpers/_/_ts_metadata");
const _ts_param = require("@swc/helpers/_/_ts_param");
const _common = require("@nestjs/common");
const _pricing = require("../../../pricing/src");
const _platform = require("../../../platform/src");
const _pricesrepository = require("./prices.repository");
const REFRESH_MS = 60_000;
let PriceBook = class PriceBook {
    prices;
    log = (0, _platform.createLogger)('PriceBook');
    catalog;
    loadedAt = 0;
    loading;
    constructor(prices){
        this.prices = prices;
    }
    async init() {
        const added = await this.prices.seed(_pricing.DEFAULT_PRICES);
        if (added) this.log.info({
            added
        }, 'seeded built-in prices');
        await this.refresh();
    }
    async priceAt(model, at) {
        const catalog = !this.catalog || Date.now() - this.loadedAt > REFRESH_MS ? await this.refresh() : this.catalog;
        return catalog.priceAt(model, at);
    }
    async refresh() {
        this.loading ??= this.prices.catalog().then((c)=>{
            this.catalog = c;
            this.loadedAt = Date.now();
            return c;
        }).finally(()=>{
            this.loading = undefined;
        });
        return this.loading;
    }
};
PriceBook = _ts_decorate._([
    (0, _common.Injectable)(),
    _ts_param._(0, (0, _common.Inject)(_pricesrepository.PricesRepository)),
    _ts_metadata._("design:type", Function),
    _ts_metadata._("design:paramtypes", [
        typeof _pricesrepository.PricesRepository === "undefined" ? Object : _pricesrepository.PricesRepository
    ])
], PriceBook);

//# sourceMappingURL=price-book.js.map