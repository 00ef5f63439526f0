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
    get DEFAULT_IN_MEMORY_RUN_EVENT_LIMITS () {
        return DEFAULT_IN_MEMORY_RUN_EVENT_LIMITS;
    },
    get InMemoryRunEventStore () {
        return InMemoryRunEventStore;
    }
});
const _nodeevents = require("node:events");
const _lrucache = require("../cache/lru-cache");
const _runeventlimits = require("./run-event-limits");
const _runeventstore = require("./run-event-store");
const DEFAULT_IN_MEMORY_RUN_EVENT_LIMITS = {
    ..._runeventlimits.DEFAULT_RUN_EVENT_LIMITS,
    maxFinishedBytes: 64 * 1024 * 1024,
    maxActiveRuns: 10_000
};
let InMemoryRunEventStore = class InMemoryRunEventStore {
    running = new Map();
    finished;
    emitter = new _nodeevents.EventEmitter().setMaxListeners(0);
    limits;
    constructor(limits = {}, now = ()=>Date.now()){
        this.limits = {
            ...DEFAULT_IN_MEMORY_RUN_EVENT_LIMITS,
            ...limits
        };
        this.finished = new _lrucache.LruCache({
            maxEntries: this.limits.maxActiveRuns,
            maxSize: this.limits.maxFinishedBytes,
            sizeOf: (l)=>l.bytes,
            ttlMs: this.limits.finishedTtlSeconds * 1000,
            now
        });
    }
    async append(runId, raw) {
        const body = (0, _runeventlimits.boundRunEvent)(raw, this.limits.fieldMaxBytes);
        const final = body.event === 'workflow_finished';
        let log = this.running.get(runId) ?? this.finished.get(runId);
        if (!log) {
            log = {
                events: [],
                bytes: 0,
                seq: 0
            };
            this.running.set(runId, log);
            if (this.running.size > this.limits.maxActiveRuns) this.running.delete(this.running.keys().next().value);
        }
        const e = {
            ...body,
            workflow_run_id: runId,
            task_id: runId,
            sequence: log.seq + 1,
            timestamp: Date.now()
        };
        const size = Buffer.byteLength(JSON.stringify(e));
        if (!final && log.bytes + size > this.limits.maxBytesPerRun) return undefined;
        log.seq++;
        log.events.push(e);
        log.bytes += size;
        if (final) {
            this.running.delete(runId);
            this.finished.set(runId, log);
        }
        this.emitter.emit(runId, e);
        return e;
    }
    async read(runId, afterSeq = 0) {
        const log = this.running.get(runId) ?? this.finished.get(runId);
        return log ? log.events.filter((e)=>e.sequence > afterSeq) : [];
    }
    async lastSequence(runId) {
        return (this.running.get(runId) ?? this.finished.get(runId))?.seq ?? 0;
    }
    /** Bytes held for finished runs (what `maxFinishedBytes` bounds). */ finishedBytes() {
        return this.finished.totalSize;
    }
    async subscribe(runId, afterSeq, onEvent) {
        const delivery = new _runeventstore.OrderedDelivery(afterSeq, (after)=>this.read(runId, after), onEvent);
        const listener = (e)=>delivery.offer(e);
        this.emitter.on(runId, listener);
        const unsubscribe = ()=>{
            delivery.close();
            this.emitter.off(runId, listener);
        };
        return (0, _runeventstore.catchUpOrUnsubscribe)(delivery, unsubscribe);
    }
    async close() {
        this.emitter.removeAllListeners();
    }
};

//# sourceMappingURL=memory.run-event-store.js.map