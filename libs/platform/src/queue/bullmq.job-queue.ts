import type { ConnectionOptions, Queue, Worker } from 'bullmq';
import { QUEUE_DEFAULTS, type QueueName, type QueuePayload } from '@shoal/contracts';
import { parseJobPayload, type EnqueueOptions, type JobHandler, type JobPresence, type JobQueue, type ProcessOptions } from './job-queue';
import { createLogger } from '../logging/logger';

// an add that Redis does not acknowledge in this time fails (the caller answers 503) instead of
// waiting in the connection's offline queue for as long as Redis is down
const ENQUEUE_TIMEOUT_MS = 2000;
const DEFAULT_LOCK_MS = 30_000;

// BullMQ (~220 files with its dependencies, ~6 MB resident, ~70 ms to load) is loaded when a queue or
// a worker is first made, not by every service that imports this lib: every service builds this
// class (the platform module provides it), but model-pool and billing never enqueue or process
let loaded: typeof import('bullmq') | undefined;
const bullmq = (): typeof import('bullmq') => (loaded ??= require('bullmq') as typeof import('bullmq'));

export class BullMqJobQueue implements JobQueue {
  private readonly log = createLogger('BullMqJobQueue');
  private readonly queues = new Map<QueueName, Queue>();
  private readonly workers: Worker[] = [];

  constructor(
    private readonly connection: ConnectionOptions,
    private readonly prefix: string,
  ) {}

  private queue(name: QueueName): Queue {
    let q = this.queues.get(name);
    if (!q) {
      q = new (bullmq().Queue)(name, { connection: this.connection, prefix: this.prefix });
      this.queues.set(name, q);
    }
    return q;
  }

  open(name: QueueName): void {
    this.queue(name);
  }

  async enqueue<Q extends QueueName>(name: Q, payload: QueuePayload<Q>, opts: EnqueueOptions): Promise<void> {
    const defaults = QUEUE_DEFAULTS[name];
    // Redis known to be unreachable: say so now rather than after the timeout
    const status = (this.connection as { status?: unknown }).status;
    if (typeof status === 'string' && status !== 'ready' && status !== 'connect' && status !== 'connecting')
      throw Object.assign(new Error(`Redis is unreachable (connection ${status})`), { code: 'ECONNREFUSED' });
    await withTimeout(
      this.queue(name).add(name, payload, {
        jobId: opts.jobId,
        attempts: opts.attempts ?? defaults.attempts,
        backoff: { type: 'exponential', delay: opts.backoffMs ?? defaults.backoffMs },
        removeOnComplete: { age: 3600, count: 10_000 },
        removeOnFail: { age: 7 * 24 * 3600 },
      }),
      ENQUEUE_TIMEOUT_MS,
    );
  }

  async presence(name: QueueName, jobId: string): Promise<JobPresence> {
    const state = await withTimeout(this.queue(name).getJobState(jobId), ENQUEUE_TIMEOUT_MS);
    if (state === 'unknown') return 'missing';
    return state === 'completed' || state === 'failed' ? 'ended' : 'pending';
  }

  async requeue<Q extends QueueName>(name: Q, payload: QueuePayload<Q>, opts: EnqueueOptions): Promise<void> {
    if ((await this.presence(name, opts.jobId)) === 'ended') {
      // a job that is not active or locked is removable; a concurrent remover's second call finds nothing
      await withTimeout(this.queue(name).remove(opts.jobId), ENQUEUE_TIMEOUT_MS);
    }
    await this.enqueue(name, payload, opts);
  }

  process<Q extends QueueName>(name: Q, handler: JobHandler<QueuePayload<Q>>, opts: ProcessOptions<QueuePayload<Q>> = {}): void {
    const worker = new (bullmq().Worker)(
      name,
      async (job) => {
        const parsed = parseJobPayload(name, job.data);
        if (!parsed.ok) return this.log.error({ queue: name, jobId: job.id, issues: parsed.issues }, 'dropping a malformed job');
        return handler(parsed.payload, { jobId: job.id ?? '', attempt: job.attemptsMade + 1 });
      },
      // a job whose worker died is taken over (stalled) up to maxStalledCount times before it counts as failed
      {
        connection: this.connection,
        prefix: this.prefix,
        concurrency: opts.concurrency ?? 8,
        lockDuration: opts.lockDurationMs ?? DEFAULT_LOCK_MS,
        stalledInterval: opts.stalledIntervalMs ?? DEFAULT_LOCK_MS,
        maxStalledCount: opts.maxStalledCount ?? 3,
      },
    );
    worker.on('failed', (job, err) => {
      this.log.warn({ err, queue: name, jobId: job?.id, attempt: job?.attemptsMade }, 'job failed');
      // the last attempt, or stalled too often (BullMQ fails those without running the processor)
      const exhausted = !job || job.attemptsMade >= (job.opts.attempts ?? 1) || /stalled/i.test(err.message);
      const parsed = job ? parseJobPayload(name, job.data) : undefined;
      if (exhausted && job && parsed?.ok && opts.onExhausted) {
        opts
          .onExhausted(parsed.payload, err)
          .catch((e: unknown) => this.log.error({ err: e, queue: name, jobId: job.id }, 'could not record a job that failed for good'));
      }
    });
    worker.on('error', (err) => this.log.error({ err, queue: name }, 'worker error'));
    this.workers.push(worker);
  }

  async stopWorkers(): Promise<void> {
    // BullMQ's close lets in-flight jobs finish and takes no new ones
    await Promise.all(this.workers.map((w) => w.close()));
  }

  async close(): Promise<void> {
    await this.stopWorkers();
    await Promise.all([...this.queues.values()].map((q) => q.close()));
  }
}

/** Rejects with an ETIMEDOUT error (an infrastructure error: callers answer 503) when `p` takes longer than `ms`. */
function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`Redis did not answer within ${ms} ms`), { code: 'ETIMEDOUT' })), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}
