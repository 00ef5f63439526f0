// How long a failing deployment rests, and when a transient failure is bad enough to rest at all.
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
    get DEFAULT_COOLDOWN_POLICY () {
        return DEFAULT_COOLDOWN_POLICY;
    },
    get TRANSIENT_KINDS () {
        return TRANSIENT_KINDS;
    },
    get cooldownToApply () {
        return cooldownToApply;
    }
});
const DEFAULT_COOLDOWN_POLICY = Object.freeze({
    rateLimitDefaultMs: 5_000,
    rateLimitMinMs: 1_000,
    rateLimitMaxMs: 60_000,
    transientCooldownMs: 10_000,
    failureThreshold: 3,
    failureWindowMs: 60_000,
    authCooldownMs: 300_000,
    balanceCooldownMs: 300_000,
    notFoundCooldownMs: 300_000
});
const TRANSIENT_KINDS = new Set([
    'server_error',
    'overloaded',
    'timeout',
    'connection',
    'unknown'
]);
function cooldownToApply(failure, consecutiveFailures, policy) {
    if (!failure.failover || failure.cooldownMs <= 0) return 0;
    // A provider that names a time to come back has told us more than any streak could.
    if (failure.retryAfterMs !== undefined) return failure.cooldownMs;
    if (TRANSIENT_KINDS.has(failure.kind) && consecutiveFailures < policy.failureThreshold) return 0;
    return failure.cooldownMs;
}

//# sourceMappingURL=cooldown.policy.js.map