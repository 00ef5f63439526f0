"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "AuthFailureLimiter", {
    enumerable: true,
    get: function() {
        return AuthFailureLimiter;
    }
});
const _lrucache = require("../cache/lru-cache");
let AuthFailureLimiter = class AuthFailureLimiter {
    limits;
    now;
    windows;
    constructor(limits, now = ()=>Date.now()){
        this.limits = limits;
        this.now = now;
        this.windows = new _lrucache.LruCache({
            maxEntries: 100_000,
            ttlMs: limits.windowMs,
            now
        });
    }
    /** Seconds until `ip` may try again, or 0 when it may try now. */ retryAfterSeconds(ip) {
        const w = this.windows.get(ip);
        if (!w || w.failures < this.limits.failuresPerIp) return 0;
        return Math.max(1, Math.ceil((w.resetAt - this.now()) / 1000));
    }
    recordFailure(ip) {
        const w = this.windows.get(ip);
        if (w) w.failures++;
        else this.windows.set(ip, {
            failures: 1,
            resetAt: this.now() + this.limits.windowMs
        });
    }
};

//# sourceMappingURL=auth-failure.limiter.js.map