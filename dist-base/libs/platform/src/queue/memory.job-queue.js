// In-process stand-in for BullMQ, for standalone mode and unit tests: same contract (deterministic
// job ids, retries with backoff, bounded concurrency), nothing durable across restarts.
"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "InMemoryJobQueue", {
    enumerable: true,
    get: function() {
        return InMemoryJobQueue;
    }
});
const _contracts = require("../../../contracts/src");
const _logger = require("../logging/logger");
const RETENTION_MS = 3_600_000;
let InMemoryJobQueue = class InMemoryJobQueue {
    log = (0, _logger.createLogger)('InMemoryJobQueue');
    waiting = new Map();
    // job ids seen, with when they ended: like BullMQ's retention, an ended job still dedupes for an hour
    known = new Map();
    handlers = new Map();
    inFlight = new Set();
    timers = new Set();
    closed = false;
    async enqueue(queue, payload, opts) {
        const key = `${queue}:${opts.jobId}`;
        if (this.closed || this.known.has(key)) return;
        this.forgetOldJobs();
        this.known.set(key, undefined);
        const d = _contracts.QUEUE_DEFAULTS[queue];
        this.push(queue, {
            id: opts.jobId,
            payload,
            attempt: 1,
            maxAttempts: opts.attempts ?? d.attempts,
            backoffMs: opts.backoffMs ?? d.backoffMs
        });
    }
    process(queue, handler, opts = {}) {
        if (this.handlers.has(queue)) throw new Error(`queue ${queue} already has a handler`);
        this.handlers.set(queue, {
            handler,
            concurrency: opts.concurrency ?? 8,
            active: 0,
            onExhausted: opts.onExhausted
        });
        this.drain(queue);
    }
    push(queue, job) {
        const list = this.waiting.get(queue) ?? [];
        list.push(job);
        this.waiting.set(queue, list);
        this.drain(queue);
    }
    drain(queue) {
        const h = this.handlers.get(queue);
        const list = this.waiting.get(queue);
        while(h && list && h.active < h.concurrency && !this.closed){
            const job = list.shift();
            if (!job) break;
            h.active++;
            const p = h.handler(job.payload, {
                jobId: job.id,
                attempt: job.attempt
            }).then(()=>this.ended(queue, job)).catch((err)=>this.retry(queue, job, err)).finally(()=>{
                h.active--;
                this.inFlight.delete(p);
                this.drain(queue);
            });
            this.inFlight.add(p);
        }
    }
    retry(queue, job, err) {
        this.log.warn({
            err,
            queue,
            jobId: job.id,
            attempt: job.attempt
        }, 'job failed');
        if (this.closed) return;
        if (job.attempt >= job.maxAttempts) {
            this.ended(queue, job);
            const onExhausted = this.handlers.get(queue)?.onExhausted;
            onExhausted?.(job.payload, err instanceof Error ? err : new Error(String(err))).catch((e)=>this.log.error({
                    err: e,
                    queue,
                    jobId: job.id
                }, 'could not record a job that failed for good'));
            return;
        }
        const delay = job.backoffMs * 2 ** (job.attempt - 1);
        const t = setTimeout(()=>{
            this.timers.delete(t);
            this.push(queue, {
                ...job,
                attempt: job.attempt + 1
            });
        }, delay);
        this.timers.add(t);
    }
    ended(queue, job) {
        this.known.set(`${queue}:${job.id}`, Date.now());
    }
    forgetOldJobs() {
        if (this.known.size < 10_000) return;
        const before = Date.now() - RETENTION_MS;
        for (const [key, endedAt] of this.known)if (endedAt !== undefined && endedAt < before) this.known.delete(key);
    }
    async stopWorkers() {
        await this.close();
    }
    async close() {
        this.closed = true;
        for (const t of this.timers)clearTimeout(t);
        await Promise.allSettled([
            ...this.inFlight
        ]);
    }
};

//# sourceMappingURL=memory.job-queue.js.map