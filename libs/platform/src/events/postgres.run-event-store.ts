// Run events kept in Postgres, for standalone mode: its embedded Postgres survives a restart, so
// GET /v1/runs/{id}/events replays runs from before it. Live delivery is an in-process fan-out,
// which is all standalone needs (one process); distributed mode uses RedisRunEventStore.
import { EventEmitter } from 'node:events';
import type { RunEvent, RunEventBody } from '@shoal/contracts';
import { LruCache } from '../cache/lru-cache';
import { createLogger } from '../logging/logger';
import { boundRunEvent, DEFAULT_RUN_EVENT_LIMITS, type RunEventLimits } from './run-event-limits';
import { OrderedDelivery, catchUpOrUnsubscribe, type RunEventStore, type Unsubscribe } from './run-event-store';
import type { RunEventsRepository, StoredRunEvent } from './run-events.repository';
import { RunEndWaits } from './run-end-waits';

export interface PostgresRunEventStoreOptions extends Partial<Pick<RunEventLimits, 'maxBytesPerRun' | 'fieldMaxBytes'>> {
  /** a run whose last event is older than this is deleted whole (default 7 days) */
  retentionMs?: number;
  /** how often old runs are looked for (default hourly; the first look is at the first append) */
  pruneEveryMs?: number;
}

export class PostgresRunEventStore implements RunEventStore {
  // appending a workflow_finished stores its number as the run's last_event_seq in the same statement
  readonly recordsLastEventSeq = true;
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
  // group commit: the appends of every run made in one turn of the event loop, and those made while
  // a write is in flight, go in one statement (at most one append per run: a run's appends are
  // serialised); each resolves only once its rows are committed
  private queued: QueuedAppend[] = [];
  private writing = false;
  // whenFinished(): the waits per run, ended by the append of its workflow_finished in this process
  private readonly finishedWaits = new RunEndWaits(this.log);
  // runs created since this process started whose workflow_finished it has not appended: every
  // append is made here, so such a run has not finished (bounded: one evicted is looked up instead)
  private readonly unfinished = new LruCache<string, true>({ maxEntries: 10_000 });

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

  async append(runId: string, raw: RunEventBody, _fence?: string, endRecord?: string): Promise<RunEvent | undefined> {
    return (await this.appendBodies(runId, [raw], endRecord))[0];
  }

  /** The events in order, in one statement (shared with other runs' appends of the same turn). */
  appendAll(runId: string, bodies: readonly RunEventBody[]): Promise<Array<RunEvent | undefined>> {
    return this.appendBodies(runId, bodies);
  }

  private async appendBodies(runId: string, raws: readonly RunEventBody[], endRecord?: string): Promise<Array<RunEvent | undefined>> {
    if (raws.length === 0) return [];
    this.schedulePruning();
    // what each event stores, and which the run's byte cap drops (workflow_finished is always kept)
    const kept: Array<{ body: RunEventBody; data: string } | undefined> = raws.map((raw) => {
      const body = boundRunEvent(raw, this.fieldMaxBytes);
      const data = JSON.stringify(body);
      const size = Buffer.byteLength(data);
      const used = this.bytesPerRun.get(runId) ?? 0;
      if (body.event === 'workflow_finished') {
        this.bytesPerRun.delete(runId);
        return { body, data };
      }
      if (used + size > this.maxBytesPerRun) return undefined;
      this.bytesPerRun.set(runId, used + size);
      return { body, data };
    });
    const stored = kept.filter((k) => k !== undefined);
    if (stored.length === 0) return kept.map(() => undefined);
    const finished = stored[stored.length - 1].body.event === 'workflow_finished';
    const previous = this.tails.get(runId) ?? Promise.resolve();
    const next = previous
      .catch(() => undefined)
      .then(async () => {
        const at = new Date();
        const first = await this.commit(
          runId,
          stored.map((k) => k.data),
          at,
          finished,
        );
        return stored.map(
          (k, i) => ({ ...k.body, workflow_run_id: runId, task_id: runId, sequence: first + i, timestamp: at.getTime() }) as RunEvent,
        );
      });
    this.tails.set(runId, next);
    let events: RunEvent[];
    try {
      events = await next;
    } finally {
      if (this.tails.get(runId) === next) this.tails.delete(runId);
    }
    for (const e of events) this.emitter.emit(runId, e);
    if (finished) {
      this.unfinished.delete(runId);
      this.ended(runId, endRecord);
    }
    let at = 0;
    return kept.map((k) => (k === undefined ? undefined : events[at++]));
  }

  private commit(runId: string, data: string[], at: Date, finished: boolean): Promise<number> {
    return new Promise((resolve, reject) => {
      this.queued.push({ runId, data, at, finished, resolve, reject });
      // the first append of a turn waits for the turn's others (setImmediate: after this turn's I/O)
      if (!this.writing && this.queued.length === 1) setImmediate(() => void this.writeQueued());
    });
  }

  private async writeQueued(): Promise<void> {
    if (this.writing) return;
    this.writing = true;
    try {
      while (this.queued.length) {
        let chars = 0;
        let events = 0;
        let n = 0;
        while (n < this.queued.length) {
          const q = this.queued[n];
          const size = q.data.reduce((a, d) => a + d.length, 0);
          if (n > 0 && (events + q.data.length > MAX_BATCH_EVENTS || chars + size > MAX_BATCH_CHARS)) break;
          chars += size;
          events += q.data.length;
          n++;
        }
        const batch = this.queued.splice(0, n);
        try {
          const firsts = await this.repo.appendRuns(
            batch.map((b) => ({ runId: b.runId, events: b.data.map((data) => ({ data, at: b.at })), finished: b.finished })),
          );
          batch.forEach((b, i) => b.resolve(firsts[i]));
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

  created(runId: string): void {
    this.unfinished.set(runId, true);
  }

  /**
   * Waits in process for the append of the run's workflow_finished (every append is made in this
   * process), having first looked whether the run's last stored event is already one (one indexed
   * row, not the run's events) unless the run was created in this process and has not finished
   * since. Resolves with the end record the engine appended it with.
   */
  async whenFinished(runId: string, signal: AbortSignal): Promise<unknown> {
    if (signal.aborted) return undefined;
    const wait = this.finishedWaits.open(runId, signal);
    try {
      // waiting first, then look: a run that ended before is seen here, one that ends after ends the wait
      if (!this.unfinished.has(runId) && (await this.repo.hasFinished(runId))) return undefined;
      return await wait.ended;
    } finally {
      wait.release();
    }
  }

  /** The run's workflow_finished is committed: every wait for it ends, with the end record when there is one. */
  private ended(runId: string, endRecord: string | undefined): void {
    this.finishedWaits.end(runId, endRecord);
  }

  async close(): Promise<void> {
    if (this.pruner) clearInterval(this.pruner);
    this.pruner = undefined;
    this.emitter.removeAllListeners();
    this.finishedWaits.clear();
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
  /** the run's events, in order, as JSON text */
  data: string[];
  at: Date;
  /** the last of them is the run's workflow_finished */
  finished: boolean;
  resolve(firstSequence: number): void;
  reject(err: unknown): void;
}

/** A group-committed write holds at most this many events, and this many characters of them (one append may exceed it alone). */
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
