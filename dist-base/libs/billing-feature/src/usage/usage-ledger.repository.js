"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "UsageLedgerRepository", {
    enumerable: true,
    get: function() {
        return UsageLedgerRepository;
    }
});
const _ts_decorate = require("@swc/helpers/_/_ts_decorate");
const _ts_metadata = require("@swc/helpers/_/_ts_metadata");
const _ts_param = require("@swc/helpers/_/_ts_param");
const _common = require("@nestjs/common");
const _contracts = require("../../../contracts/src");
const _platform = require("../../../platform/src");
let UsageLedgerRepository = class UsageLedgerRepository {
    prisma;
    constructor(prisma){
        this.prisma = prisma;
    }
    /**
   * Write one call to the ledger, exactly once: the call id is unique, a duplicate delivery is a
   * no-op. The daily rollup moves in the same transaction, only when the row was new.
   */ async record(u) {
        return this.prisma.$transaction(async (tx)=>{
            const { count } = await tx.usageRecord.createMany({
                skipDuplicates: true,
                data: [
                    {
                        id: (0, _contracts.newId)('use'),
                        callId: u.callId,
                        tenantId: u.tenantId,
                        apiKeyId: u.apiKeyId,
                        runId: u.runId,
                        nodeId: u.nodeId,
                        deploymentId: u.deploymentId,
                        provider: u.provider,
                        model: u.model,
                        upstreamModel: u.upstreamModel,
                        promptTokens: u.promptTokens,
                        completionTokens: u.completionTokens,
                        cachedPromptTokens: u.cachedPromptTokens,
                        reasoningTokens: u.reasoningTokens,
                        totalTokens: u.promptTokens + u.completionTokens,
                        inputCost: u.inputCost,
                        outputCost: u.outputCost,
                        totalCost: u.totalCost,
                        currency: u.currency,
                        status: u.status,
                        stream: u.stream,
                        latencyMs: u.latencyMs,
                        startedAt: new Date(u.startedAt)
                    }
                ]
            });
            if (count === 0) return 'duplicate';
            const day = new Date(new Date(u.startedAt).toISOString().slice(0, 10) + 'T00:00:00Z'); // the UTC day
            await tx.$executeRaw`
        INSERT INTO usage_daily_rollups (tenant_id, day, model, currency, calls, prompt_tokens, completion_tokens, total_cost)
        VALUES (${u.tenantId}, ${day}::date, ${u.model}, ${u.currency}, 1, ${u.promptTokens}, ${u.completionTokens}, ${u.totalCost}::numeric)
        ON CONFLICT (tenant_id, day, model, currency) DO UPDATE SET
          calls = usage_daily_rollups.calls + 1,
          prompt_tokens = usage_daily_rollups.prompt_tokens + EXCLUDED.prompt_tokens,
          completion_tokens = usage_daily_rollups.completion_tokens + EXCLUDED.completion_tokens,
          total_cost = usage_daily_rollups.total_cost + EXCLUDED.total_cost`;
            return 'recorded';
        });
    }
    list(tenantId, filter) {
        return this.prisma.usageRecord.findMany({
            where: {
                tenantId,
                ...filter.runId ? {
                    runId: filter.runId
                } : {}
            },
            orderBy: {
                recordedAt: 'desc'
            },
            take: filter.limit
        });
    }
    /** Ledger totals of one run of one tenant; `present` lists which of the given call ids are recorded. */ async runTotals(tenantId, runId, callIds) {
        // presence first, totals second: rows are only ever added, so totals read after every expected
        // call is present include them all (read in parallel, a row landing in between was missed)
        const rows = callIds.length ? await this.prisma.usageRecord.findMany({
            where: {
                tenantId,
                callId: {
                    in: callIds
                }
            },
            select: {
                callId: true
            }
        }) : [];
        const agg = await this.prisma.usageRecord.groupBy({
            by: [
                'currency'
            ],
            where: {
                tenantId,
                runId
            },
            _count: {
                _all: true
            },
            _sum: {
                totalTokens: true,
                totalCost: true
            }
        });
        // one currency per run is the normal case; a mixed run reports the first and the caller sees it
        const first = agg[0];
        return {
            calls: agg.reduce((n, a)=>n + a._count._all, 0),
            totalTokens: agg.reduce((n, a)=>n + (a._sum.totalTokens ?? 0), 0),
            totalCost: first?._sum.totalCost?.toFixed() ?? '0',
            currency: first?.currency ?? null,
            present: new Set(rows.map((r)=>r.callId))
        };
    }
};
UsageLedgerRepository = _ts_decorate._([
    (0, _common.Injectable)(),
    _ts_param._(0, (0, _common.Inject)(_platform.PrismaClient)),
    _ts_metadata._("design:type", Function),
    _ts_metadata._("design:paramtypes", [
        typeof _platform.PrismaClient === "undefined" ? Object : _platform.PrismaClient
    ])
], UsageLedgerRepository);

//# sourceMappingURL=usage-ledger.repository.js.map