// A bounded cache with least-recently-used eviction, by entry count and optionally by size.
// Every in-process cache uses this one: a cache that is full drops its coldest entries, it is
// never cleared whole (a clear lets one flood of new keys wipe every warm entry at once).
"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "LruCache", {
    enumerable: true,
    get: function() {
        return LruCache;
    }
});
let LruCache = class LruCache {
    opts;
    // a Map iterates in insertion order: re-inserting on use keeps the coldest entry first
    entries = new Map();
    total = 0;
    now;
    constructor(opts){
        this.opts = opts;
        if (!(opts.maxEntries >= 1)) throw new RangeError('LruCache maxEntries must be at least 1');
        this.now = opts.now ?? (()=>Date.now());
    }
    get size() {
        return this.entries.size;
    }
    /** the total size of what is kept (entries when no `sizeOf` was given) */ get totalSize() {
        return this.total;
    }
    get(key) {
        const e = this.entries.get(key);
        if (!e) return undefined;
        if (e.expiresAt <= this.now()) {
            this.remove(key, e);
            return undefined;
        }
        this.entries.delete(key);
        this.entries.set(key, e);
        return e.value;
    }
    has(key) {
        return this.get(key) !== undefined;
    }
    /** Keeps `value`, evicting the least recently used entries beyond the bounds. A value larger than `maxSize` on its own is not kept. */ set(key, value, ttlMs = this.opts.ttlMs) {
        const old = this.entries.get(key);
        if (old) this.remove(key, old);
        const size = this.opts.sizeOf ? this.opts.sizeOf(value) : 1;
        if (this.opts.maxSize !== undefined && size > this.opts.maxSize) return this;
        this.entries.set(key, {
            value,
            size,
            expiresAt: ttlMs === undefined ? Infinity : this.now() + ttlMs
        });
        this.total += size;
        this.evict();
        return this;
    }
    delete(key) {
        const e = this.entries.get(key);
        if (!e) return false;
        this.remove(key, e);
        return true;
    }
    /** Drops entries older than their time to live (they are dropped lazily on `get` as well). */ prune() {
        const now = this.now();
        for (const [k, e] of this.entries)if (e.expiresAt <= now) this.remove(k, e);
    }
    keys() {
        return this.entries.keys();
    }
    evict() {
        const maxSize = this.opts.maxSize ?? Infinity;
        while(this.entries.size > this.opts.maxEntries || this.total > maxSize){
            const [k, e] = this.entries.entries().next().value;
            this.remove(k, e);
        }
    }
    remove(key, e) {
        this.entries.delete(key);
        this.total -= e.size;
    }
};

//# sourceMappingURL=lru-cache.js.map