import { EventEmitter } from 'node:events';
import type { RunEvent, RunEventBody } from '@shoal/contracts';
import { LruCache } from '../cache/lru-cache';
import { DEFAULT_RUN_EVENT_LIMITS, boundRunEvent, type RunEventLimits } from './run-event-limits';
import {
  OrderedDelivery,
  catchUpOrUnsubscribe,
  appendOneByOne,
  finishedThroughSubscription,
  type RunEventStore,
  type Unsubscribe,
} from './run-event-store';

export interface InMemoryRunEventLimits extends RunEventLimits {
  /** bytes of finished runs' events kept in all; the least recently read runs go first */
  maxFinishedBytes: number;
  /** runs still running that are kept (a run whose worker died never finishes) */
  maxActiveRuns: number;
}

export const DEFAULT_IN_MEMORY_RUN_EVENT_LIMITS: InMemoryRunEventLimits = {
  ...DEFAULT_RUN_EVENT_LIMITS,
  maxFinishedBytes: 64 * 1024 * 1024,
  maxActiveRuns: 10_000,
};

interface RunLog {
  events: RunEvent[];
  bytes: number;
  /** the next sequence number, counted separately so a dropped event takes none */
  seq: number;
}

/** In-process run events for standalone mode and tests, bounded per run, in total and by age. */
export class InMemoryRunEventStore implements RunEventStore {
  private readonly running = new Map<string, RunLog>();
  private readonly finished: LruCache<string, RunLog>;
  private readonly emitter = new EventEmitter().setMaxListeners(0);
  private readonly limits: InMemoryRunEventLimits;

  constructor(limits: Partial<InMemoryRunEventLimits> = {}, now: () => number = () => Date.now()) {
    this.limits = { ...DEFAULT_IN_MEMORY_RUN_EVENT_LIMITS, ...limits };
    this.finished = new LruCache({
      maxEntries: this.limits.maxActiveRuns,
      maxSize: this.limits.maxFinishedBytes,
      sizeOf: (l) => l.bytes,
      ttlMs: this.limits.finishedTtlSeconds * 1000,
      now,
    });
  }

  // one process (standalone): no frozen worker can outlive its lease, so appends are not fenced
  async fence(): Promise<void> {
    return undefined;
  }

  async append(runId: string, raw: RunEventBody): Promise<RunEvent | undefined> {
    const body = boundRunEvent(raw, this.limits.fieldMaxBytes);
    const final = body.event === 'workflow_finished';
    let log = this.running.get(runId) ?? this.finished.get(runId);
    if (!log) {
      log = { events: [], bytes: 0, seq: 0 };
      this.running.set(runId, log);
      if (this.running.size > this.limits.maxActiveRuns) this.running.delete(this.running.keys().next().value as string);
    }
    const e = { ...body, workflow_run_id: runId, task_id: runId, sequence: log.seq + 1, timestamp: Date.now() } as RunEvent;
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

  async read(runId: string, afterSeq = 0): Promise<RunEvent[]> {
    const log = this.running.get(runId) ?? this.finished.get(runId);
    return log ? log.events.filter((e) => e.sequence > afterSeq) : [];
  }

  async lastSequence(runId: string): Promise<number> {
    return (this.running.get(runId) ?? this.finished.get(runId))?.seq ?? 0;
  }

  /** Bytes held for finished runs (what `maxFinishedBytes` bounds). */
  finishedBytes(): number {
    return this.finished.totalSize;
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

  appendAll(runId: string, bodies: readonly RunEventBody[]): Promise<Array<RunEvent | undefined>> {
    return appendOneByOne(this, runId, bodies);
  }

  whenFinished(runId: string, signal: AbortSignal): Promise<undefined> {
    return finishedThroughSubscription(this, runId, signal);
  }

  async close(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}
