// The usage log in process, for standalone mode and unit tests: the same contract as the Redis
// one (intents, a reaper's exactly-once close, delivery to one consumer, claim after idle, ack),
// bounded in entries and open intents. With a journal (standalone) it survives a crash: what was
// open or unacknowledged when the process died is there again at the next start.
import { createLogger } from '../logging/logger';
import type { OpenIntent, UsageLog, UsageLogEntry } from './usage-log';
import { UsageLogJournal, type JournalState } from './usage-log.journal';

export interface InMemoryUsageLogLimits {
  /** entries not yet acknowledged; past it the oldest undelivered one is dropped (and logged in full) */
  maxEntries: number;
  /** open intents; past it the oldest is forgotten (its call is still logged when it completes) */
  maxOpenIntents: number;
}

export const DEFAULT_IN_MEMORY_USAGE_LOG_LIMITS: InMemoryUsageLogLimits = { maxEntries: 100_000, maxOpenIntents: 100_000 };

interface Delivered {
  entry: UsageLogEntry;
  consumer: string;
  at: number;
}

export class InMemoryUsageLog implements UsageLog {
  private readonly log = createLogger('InMemoryUsageLog');
  private readonly intents = new Map<string, OpenIntent>();
  private readonly undelivered: UsageLogEntry[] = [];
  private readonly pending = new Map<string, Delivered>();
  private readonly waiters = new Set<() => void>();
  private seq = 0;
  private closed = false;
  private readonly journal: UsageLogJournal | null = null;

  /**
   * `journalPath`: a file that records every change before it is answered (standalone). At
   * construction it gives back what a killed process left: its open intents, stale at once (the
   * process that opened them is gone, so the reaper closes them as estimates), and its entries
   * not yet acknowledged, delivered again (the ledger drops what it already has).
   */
  constructor(
    private readonly limits: InMemoryUsageLogLimits = DEFAULT_IN_MEMORY_USAGE_LOG_LIMITS,
    private readonly now: () => number = Date.now,
    journalPath?: string,
  ) {
    if (journalPath === undefined) return;
    const left = UsageLogJournal.read(journalPath);
    for (const i of left.intents) this.intents.set(i.key, { ...i, seenAt: 0 });
    for (const e of left.entries) {
      this.undelivered.push(e);
      this.seq = Math.max(this.seq, seqOf(e.id));
    }
    if (left.intents.length || left.entries.length)
      this.log.warn(
        { openIntents: left.intents.length, entries: left.entries.length },
        'usage log: taking back what the last process left open or unbilled',
      );
    this.journal = new UsageLogJournal(journalPath);
    this.journal.rewrite(this.snapshot());
  }

  async begin(key: string, intent: string, now: number): Promise<void> {
    const written = this.journal?.append({ t: 'b', k: key, i: intent, s: now });
    this.intents.delete(key);
    this.intents.set(key, { key, intent, progress: 0, seenAt: now });
    if (this.intents.size > this.limits.maxOpenIntents) {
      const oldest = this.intents.keys().next().value;
      if (oldest !== undefined) this.intents.delete(oldest);
    }
    this.compactIfFull();
    await written;
  }

  async progress(key: string, completionTokens: number, now: number): Promise<void> {
    const open = this.intents.get(key);
    if (!open) return;
    const written = this.journal?.append({ t: 'p', k: key, n: completionTokens, s: now });
    Object.assign(open, { progress: completionTokens, seenAt: now });
    this.compactIfFull();
    await written;
  }

  async complete(key: string, entry: string | null): Promise<void> {
    await this.closeIntent(key, entry);
  }

  async stale(before: number, limit: number): Promise<OpenIntent[]> {
    return [...this.intents.values()]
      .filter((i) => i.seenAt < before)
      .sort((a, b) => a.seenAt - b.seenAt)
      .slice(0, limit)
      .map((i) => ({ ...i }));
  }

  async reap(key: string, entry: string, before: number): Promise<boolean> {
    const open = this.intents.get(key);
    if (!open || open.seenAt >= before) return false;
    await this.closeIntent(key, entry);
    return true;
  }

  async read(consumer: string, count: number, blockMs: number): Promise<UsageLogEntry[]> {
    if (this.undelivered.length === 0 && blockMs > 0 && !this.closed) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.waiters.delete(done);
          resolve();
        };
        const timer = setTimeout(done, blockMs);
        this.waiters.add(done);
      });
    }
    const batch = this.undelivered.splice(0, count);
    const at = this.now();
    for (const entry of batch) this.pending.set(entry.id, { entry, consumer, at });
    return batch;
  }

  async claim(consumer: string, minIdleMs: number, count: number): Promise<UsageLogEntry[]> {
    const now = this.now();
    const out: UsageLogEntry[] = [];
    for (const d of this.pending.values()) {
      if (out.length >= count) break;
      if (now - d.at < minIdleMs) continue;
      Object.assign(d, { consumer, at: now });
      out.push(d.entry);
    }
    return out;
  }

  async ack(ids: ReadonlyArray<string>): Promise<void> {
    if (ids.length === 0) return;
    const written = this.journal?.append({ t: 'a', ids: [...ids] });
    for (const id of ids) this.pending.delete(id);
    this.compactIfFull();
    await written;
  }

  async backlog(): Promise<number> {
    return this.undelivered.length + this.pending.size;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.journal?.close();
    for (const wake of [...this.waiters]) wake();
  }

  /** Closes the intent and appends its entry (none: nothing billable), journalled as one record: resolves once that is written. */
  private closeIntent(key: string, data: string | null): Promise<void> | undefined {
    const entry = data === null ? null : { id: `${this.now()}-${++this.seq}`, data };
    const written = this.journal?.append(entry === null ? { t: 'c', k: key } : { t: 'c', k: key, id: entry.id, d: entry.data });
    this.intents.delete(key);
    if (entry !== null) this.append(entry);
    this.compactIfFull();
    return written;
  }

  private append(entry: UsageLogEntry): void {
    this.undelivered.push(entry);
    if (this.undelivered.length + this.pending.size > this.limits.maxEntries) {
      const dropped = this.undelivered.shift();
      // the full entry is in the log line so that it can be replayed by hand
      if (dropped) {
        this.log.error({ usageEntry: dropped.data }, 'usage log full: dropped the oldest undelivered entry');
        // written with the close that dropped it: a failed write fails that close, which its caller sees
        this.journal?.append({ t: 'a', ids: [dropped.id] }).catch(() => undefined);
      }
    }
    for (const wake of [...this.waiters]) wake();
  }

  private compactIfFull(): void {
    if (this.journal?.full) this.journal.rewrite(this.snapshot());
  }

  /** What is open and unacknowledged now, entries in the order they were appended. */
  private snapshot(): JournalState {
    const entries = [...[...this.pending.values()].map((d) => d.entry), ...this.undelivered].sort((a, b) => seqOf(a.id) - seqOf(b.id));
    return { intents: [...this.intents.values()], entries };
  }
}

/** The sequence number in an entry id (`<ms>-<seq>`). */
function seqOf(id: string): number {
  return Number(id.slice(id.lastIndexOf('-') + 1)) || 0;
}
