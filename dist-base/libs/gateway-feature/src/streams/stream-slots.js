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
    get DEFAULT_STREAM_LIMITS () {
        return DEFAULT_STREAM_LIMITS;
    },
    get STREAM_LIMITS () {
        return STREAM_LIMITS;
    },
    get StreamSlots () {
        return StreamSlots;
    }
});
const _ts_decorate = require("@swc/helpers/_/_ts_decorate");
const _ts_metadata = require("@swc/helpers/_/_ts_metadata");
const _ts_param = require("@swc/helpers/_/_ts_param");
const _common = require("@nestjs/common");
const _platform = require("../../../platform/src");
const STREAM_LIMITS = Symbol('STREAM_LIMITS');
const DEFAULT_STREAM_LIMITS = {
    maxPerKey: 100,
    maxPerRun: 20
};
let StreamSlots = class StreamSlots {
    limits;
    perKey = new Map();
    perRun = new Map();
    constructor(limits){
        this.limits = limits;
    }
    /** streams open for `apiKeyId` */ openForKey(apiKeyId) {
        return this.perKey.get(apiKeyId) ?? 0;
    }
    /** Takes a slot for a stream of `apiKeyId` (on `runId`, when it follows a run); call the result once the stream ends. */ acquire(apiKeyId, runId) {
        if ((this.perKey.get(apiKeyId) ?? 0) >= this.limits.maxPerKey) {
            throw new _platform.ApiError('rate_limited', `Too many open event streams for this API key (at most ${this.limits.maxPerKey}); close one and retry`, {
                retryAfterSeconds: 1
            });
        }
        if (runId && (this.perRun.get(runId) ?? 0) >= this.limits.maxPerRun) {
            throw new _platform.ApiError('rate_limited', `Too many open event streams for run '${runId}' (at most ${this.limits.maxPerRun}); close one and retry`, {
                retryAfterSeconds: 1
            });
        }
        inc(this.perKey, apiKeyId, 1);
        if (runId) inc(this.perRun, runId, 1);
        let released = false;
        return ()=>{
            if (released) return;
            released = true;
            inc(this.perKey, apiKeyId, -1);
            if (runId) inc(this.perRun, runId, -1);
        };
    }
};
StreamSlots = _ts_decorate._([
    (0, _common.Injectable)(),
    _ts_param._(0, (0, _common.Inject)(STREAM_LIMITS)),
    _ts_metadata._("design:type", Function),
    _ts_metadata._("design:paramtypes", [
        typeof StreamLimits === "undefined" ? Object : StreamLimits
    ])
], StreamSlots);
function inc(m, k, by) {
    const n = (m.get(k) ?? 0) + by;
    if (n <= 0) m.delete(k);
    else m.set(k, n);
}

//# sourceMappingURL=stream-slots.js.map