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
    get BILLING_OPTIONS () {
        return BILLING_OPTIONS;
    },
    get BillingClient () {
        return BillingClient;
    }
});
const _ts_decorate = require("@swc/helpers/_/_ts_decorate");
const _ts_metadata = require("@swc/helpers/_/_ts_metadata");
const _ts_param = require("@swc/helpers/_/_ts_param");
const _common = require("@nestjs/common");
const _contracts = require("../../../contracts/src");
const _platform = require("../../../platform/src");
const BILLING_OPTIONS = Symbol('BILLING_OPTIONS');
let BillingClient = class BillingClient {
    opts;
    constructor(opts){
        this.opts = opts;
    }
    /** The run's cost from the ledger, once every named call is in it (or `waitMs` passed). */ async runCost(run, callIds, waitMs) {
        const { runId } = run;
        const qs = new URLSearchParams({
            calls: callIds.join(','),
            wait_ms: String(waitMs)
        });
        const res = await fetch(`${this.opts.baseUrl}${_contracts.ROUTE_PREFIX.billing}/v1/runs/${encodeURIComponent(runId)}/cost?${qs}`, {
            headers: (0, _platform.internalHeaders)(this.opts.internalToken, {
                tenantId: run.tenantId,
                apiKeyId: null,
                runId,
                callId: null,
                nodeId: null
            }, {
                traceparent: run.traceparent
            }),
            signal: AbortSignal.timeout(waitMs + 10_000)
        });
        if (!res.ok) throw new Error(`billing answered ${res.status} for the cost of run ${runId}`);
        return await res.json();
    }
};
BillingClient = _ts_decorate._([
    (0, _common.Injectable)(),
    _ts_param._(0, (0, _common.Inject)(BILLING_OPTIONS)),
    _ts_metadata._("design:type", Function),
    _ts_metadata._("design:paramtypes", [
        typeof BillingClientOptions === "undefined" ? Object : BillingClientOptions
    ])
], BillingClient);

//# sourceMappingURL=billing.client.js.map