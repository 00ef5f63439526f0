"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "RunCostController", {
    enumerable: true,
    get: function() {
        return RunCostController;
    }
});
const _ts_decorate = require("@swc/helpers/_/_ts_decorate");
const _ts_metadata = require("@swc/helpers/_/_ts_metadata");
const _ts_param = require("@swc/helpers/_/_ts_param");
const _common = require("@nestjs/common");
const _contracts = require("../../../contracts/src");
const _platform = require("../../../platform/src");
const _runcostservice = require("./run-cost.service");
const MAX_WAIT_MS = 30_000;
let RunCostController = class RunCostController {
    costs;
    constructor(costs){
        this.costs = costs;
    }
    async cost(ctx, runId, calls, waitMs) {
        // a path that cannot name a run is the caller's mistake, not a run without calls
        if (!(0, _contracts.looksLikeId)(runId, 'run')) throw new _platform.ApiError('invalid_request', 'runId must be a run id (run_…)', {
            issues: [
                {
                    path: 'path.runId',
                    message: 'must be a run id (run_…)'
                }
            ]
        });
        // a context signed for one run does not read another's cost
        if (ctx.runId !== runId) throw new _platform.ApiError('forbidden', 'The call context was not issued for this run');
        const expected = calls ? calls.split(',').filter(Boolean) : [];
        if (expected.length > 10_000) throw new _platform.ApiError('invalid_request', 'calls: at most 10000 call ids');
        return this.costs.waitForCost(ctx.tenantId, runId, expected, Math.min(Number(waitMs ?? 0) || 0, MAX_WAIT_MS));
    }
};
_ts_decorate._([
    (0, _common.Get)(':runId/cost'),
    _ts_param._(0, (0, _platform.InternalCtx)()),
    _ts_param._(1, (0, _common.Param)('runId')),
    _ts_param._(2, (0, _common.Query)('calls')),
    _ts_param._(3, (0, _common.Query)('wait_ms')),
    _ts_metadata._("design:type", Function),
    _ts_metadata._("design:paramtypes", [
        typeof VerifiedInternalContext === "undefined" ? Object : VerifiedInternalContext,
        String,
        String,
        String
    ]),
    _ts_metadata._("design:returntype", Promise)
], RunCostController.prototype, "cost", null);
RunCostController = _ts_decorate._([
    (0, _common.Controller)(`${_contracts.ROUTE_PREFIX.billing}/v1/runs`),
    (0, _common.UseGuards)(_platform.InternalTokenGuard),
    _ts_param._(0, (0, _common.Inject)(_runcostservice.RunCostService)),
    _ts_metadata._("design:type", Function),
    _ts_metadata._("design:paramtypes", [
        typeof _runcostservice.RunCostService === "undefined" ? Object : _runcostservice.RunCostService
    ])
], RunCostController);

//# sourceMappingURL=run-cost.controller.js.map