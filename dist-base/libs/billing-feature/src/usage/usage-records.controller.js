"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "UsageRecordsController", {
    enumerable: true,
    get: function() {
        return UsageRecordsController;
    }
});
const _ts_decorate = require("@swc/helpers/_/_ts_decorate");
const _ts_metadata = require("@swc/helpers/_/_ts_metadata");
const _ts_param = require("@swc/helpers/_/_ts_param");
const _common = require("@nestjs/common");
const _zod = require("zod");
const _contracts = require("../../../contracts/src");
const _platform = require("../../../platform/src");
const _usageledgerrepository = require("./usage-ledger.repository");
// the tenant is the signed context's, never a query parameter
const querySchema = _zod.z.object({
    run_id: _zod.z.string().optional(),
    limit: _zod.z.coerce.number().int().min(1).max(1000).default(100)
});
let UsageRecordsController = class UsageRecordsController {
    ledger;
    constructor(ledger){
        this.ledger = ledger;
    }
    async list(ctx, query) {
        const q = (0, _platform.parseBody)(querySchema, query, 'query');
        const rows = await this.ledger.list(ctx.tenantId, {
            runId: q.run_id,
            limit: q.limit
        });
        return {
            object: 'list',
            data: rows.map((r)=>({
                    id: r.id,
                    call_id: r.callId,
                    run_id: r.runId,
                    node_id: r.nodeId,
                    api_key_id: r.apiKeyId,
                    model: r.model,
                    upstream_model: r.upstreamModel,
                    deployment_id: r.deploymentId,
                    prompt_tokens: r.promptTokens,
                    completion_tokens: r.completionTokens,
                    cached_prompt_tokens: r.cachedPromptTokens,
                    reasoning_tokens: r.reasoningTokens,
                    total_tokens: r.totalTokens,
                    input_cost: r.inputCost.toFixed(),
                    output_cost: r.outputCost.toFixed(),
                    total_cost: r.totalCost.toFixed(),
                    currency: r.currency,
                    status: r.status,
                    stream: r.stream,
                    latency_ms: r.latencyMs,
                    started_at: r.startedAt.toISOString(),
                    recorded_at: r.recordedAt.toISOString()
                }))
        };
    }
};
_ts_decorate._([
    (0, _common.Get)('records'),
    _ts_param._(0, (0, _platform.InternalCtx)()),
    _ts_param._(1, (0, _common.Query)()),
    _ts_metadata._("design:type", Function),
    _ts_metadata._("design:paramtypes", [
        typeof VerifiedInternalContext === "undefined" ? Object : VerifiedInternalContext,
        Object
    ]),
    _ts_metadata._("design:returntype", Promise)
], UsageRecordsController.prototype, "list", null);
UsageRecordsController = _ts_decorate._([
    (0, _common.Controller)(`${_contracts.ROUTE_PREFIX.billing}/v1/usage`),
    (0, _common.UseGuards)(_platform.InternalTokenGuard),
    _ts_param._(0, (0, _common.Inject)(_usageledgerrepository.UsageLedgerRepository)),
    _ts_metadata._("design:type", Function),
    _ts_metadata._("design:paramtypes", [
        typeof _usageledgerrepository.UsageLedgerRepository === "undefined" ? Object : _usageledgerrepository.UsageLedgerRepository
    ])
], UsageRecordsController);

//# sourceMappingURL=usage-records.controller.js.map