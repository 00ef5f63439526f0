// In-process stand-in for BullMQ, for standalone mode and unit tests: same contract (deterministic
// job ids, retries with backoff, bounded concurrency), nothing durable across restarts.
import { QUEUE_DEFAULTS, type QueueName, type QueuePayload } from '@shoal/contracts';
import { parseJobPayload, type EnqueueOptions, type JobHandler, type JobPresence, type JobQueue, type ProcessOptions } from './job-queue';
import { createLogger } from '../logging/logger';

const RETENTION_MS = 3_600_000;

interface PendingJob {
  id: string;
  payload: unknown;
  attempt: number;
  maxAttempts: number;
  backoffMs: number;
}

export class InMemoryJobQueue implements JobQueue {
  private readonly log = createLogger('InMemoryJobQueue');
  private readonly waiting = new Map<QueueName, PendingJob[]>();
  // job ids seen, with when they ended: like BullMQ's retention, an ended job still dedupes for an hour
  private readonly known = new Map<string, number | undefined>();
  private readonly handlers = new Map<
    QueueName,
    { handler: JobHandler; concurrency: number; active: number; onExhausted?: ProcessOptions['onExhausted'] }
  >();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  /** In process a queue is its list, made by its first job. */
  open(queue: QueueName): void {
    if (!this.waiting.has(queue)) this.waiting.set(queue, []);
  }

  async enqueue<Q extends QueueName>(queue: Q, payload: QueuePayload<Q>, opts: EnqueueOptions): Promise<void> {
    const key = `${queue}:${opts.jobId}`;
    if (this.closed || this.known.has(key)) return;
    this.forgetOldJobs();
    this.known.set(key, undefined);
    const d = QUEUE_DEFAULTS[queue];
    this.push(queue, {
      id: opts.jobId,
      payload,
      attempt: 1,
      maxAttempts: opts.attempts ?? d.attempts,
      backoffMs: opts.backoffMs ?? d.backoffMs,
    });
  }

  async presence(queue: QueueName, jobId: string): Promise<JobPresence> {
    const key = `${queue}:${jobId}`;
    if (!this.known.has(key)) return 'missing';
    return this.known.get(key) === undefined ? 'pending' : 'ended';
  }

  async requeue<Q extends QueueName>(queue: Q, payload: QueuePayload<Q>, opts: EnqueueOptions): Promise<void> {
    const key = `${queue}:${opts.jobId}`;
    if (this.known.has(key) && this.known.get(key) !== undefined) this.known.delete(key);
    await this.enqueue(queue, payload, opts);
  }

  process<Q extends QueueName>(queue: Q, handler: JobHandler<QueuePayload<Q>>, opts: ProcessOptions<QueuePayload<Q>> = {}): void {
    if (this.handlers.has(queue)) throw new Error(`queue ${queue} already has a handler`);
    // validated once here, as BullMqJobQueue does, so that both deliver only what the schema reads
    const checked: JobHandler = async (payload, ctx) => {
      const parsed = parseJobPayload(queue, payload);
      if (!parsed.ok) return this.log.error({ queue, jobId: ctx.jobId, issues: parsed.issues }, 'dropping a malformed job');
      return handler(parsed.payload, ctx);
    };
    const onExhausted = opts.onExhausted;
    this.handlers.set(queue, {
      handler: checked,
      concurrency: opts.concurrency ?? 8,
      active: 0,
      onExhausted: onExhausted
        ? async (payload, err) => {
            const parsed = parseJobPayload(queue, payload);
            if (parsed.ok) await onExhausted(parsed.payload, err);
          }
        : undefined,
    });
    this.drain(queue);
  }

  private push(queue: QueueName, job: PendingJob): void {
    const list = this.waiting.get(queue) ?? [];
    list.push(job);
    this.waiting.set(queue, list);
    this.drain(queue);
  }

  private drain(queue: QueueName): void {
    const h = this.handlers.get(queue);
    const list = this.waiting.get(queue);
    while (h && list && h.active < h.concurrency && !this.closed) {
      const job = list.shift();
      if (!job) break;
      h.active++;
      const p = h
        .handler(job.payload, { jobId: job.id, attempt: job.attempt })
        .then(() => this.ended(queue, job))
        .catch((err: unknown) => this.retry(queue, job, err))
        .finally(() => {
          h.active--;
          this.inFlight.delete(p);
          this.drain(queue);
        });
      this.inFlight.add(p);
    }
  }

  private retry(queue: QueueName, job: PendingJob, err: unknown): void {
    this.log.warn({ err, queue, jobId: job.id, attempt: job.attempt }, 'job failed');
    if (this.closed) return;
    if (job.attempt >= job.maxAttempts) {
      this.ended(queue, job);
      const onExhausted = this.handlers.get(queue)?.onExhausted;
      onExhausted?.(job.payload, err instanceof Error ? err : new Error(String(err))).catch((e: unknown) =>
        this.log.error({ err: e, queue, jobId: job.id }, 'could not record a job that failed for good'),
      );
      return;
    }
    const delay = job.backoffMs * 2 ** (job.attempt - 1);
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.push(queue, { ...job, attempt: job.attempt + 1 });
    }, delay);
    this.timers.add(t);
  }

  private ended(queue: QueueName, job: PendingJob): void {
    this.known.set(`${queue}:${job.id}`, Date.now());
  }

  private forgetOldJobs(): void {
    if (this.known.size < 10_000) return;
    const before = Date.now() - RETENTION_MS;
    for (const [key, endedAt] of this.known) if (endedAt !== undefined && endedAt < before) this.known.delete(key);
  }

  async stopWorkers(): Promise<void> {
    await this.close();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    await Promise.allSettled([...this.inFlight]);
  }
}
