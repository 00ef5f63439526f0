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
    get AUTH_LIMITS () {
        return AUTH_LIMITS;
    },
    get ApiKeyAuthenticator () {
        return ApiKeyAuthenticator;
    },
    get DEFAULT_AUTH_LIMITS () {
        return DEFAULT_AUTH_LIMITS;
    }
});
const _ts_decorate = require("@swc/helpers/_/_ts_decorate");
const _ts_metadata = require("@swc/helpers/_/_ts_metadata");
const _ts_param = require("@swc/helpers/_/_ts_param");
const _common = require("@nestjs/common");
const _lrucache = require("../cache/lru-cache");
const _apierror = require("../errors/api-error");
const _apikey = require("./api-key");
const _apikeysrepository = require("./api-keys.repository");
const _authfailurelimiter = require("./auth-failure.limiter");
const CACHE_TTL_MS = 30_000;
const CACHE_ENTRIES = 10_000;
// unknown keys are remembered briefly, in a cache of their own: a flood of them never evicts a valid key
const NEGATIVE_TTL_MS = 5_000;
const NEGATIVE_ENTRIES = 10_000;
const AUTH_LIMITS = Symbol('AUTH_LIMITS');
const DEFAULT_AUTH_LIMITS = {
    failuresPerIp: 20,
    windowMs: 60_000
};
let ApiKeyAuthenticator = class ApiKeyAuthenticator {
    keys;
    known = new _lrucache.LruCache({
        maxEntries: CACHE_ENTRIES,
        ttlMs: CACHE_TTL_MS
    });
    unknown = new _lrucache.LruCache({
        maxEntries: NEGATIVE_ENTRIES,
        ttlMs: NEGATIVE_TTL_MS
    });
    inFlight = new Map();
    failures;
    constructor(keys, limits){
        this.keys = keys;
        this.failures = new _authfailurelimiter.AuthFailureLimiter(limits ?? DEFAULT_AUTH_LIMITS);
    }
    async authenticate(headers, clientIp) {
        const token = (0, _apikey.bearerToken)(headers['authorization']);
        if (!token) throw new _apierror.ApiError('unauthorized', 'Missing API key: send it as "Authorization: Bearer <key>"');
        const hash = (0, _apikey.hashApiKey)(token);
        let record = this.known.get(hash);
        if (!record) {
            const retryAfterSeconds = this.failures.retryAfterSeconds(clientIp);
            if (retryAfterSeconds > 0) throw new _apierror.ApiError('rate_limited', 'Too many failed authentications from this address; retry later', {
                retryAfterSeconds
            });
            record = await this.lookup(hash) ?? undefined;
        }
        if (!record || record.revokedAt || record.expiresAt && record.expiresAt <= new Date()) {
            this.failures.recordFailure(clientIp);
            throw new _apierror.ApiError('unauthorized', 'Invalid API key');
        }
        const traceparent = headers['traceparent'];
        return {
            tenantId: record.tenantId,
            apiKeyId: record.id,
            scopes: record.scopes,
            workflowId: record.workflowId,
            traceparent: typeof traceparent === 'string' ? traceparent : undefined
        };
    }
    async lookup(hash) {
        if (this.unknown.has(hash)) return null;
        // concurrent requests with the same key share one query
        let pending = this.inFlight.get(hash);
        if (!pending) {
            pending = this.keys.findByHash(hash).finally(()=>this.inFlight.delete(hash));
            this.inFlight.set(hash, pending);
        }
        const record = await pending;
        if (record) this.known.set(hash, record);
        else this.unknown.set(hash, true);
        return record;
    }
};
ApiKeyAuthenticator = _ts_decorate._([
    (0, _common.Injectable)(),
    _ts_param._(0, (0, _common.Inject)(_apikeysrepository.ApiKeysRepository)),
    _ts_param._(1, (0, _common.Optional)()),
    _ts_param._(1, (0, _common.Inject)(AUTH_LIMITS)),
    _ts_metadata._("design:type", Function),
    _ts_metadata._("design:paramtypes", [
        typeof _apikeysrepository.ApiKeysRepository === "undefined" ? Object : _apikeysrepository.ApiKeysRepository,
        typeof AuthFailureLimits === "undefined" ? Object : AuthFailureLimits
    ])
], ApiKeyAuthenticator);

//# sourceMappingURL=api-key.authenticator.js.map