// The queue port: durable jobs with deterministic ids (a job id that already exists is not added
// twice). BullMQ on Redis in distributed mode, an in-process queue in standalone mode. Typed by the
// name → payload map in contracts (QUEUE_PAYLOADS): a job is validated against its queue's schema
// once, here in the queue layer, before its handler sees it.
import { QUEUE_PAYLOADS, type QueueName, type QueuePayload } from '@shoal/contracts';

export interface EnqueueOptions {
  /** deterministic id: adding a job whose id exists already is a no-op */
  jobId: string;
  attempts?: number;
  backoffMs?: number;
}

export interface JobContext {
  jobId: string;
  attempt: number; // 1-based
}

export type JobHandler<P = unknown> = (payload: P, ctx: JobContext) => Promise<void>;

export interface ProcessOptions<P = unknown> {
  concurrency?: number;
  /**
   * Called once when a job will not be tried again: its last attempt failed, or it stalled (its
   * worker died) more often than allowed. The place to mark what the job was for as failed.
   */
  onExhausted?: (payload: P, err: Error) => Promise<void>;
  /**
   * How long a job stays claimed by a worker that stopped renewing it (it renews at half this):
   * after it, plus up to `stalledIntervalMs`, another worker takes the job over. Distributed only.
   */
  lockDurationMs?: number;
  /** How often workers look for jobs whose lock expired (their worker died). Distributed only. */
  stalledIntervalMs?: number;
  /** Take-overs of one job before it counts as failed (a job that keeps killing its workers). */
  maxStalledCount?: number;
}

/** Where a job is: still to run or running (`pending`), ended (`ended`), or unknown to the queue (`missing`). */
export type JobPresence = 'pending' | 'ended' | 'missing';

export interface JobQueue {
  /** Sets `queue` up for enqueueing now (a producer calls it at start), so that its first enqueue does not pay for it. */
  open(queue: QueueName): void;
  enqueue<Q extends QueueName>(queue: Q, payload: QueuePayload<Q>, opts: EnqueueOptions): Promise<void>;
  /** Whether a job with this id is still to run, has ended (completed or failed), or is unknown. */
  presence(queue: QueueName, jobId: string): Promise<JobPresence>;
  /**
   * Enqueues the job again even if an ended job holds its id (that one is removed first); a job
   * still pending is left alone. Safe to call from several replicas at once: one job results.
   */
  requeue<Q extends QueueName>(queue: Q, payload: QueuePayload<Q>, opts: EnqueueOptions): Promise<void>;
  /**
   * Start consuming `queue`; one handler per queue per process. A job whose payload does not match
   * the queue's schema is logged and dropped (completed without its handler): retrying would not mend it.
   */
  process<Q extends QueueName>(queue: Q, handler: JobHandler<QueuePayload<Q>>, opts?: ProcessOptions<QueuePayload<Q>>): void;
  /** stop taking jobs and wait for the ones in progress (first step of a graceful shutdown) */
  stopWorkers(): Promise<void>;
  close(): Promise<void>;
}

export const JOB_QUEUE = Symbol('JOB_QUEUE');

/** The payload as its queue's schema reads it, or the issues that make it unreadable. */
export function parseJobPayload<Q extends QueueName>(
  queue: Q,
  payload: unknown,
): { ok: true; payload: QueuePayload<Q> } | { ok: false; issues: unknown } {
  const parsed = QUEUE_PAYLOADS[queue].safeParse(payload);
  return parsed.success ? { ok: true, payload: parsed.data as QueuePayload<Q> } : { ok: false, issues: parsed.error.issues };
}
