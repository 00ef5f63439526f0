// Run events kept in Postgres, for standalone mode: its embedded Postgres survives a restart, so
// GET /v1/runs/{id}/events replays runs from before it. Live delivery is an in-process fan-out,
// which is all standalone needs (one process); distributed mode uses RedisRunEventStore.
"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "PostgresRunEventStore", {
    enumerable: true,
    get: function() {
        return PostgresRunEventStore;
    }
});
const _nodeevents = require("node:events");
const _lrucache = require("../cache/lru-cache");
const _logger = require("../logging/logger");
const _runeventlimits = require("./run-event-limits");
const _runeventstore = require("./run-event-store");
let PostgresRunEventStore = class PostgresRunEventStore {
    repo;
    log = (0, _logger.createLogger)('PostgresRunEventStore');
    emitter = new _nodeevents.EventEmitter().setMaxListeners(0);
    // appends of one run are serialised in this process, so they are numbered in call order
    tails = new Map();
    retentionMs;
    pruneEveryMs;
    pruner;
    maxBytesPerRun;
    fieldMaxBytes;
    // bytes this process stored per running run; a run that outlives its entry (evicted, or a
    // restart) starts counting again from 0, so the cap is per process lifetime of the run
    bytesPerRun = new _lrucache.LruCache({
        maxEntries: 10_000
    });
    constructor(repo, opts = {}){
        this.repo = repo;
        this.retentionMs = opts.retentionMs ?? 7 * 24 * 3600_000;
        this.pruneEveryMs = opts.pruneEveryMs ?? 3600_000;
        this.maxBytesPerRun = opts.maxBytesPerRun ?? _runeventlimits.DEFAULT_RUN_EVENT_LIMITS.maxBytesPerRun;
        this.fieldMaxBytes = opts.fieldMaxBytes ?? _runeventlimits.DEFAULT_RUN_EVENT_LIMITS.fieldMaxBytes;
    }
    async append(runId, raw) {
        this.schedulePruning();
        const body = (0, _runeventlimits.boundRunEvent)(raw, this.fieldMaxBytes);
        const data = JSON.stringify(body);
        const size = Buffer.byteLength(data);
        const final = body.event === 'workflow_finished';
        const used = this.bytesPerRun.get(runId) ?? 0;
        if (!final && used + size > this.maxBytesPerRun) return undefined;
        if (final) this.bytesPerRun.delete(runId);
        else this.bytesPerRun.set(runId, used + size);
        const previous = this.tails.get(runId) ?? Promise.resolve();
        const next = previous.catch(()=>undefined).then(async ()=>{
            const at = new Date();
            const sequence = await this.repo.append(runId, data, at);
            return {
                ...body,
                workflow_run_id: runId,
                task_id: runId,
                sequence,
                timestamp: at.getTime()
            };
        });
        this.tails.set(runId, next);
        try {
            const e = await next;
            this.emitter.emit(runId, e);
            return e;
        } finally{
            if (this.tails.get(runId) === next) this.tails.delete(runId);
        }
    }
    lastSequence(runId) {
        return this.repo.lastSequence(runId);
    }
    async read(runId, afterSeq = 0) {
        return (await this.repo.after(runId, afterSeq)).map((s)=>eventOf(runId, s));
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
    /** Deletes runs whose last event is older than the retention period; returns how many rows went. */ async prune(now = Date.now()) {
        return this.repo.deleteRunsIdleSince(new Date(now - this.retentionMs));
    }
    async close() {
        if (this.pruner) clearInterval(this.pruner);
        this.pruner = undefined;
        this.emitter.removeAllListeners();
    }
    schedulePruning() {
        if (this.pruner) return;
        const run = ()=>void this.prune().catch((err)=>this.log.warn({
                    err
                }, 'could not delete old run events'));
        this.pruner = setInterval(run, this.pruneEveryMs).unref();
        run();
    }
};
function eventOf(runId, s) {
    return {
        ...JSON.parse(s.data),
        workflow_run_id: runId,
        task_id: runId,
        sequence: s.sequence,
        timestamp: s.timestamp
    };
}

//# sourceMappingURL=postgres.run-event-store.js.map