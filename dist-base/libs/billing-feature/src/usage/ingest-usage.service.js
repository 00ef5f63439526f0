"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
function _export(target, all) {
    for(var name in all)Object.defineProperty(target, name, {
        enumerable: true,
        get: Object.getOwnPropertyDescriptor(all, name).get
    });
}
_export(exports, {
    get IngestUsageService () {
        return IngestUsageService;
    },
    get InvalidUsageEventError () {
        return InvalidUsageEventError;
    }
});
const _ts_decorate = require("@swc/helpers/_/_ts_decorate");
const _ts_metadata = require("@swc/helpers/_/_ts_metadata");
const _ts_param = require("@swc/helpers/_/_ts_param");
const _common = require("@nestjs/common");
const _contracts = require("../../../contracts/src");
const _pricing = require("../../../pricing/src");
const _platform = require("../../../platform/src");
const _pricebook = require("../prices/price-book");
const _usageledgerrepository = require("./usage-ledger.repository");
let InvalidUsageEventError = class InvalidUsageEventError extends Error {
    code = 'invalid_usage_event';
};
let IngestUsageService = class IngestUsageService {
    prices;
    ledger;
    log = (0, _platform.createLogger)('IngestUsageService');
    constructor(prices, ledger){
        this.prices = prices;
        this.ledger = ledger;
    }
    async ingest(payload) {
        const parsed = _contracts.usageEventSchema.safeParse(payload);
        if (!parsed.success) {
            throw new InvalidUsageEventError(`usage event rejected: ${parsed.error.issues.map((i)=>`${i.path.join('.')}: ${i.message}`).join('; ')}`);
        }
        const event = parsed.data;
        let price;
        let cost;
        try {
            price = await this.priceFor(event);
            cost = price ? (0, _pricing.costOf)(event, price) : undefined;
        } catch (err) {
            // retrying cannot make an unpriceable event priceable
            if (err instanceof _pricing.PricingError) throw new InvalidUsageEventError(`usage event ${event.callId} cannot be priced: ${err.message}`);
            throw err;
        }
        if (!price) this.log.warn({
            model: event.model,
            upstreamModel: event.upstreamModel,
            callId: event.callId
        }, 'no price for model: recorded at zero cost');
        const result = await this.ledger.record({
            ...event,
            inputCost: cost ? (0, _pricing.formatMoney)(cost.input.plus(cost.cachedInput)) : '0',
            outputCost: cost ? (0, _pricing.formatMoney)(cost.output) : '0',
            totalCost: cost ? (0, _pricing.formatMoney)(cost.total) : '0',
            currency: price?.currency ?? 'USD'
        });
        if (result === 'duplicate') this.log.debug({
            callId: event.callId
        }, 'duplicate usage event ignored');
        return result;
    }
    async priceFor(event) {
        if (event.priceOverride) return (0, _pricing.priceFromRow)({
            model: event.model,
            effectiveFrom: new Date(0),
            ...event.priceOverride
        });
        const at = new Date(event.startedAt);
        return await this.prices.priceAt(event.upstreamModel, at) ?? await this.prices.priceAt(event.model, at);
    }
};
IngestUsageService = _ts_decorate._([
    (0, _common.Injectable)(),
    _ts_param._(0, (0, _common.Inject)(_pricebook.PriceBook)),
    _ts_param._(1, (0, _common.Inject)(_usageledgerrepository.UsageLedgerRepository)),
    _ts_metadata._("design:type", Function),
    _ts_metadata._("design:paramtypes", [
        typeof _pricebook.PriceBook === "undefined" ? Object : _pricebook.PriceBook,
        typeof _usageledgerrepository.UsageLedgerRepository === "undefined" ? Object : _usageledgerrepository.UsageLedgerRepository
    ])
], IngestUsageService);

//# sourceMappingURL=ingest-usage.service.js.map