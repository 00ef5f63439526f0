"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "UsageController", {
    enumerable: true,
    get: function() {
        return UsageController;
    }
});
const _ts_decorate = require("@swc/helpers/_/_ts_decorate");
const _ts_metadata = require("@swc/helpers/_/_ts_metadata");
const _ts_param = require("@swc/helpers/_/_ts_param");
const _common = require("@nestjs/common");
const _zod = require("zod");
const _platform = require("../../../platform/src");
const _billingclient = require("./billing.client");
const querySchema = _zod.z.object({
    run_id: _zod.z.string().startsWith('run_').optional(),
    limit: _zod.z.coerce.number().int().min(1).max(1000).default(100)
});
let UsageController = class UsageController {
    billing;
    constructor(billing){
        this.billing = billing;
    }
    async records(ctx, query) {
        const q = (0, _platform.parseBody)(querySchema, query, 'query');
        return this.billing.usageRecords(ctx, {
            runId: q.run_id,
            limit: q.limit
        });
    }
};
_ts_decorate._([
    (0, _common.Get)('records'),
    _ts_param._(0, (0, _platform.Ctx)()),
    _ts_param._(1, (0, _common.Query)()),
    _ts_metadata._("design:type", Function),
    _ts_metadata._("design:paramtypes", [
        typeof RequestContext === "undefined" ? Object : RequestContext,
        Object
    ]),
    _ts_metadata._("design:returntype", Promise)
], UsageController.prototype, "records", null);
UsageController = _ts_decorate._([
    (0, _common.Controller)('v1/usage'),
    (0, _common.UseGuards)(_platform.ApiKeyGuard),
    _ts_param._(0, (0, _common.Inject)(_billingclient.GatewayBillingClient)),
    _ts_metadata._("design:type", Function),
    _ts_metadata._("design:paramtypes", [
        typeof _billingclient.GatewayBillingClient === "undefined" ? Object : _billingclient.GatewayBillingClient
    ])
], UsageController);

//# sourceMappingURL=usage.controller.js.map