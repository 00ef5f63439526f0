// What a run's event log may hold. Large fields of an event are truncated before it is stored, and
// a run's log stops growing at a byte cap (workflow_finished is always stored, so followers end).
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
    get DEFAULT_RUN_EVENT_LIMITS () {
        return DEFAULT_RUN_EVENT_LIMITS;
    },
    get boundRunEvent () {
        return boundRunEvent;
    },
    get truncatedSuffix () {
        return truncatedSuffix;
    }
});
const DEFAULT_RUN_EVENT_LIMITS = {
    maxBytesPerRun: 16 * 1024 * 1024,
    fieldMaxBytes: 64 * 1024,
    finishedTtlSeconds: 3600
};
const truncatedSuffix = (bytes)=>`…[truncated ${bytes} bytes]`;
function truncateString(s, max) {
    const bytes = Buffer.byteLength(s);
    if (bytes <= max) return s;
    // cut at a character boundary: decoding a byte prefix drops a split trailing character as U+FFFD
    let prefix = Buffer.from(s).subarray(0, max).toString('utf8');
    if (prefix.endsWith('\uFFFD')) prefix = prefix.slice(0, -1);
    return prefix + truncatedSuffix(bytes - Buffer.byteLength(prefix));
}
function bound(value, max) {
    if (typeof value === 'string') return truncateString(value, max);
    if (value === null || typeof value !== 'object') return value;
    const inner = Array.isArray(value) ? value.map((v)=>bound(v, max)) : Object.fromEntries(Object.entries(value).map(([k, v])=>[
            k,
            bound(v, max)
        ]));
    const bytes = Buffer.byteLength(JSON.stringify(inner));
    return bytes > max ? {
        __truncated: true,
        bytes
    } : inner;
}
function boundRunEvent(body, fieldMaxBytes) {
    const data = Object.fromEntries(Object.entries(body.data).map(([k, v])=>[
            k,
            bound(v, fieldMaxBytes)
        ]));
    return {
        ...body,
        data
    };
}

//# sourceMappingURL=run-event-limits.js.map