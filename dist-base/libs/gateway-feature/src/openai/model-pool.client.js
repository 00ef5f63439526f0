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
    get MODEL_POOL_OPTIONS () {
        return MODEL_POOL_OPTIONS;
    },
    get ModelPoolClient () {
        return ModelPoolClient;
    }
});
const _ts_decorate = require("@swc/helpers/_/_ts_decorate");
const _ts_metadata = require("@swc/helpers/_/_ts_metadata");
const _ts_param = require("@swc/helpers/_/_ts_param");
const _common = require("@nestjs/common");
const _nodestream = require("node:stream");
const _contracts = require("../../../contracts/src");
const _platform = require("../../../platform/src");
const MODEL_POOL_OPTIONS = Symbol('MODEL_POOL_OPTIONS');
const PASSED_HEADERS = [
    'content-type',
    'retry-after',
    'x-request-id',
    'x-shoal-call-id',
    'x-shoal-deployment'
];
let ModelPoolClient = class ModelPoolClient {
    opts;
    log = (0, _platform.createLogger)('ModelPoolClient');
    constructor(opts){
        this.opts = opts;
    }
    async chatCompletions(ctx, body, signal) {
        return this.forward(ctx, 'POST', '/v1/chat/completions', JSON.stringify(body), signal);
    }
    async models(ctx) {
        return this.forward(ctx, 'GET', '/v1/models', undefined, undefined);
    }
    /**
   * The aliases model-pool serves, or null when it cannot say within `timeoutMs` (callers that only
   * want them for warnings go on without them).
   */ async modelNames(ctx, timeoutMs) {
        try {
            const res = await this.forward(ctx, 'GET', '/v1/models', undefined, AbortSignal.timeout(timeoutMs));
            if (res.status !== 200 || !res.body) return null;
            const chunks = [];
            for await (const chunk of res.body)chunks.push(Buffer.from(chunk));
            const list = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            return Array.isArray(list.data) ? list.data.flatMap((m)=>typeof m?.id === 'string' ? [
                    m.id
                ] : []) : null;
        } catch (err) {
            this.log.warn({
                err
            }, 'could not list the models model-pool serves');
            return null;
        }
    }
    async forward(ctx, method, path, body, signal) {
        const headers = (0, _platform.internalHeaders)(this.opts.internalToken, {
            tenantId: ctx.tenantId,
            apiKeyId: ctx.apiKeyId,
            runId: null,
            callId: (0, _contracts.newId)('chatcmpl'),
            nodeId: null
        }, {
            traceparent: ctx.traceparent
        });
        if (body !== undefined) headers['content-type'] = 'application/json';
        let res;
        try {
            res = await fetch(`${this.opts.baseUrl}${_contracts.ROUTE_PREFIX.modelPool}${path}`, {
                method,
                headers,
                body,
                signal
            });
        } catch (err) {
            if (signal?.aborted) throw new _platform.ApiError('client_closed', 'The client closed the request');
            this.log.error({
                err
            }, 'model-pool unreachable');
            throw new _platform.ApiError('upstream_unavailable', 'The model service is unavailable; retry shortly', {
                retryAfterSeconds: 1
            });
        }
        if (res.status === 401) {
            // model-pool refused the gateway itself: a deployment problem, not the caller's key
            this.log.error('model-pool refused the internal call: SHOAL_INTERNAL_TOKEN differs between gateway and model-pool, or their clocks differ by more than 30 s (the signed call context expired)');
            throw new _platform.ApiError('upstream_error', 'The model service refused this gateway; the operator has to check its configuration');
        }
        const out = {};
        for (const h of PASSED_HEADERS){
            const v = res.headers.get(h);
            if (v) out[h] = v;
        }
        return {
            status: res.status,
            headers: out,
            body: res.body ? _nodestream.Readable.fromWeb(res.body) : null
        };
    }
};
ModelPoolClient = _ts_decorate._([
    (0, _common.Injectable)(),
    _ts_param._(0, (0, _common.Inject)(MODEL_POOL_OPTIONS)),
    _ts_metadata._("design:type", Function),
    _ts_metadata._("design:paramtypes", [
        typeof ModelPoolClientOptions === "undefined" ? Object : ModelPoolClientOptions
    ])
], ModelPoolClient);

//# sourceMappingURL=model-pool.client.js.map