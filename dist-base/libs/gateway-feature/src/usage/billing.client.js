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
    get GATEWAY_BILLING_OPTIONS () {
        return GATEWAY_BILLING_OPTIONS;
    },
    get GatewayBillingClient () {
        return GatewayBillingClient;
    }
});
const _ts_decorate = require("@swc/helpers/_/_ts_decorate");
const _ts_metadata = require("@swc/helpers/_/_ts_metadata");
const _ts_param = require("@swc/helpers/_/_ts_param");
const _common = require("@nestjs/common");
const _contracts = require("../../../contracts/src");
const _platform = require("../../../platform/src");
const GATEWAY_BILLING_OPTIONS = Symbol('GATEWAY_BILLING_OPTIONS');
let GatewayBillingClient = class GatewayBillingClient {
    opts;
    log = (0, _platform.createLogger)('GatewayBillingClient');
    constructor(opts){
        this.opts = opts;
    }
    /** The caller's tenant's ledger rows: the tenant travels in the signed context, and billing filters by it. */ async usageRecords(ctx, query) {
        const qs = new URLSearchParams();
        if (query.runId) qs.set('run_id', query.runId);
        if (query.limit) qs.set('limit', String(query.limit));
        let res;
        try {
            res = await fetch(`${this.opts.baseUrl}${_contracts.ROUTE_PREFIX.billing}/v1/usage/records?${qs}`, {
                headers: (0, _platform.internalHeaders)(this.opts.internalToken, {
                    tenantId: ctx.tenantId,
                    apiKeyId: ctx.apiKeyId,
                    runId: query.runId ?? null,
                    callId: null,
                    nodeId: null
                }, {
                    traceparent: ctx.traceparent
                }),
                signal: AbortSignal.timeout(10_000)
            });
        } catch (err) {
            this.log.error({
                err
            }, 'billing unreachable');
            throw new _platform.ApiError('upstream_unavailable', 'The billing service is unavailable; retry shortly', {
                retryAfterSeconds: 1
            });
        }
        if (!res.ok) throw new _platform.ApiError('upstream_error', `The billing service answered ${res.status}`);
        return res.json();
    }
};
GatewayBillingClient = _ts_decorate._([
    (0, _common.Injectable)(),
    _ts_param._(0, (0, _common.Inject)(GATEWAY_BILLING_OPTIONS)),
    _ts_metadata._("design:type", Function),
    _ts_metadata._("design:paramtypes", [
        typeof GatewayBillingOptions === "undefined" ? Object : GatewayBillingOptions
    ])
], GatewayBillingClient);

//# sourceMappingURL=billing.client.js.map