// The signed context of a call between Shoal's services: who it is for (tenant, key, run, call)
// and until when. The caller builds every internal header here; the receiver verifies here and
// believes nothing else. HMAC-SHA256 with a key derived from SHOAL_INTERNAL_TOKEN: a leaked
// context is bound to one tenant, run and call and expires within a minute.
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
    get INTERNAL_CONTEXT_TTL_MS () {
        return INTERNAL_CONTEXT_TTL_MS;
    },
    get InternalContextError () {
        return InternalContextError;
    },
    get internalHeaders () {
        return internalHeaders;
    },
    get signInternalContext () {
        return signInternalContext;
    },
    get verifyInternalContext () {
        return verifyInternalContext;
    }
});
const _nodecrypto = require("node:crypto");
const _contracts = require("../../../contracts/src");
let InternalContextError = class InternalContextError extends Error {
    reason;
    constructor(reason){
        super(`internal call context refused: ${reason}`), this.reason = reason;
        this.name = 'InternalContextError';
    }
};
const INTERNAL_CONTEXT_TTL_MS = 60_000;
/** A context that claims to live longer than this (plus clock skew) was not made by Shoal. */ const MAX_LIFETIME_MS = INTERNAL_CONTEXT_TTL_MS + 30_000;
const VERSION = 'v1';
const keys = new Map();
/** The signing key, derived from the shared token (never the token itself), cached per token. */ function signingKey(internalToken) {
    let key = keys.get(internalToken);
    if (!key) {
        key = Buffer.from((0, _nodecrypto.hkdfSync)('sha256', internalToken, 'shoal', 'internal-call-context/v1', 32));
        keys.set(internalToken, key);
    }
    return key;
}
const sign = (internalToken, payload)=>(0, _nodecrypto.createHmac)('sha256', signingKey(internalToken)).update(`${VERSION}.${payload}`).digest();
function signInternalContext(internalToken, ctx, now = Date.now(), ttlMs = INTERNAL_CONTEXT_TTL_MS) {
    const payload = Buffer.from(JSON.stringify({
        t: ctx.tenantId,
        k: ctx.apiKeyId,
        r: ctx.runId,
        c: ctx.callId,
        n: ctx.nodeId,
        exp: now + ttlMs
    })).toString('base64url');
    return `${VERSION}.${payload}.${sign(internalToken, payload).toString('base64url')}`;
}
function verifyInternalContext(internalToken, header, now = Date.now()) {
    if (!header) throw new InternalContextError('missing');
    const parts = header.split('.');
    if (parts.length !== 3 || parts[0] !== VERSION) throw new InternalContextError('malformed');
    const [, payload, sig] = parts;
    const expected = sign(internalToken, payload);
    const given = Buffer.from(sig, 'base64url');
    if (given.length !== expected.length || !(0, _nodecrypto.timingSafeEqual)(given, expected)) throw new InternalContextError('bad_signature');
    let body;
    try {
        body = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch  {
        throw new InternalContextError('malformed');
    }
    const str = (v)=>typeof v === 'string' && v.length > 0 ? v : null;
    const tenantId = str(body.t);
    if (!tenantId || typeof body.exp !== 'number') throw new InternalContextError('malformed');
    if (body.exp <= now) throw new InternalContextError('expired');
    if (body.exp > now + MAX_LIFETIME_MS) throw new InternalContextError('too_long_lived');
    return {
        tenantId,
        apiKeyId: str(body.k),
        runId: str(body.r),
        callId: str(body.c),
        nodeId: str(body.n),
        expiresAt: body.exp
    };
}
function internalHeaders(internalToken, ctx, opts = {}) {
    const headers = {
        [_contracts.INTERNAL_HEADERS.token]: internalToken,
        [_contracts.INTERNAL_HEADERS.context]: signInternalContext(internalToken, ctx, opts.now)
    };
    if (opts.traceparent) headers[_contracts.INTERNAL_HEADERS.traceparent] = opts.traceparent;
    return headers;
}

//# sourceMappingURL=internal-context.js.map