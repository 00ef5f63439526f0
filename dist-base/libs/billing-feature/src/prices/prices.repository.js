"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "PricesRepository", {
    enumerable: true,
    get: function() {
        return PricesRepository;
    }
});
const _ts_decorate = require("@swc/helpers/_/_ts_decorate");
const _ts_metadata = require("@swc/helpers/_/_ts_metadata");
const _ts_param = require("@swc/helpers/_/_ts_param");
const _common = require("@nestjs/common");
const _contracts = require("../../../contracts/src");
const _pricing = require("../../../pricing/src");
const _platform = require("../../../platform/src");
let PricesRepository = class PricesRepository {
    prisma;
    constructor(prisma){
        this.prisma = prisma;
    }
    /** Insert catalog rows that are not there yet; rows already present (perhaps edited) are left alone. */ async seed(rows) {
        const { count } = await this.prisma.price.createMany({
            skipDuplicates: true,
            data: rows.map((r)=>({
                    id: (0, _contracts.newId)('price'),
                    model: r.model,
                    currency: r.currency ?? 'USD',
                    inputPerMillion: String(r.inputPerMillion),
                    cachedInputPerMillion: r.cachedInputPerMillion === undefined ? null : String(r.cachedInputPerMillion),
                    outputPerMillion: String(r.outputPerMillion),
                    reasoningPerMillion: r.reasoningPerMillion === undefined ? null : String(r.reasoningPerMillion),
                    effectiveFrom: new Date(r.effectiveFrom)
                }))
        });
        return count;
    }
    async catalog() {
        const rows = await this.prisma.price.findMany({
            orderBy: [
                {
                    model: 'asc'
                },
                {
                    effectiveFrom: 'asc'
                }
            ]
        });
        return new _pricing.PriceCatalog(rows.map((r)=>({
                model: r.model,
                currency: r.currency,
                inputPerMillion: r.inputPerMillion.toFixed(),
                cachedInputPerMillion: r.cachedInputPerMillion?.toFixed(),
                outputPerMillion: r.outputPerMillion.toFixed(),
                reasoningPerMillion: r.reasoningPerMillion?.toFixed(),
                effectiveFrom: r.effectiveFrom
            })));
    }
};
PricesRepository = _ts_decorate._([
    (0, _common.Injectable)(),
    _ts_param._(0, (0, _common.Inject)(_platform.PrismaClient)),
    _ts_metadata._("design:type", Function),
    _ts_metadata._("design:paramtypes", [
        typeof _platform.PrismaClient === "undefined" ? Object : _platform.PrismaClient
    ])
], PricesRepository);

//# sourceMappingURL=prices.repository.js.map