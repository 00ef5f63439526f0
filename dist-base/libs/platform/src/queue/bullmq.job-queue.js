"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "BullMqJobQueue", {
    enumerable: true,
    get: function() {
        return BullMqJobQueue;
    }
});
const _bullmq = require("bullmq");
const _contracts = require("../../../contracts/src");
const _logger = require("../logging/logger");
let BullMqJobQueue = class BullMqJobQueue {
    connection;
    prefix;
    log = (0, _logger.createLogger)('BullMqJobQueue');
    queues = new Map();
    workers = [];
    constructor(connection, prefix){
        this.connection = connection;
        this.prefix = prefix;
    }
    queue(name) {
        let q = this.queues.get(name);
        if (!q) {
            q = new _bullmq.Queue(name, {
                connection: this.connection,
                prefix: this.prefix
            });
            this.queues.set(name, q);
        }
        return q;
    }
    async enqueue(name, payload, opts) {
        const defaults = _contracts.QUEUE_DEFAULTS[name];
        await this.queue(name).add(name, payload, {
            jobId: opts.jobId,
            attempts: opts.attempts ?? defaults.attempts,
            backoff: {
                type: 'exponential',
                delay: opts.backoffMs ?? defaults.backoffMs
            },
            removeOnComplete: {
                age: 3600,
                count: 10_000
            },
            removeOnFail: {
                age: 7 * 24 * 3600
            }
        });
    }
    process(name, handler, opts = {}) {
        const worker = new _bullmq.Worker(name, async (job)=>handler(job.data, {
                jobId: job.id ?? '',
                attempt: job.attemptsMade + 1
            }), // a job whose worker died is taken over (stalled) up to 3 times before it counts as failed
        {
            connection: this.connection,
            prefix: this.prefix,
            concurrency: opts.concurrency ?? 8,
            lockDuration: 30_000,
            maxStalledCount: 3
        });
        worker.on('failed', (job, err)=>{
            this.log.warn({
                err,
                queue: name,
                jobId: job?.id,
                attempt: job?.attemptsMade
            }, 'job failed');
            // the last attempt, or stalled too often (BullMQ fails those without running the processor)
            const exhausted = !job || job.attemptsMade >= (job.opts.attempts ?? 1) || /stalled/i.test(err.message);
            if (exhausted && job && opts.onExhausted) {
                opts.onExhausted(job.data, err).catch((e)=>this.log.error({
                        err: e,
                        queue: name,
                        jobId: job.id
                    }, 'could not record a job that failed for good'));
            }
        });
        worker.on('error', (err)=>this.log.error({
                err,
                queue: name
            }, 'worker error'));
        this.workers.push(worker);
    }
    async stopWorkers() {
        // BullMQ's close lets in-flight jobs finish and takes no new ones
        await Promise.all(this.workers.map((w)=>w.close()));
    }
    async close() {
        await this.stopWorkers();
        await Promise.all([
            ...this.queues.values()
        ].map((q)=>q.close()));
    }
};

//# sourceMappingURL=bullmq.job-queue.js.map