// Run events kept in Postgres, for standalone mode: its embedded Postgres survives a restart, so
// GET /v1/runs/{id}/events replays runs from before it. Live delivery is an in-process fan-out,
// which is all standalone needs (one process); distributed mode uses RedisRunEventStore.
import { EventEmitter } from 'node:events';
import type { RunEvent, RunEventBody } from '@shoal/contracts';
import { LruCache } from '../cache/lru-cache';
import { createLogger } from '../logging/logger';
import { boundRunEvent, DEFAULT_RUN_EVENT_LIMITS, type RunEventLimits } from './run-event-limits';
import {
  OrderedDelivery,
  catchUpOrUnsubscribe,
  appendOneByOne,
  finishedThroughSubscription,
  type RunEventStore,
  type Unsubscribe,
} from './run-event-store';
import type { RunEventsRepository, StoredRunEvent } from './run-events.repository';

export interface PostgresRunEventStoreOptions extends Partial<Pick<RunEventLimits, 'maxBytesPerRun' | 'fieldMaxBytes'>> {
  /** a run whose last event is older than this is deleted whole (default 7 days) */
  retentionMs?: number;
  /** how often old runs are looked for (default hourly; the first look is at the first append) */
  pruneEveryMs?: number;
}

export class PostgresRunEventStore implements RunEventStore {
  private readonly log = createLogger('PostgresRunEventStore');
  private readonly emitter = new EventEmitter().setMaxListeners(0);
  // appends of one run are serialised in this process, so they are numbered in call order
  private readonly tails = new Map<string, Promise<unknown>>();
  private readonly retentionMs: number;
  private readonly pruneEveryMs: number;
  private pruner: NodeJS.Timeout | undefined;
  private readonly maxBytesPerRun: number;
  private readonly fieldMaxBytes: number;
  // bytes this process stored per running run; a run that outlives its entry (evicted, or a
  // restart) starts counting again from 0, so the cap is per process lifetime of the run
  private readonly bytesPerRun = new LruCache<string, number>({ maxEntries: 10_000 });
  // group commit: appends of every run that arrive while a write is in flight go in the next
  // write together (one INSERT for many runs; at most one event per run, as a run's appends are
  // serialised); each append still resolves only once its row is committed
  private queued: QueuedAppend[] = [];
  private writing = false;

  constructor(
    private readonly repo: RunEventsRepository,
    opts: PostgresRunEventStoreOptions = {},
  ) {
    this.retentionMs = opts.retentionMs ?? 7 * 24 * 3600_000;
    this.pruneEveryMs = opts.pruneEveryMs ?? 3600_000;
    this.maxBytesPerRun = opts.maxBytesPerRun ?? DEFAULT_RUN_EVENT_LIMITS.maxBytesPerRun;
    this.fieldMaxBytes = opts.fieldMaxBytes ?? DEFAULT_RUN_EVENT_LIMITS.fieldMaxBytes;
  }

  // one process (standalone): no frozen worker can outlive its lease, so appends are not fenced
  async fence(): Promise<void> {
    return undefined;
  }

  async append(runId: string, raw: RunEventBody): Promise<RunEvent | undefined> {
    this.schedulePruning();
    const body = boundRunEvent(raw, this.fieldMaxBytes);
    const data = JSON.stringify(body);
    const size = Buffer.byteLength(data);
    const final = body.event === 'workflow_finished';
    const used = this.bytesPerRun.get(runId) ?? 0;
    if (!final && used + size > this.maxBytesPerRun) return undefined;
    if (final) this.bytesPerRun.delete(runId);
    else this.bytesPerRun.set(runId, used + size);
    const previous = this.tails.get(runId) ?? Promise.resolve();
    const next = previous
      .catch(() => undefined)
      .then(async () => {
        const at = new Date();
        const sequence = await this.commit(runId, data, at);
        return { ...body, workflow_run_id: runId, task_id: runId, sequence, timestamp: at.getTime() } as RunEvent;
      });
    this.tails.set(runId, next);
    try {
      const e = await next;
      this.emitter.emit(runId, e);
      return e;
    } finally {
      if (this.tails.get(runId) === next) this.tails.delete(runId);
    }
  }

  private commit(runId: string, data: string, at: Date): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queued.push({ runId, data, at, resolve, reject });
      if (!this.writing) void this.writeQueued();
    });
  }

  private async writeQueued(): Promise<void> {
    this.writing = true;
    try {
      while (this.queued.length) {
        let bytes = 0;
        let n = 0;
        while (n < this.queued.length && n < MAX_BATCH_EVENTS && (n === 0 || bytes + this.queued[n].data.length <= MAX_BATCH_CHARS))
          bytes += this.queued[n++].data.length;
        const batch = this.queued.splice(0, n);
        try {
          const sequences = await this.repo.appendEach(batch);
          batch.forEach((b, i) => b.resolve(sequences[i]));
        } catch (err) {
          batch.forEach((b) => b.reject(err));
        }
      }
    } finally {
      this.writing = false;
    }
  }

  lastSequence(runId: string): Promise<number> {
    return this.repo.lastSequence(runId);
  }

  async read(runId: string, afterSeq = 0): Promise<RunEvent[]> {
    return (await this.repo.after(runId, afterSeq)).map((s) => eventOf(runId, s));
  }

  async subscribe(runId: string, afterSeq: number, onEvent: (e: RunEvent) => void): Promise<Unsubscribe> {
    const delivery = new OrderedDelivery(afterSeq, (after) => this.read(runId, after), onEvent);
    const listener = (e: RunEvent) => delivery.offer(e);
    this.emitter.on(runId, listener);
    const unsubscribe = () => {
      delivery.close();
      this.emitter.off(runId, listener);
    };
    return catchUpOrUnsubscribe(delivery, unsubscribe);
  }

  /** Deletes runs whose last event is older than the retention period; returns how many rows went. */
  async prune(now = Date.now()): Promise<number> {
    return this.repo.deleteRunsIdleSince(new Date(now - this.retentionMs));
  }

  appendAll(runId: string, bodies: readonly RunEventBody[]): Promise<Array<RunEvent | undefined>> {
    return appendOneByOne(this, runId, bodies);
  }

  whenFinished(runId: string, signal: AbortSignal): Promise<undefined> {
    return finishedThroughSubscription(this, runId, signal);
  }

  async close(): Promise<void> {
    if (this.pruner) clearInterval(this.pruner);
    this.pruner = undefined;
    this.emitter.removeAllListeners();
  }

  private schedulePruning(): void {
    if (this.pruner) return;
    const run = () => void this.prune().catch((err: unknown) => this.log.warn({ err }, 'could not delete old run events'));
    this.pruner = setInterval(run, this.pruneEveryMs).unref();
    run();
  }
}

interface QueuedAppend {
  runId: string;
  data: string;
  at: Date;
  resolve(sequence: number): void;
  reject(err: unknown): void;
}

/** A group-committed write holds at most this many events, and this many characters of them (one event may exceed it alone). */
const MAX_BATCH_EVENTS = 256;
const MAX_BATCH_CHARS = 4 * 1024 * 1024;

function eventOf(runId: string, s: StoredRunEvent): RunEvent {
  return {
    ...(JSON.parse(s.data) as RunEventBody),
    workflow_run_id: runId,
    task_id: runId,
    sequence: s.sequence,
    timestamp: s.timestamp,
  } as RunEvent;
}
