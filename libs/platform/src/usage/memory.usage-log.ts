// The usage log in process, for standalone mode and unit tests: the same contract as the Redis
// one (intents, a reaper's exactly-once close, delivery to one consumer, claim after idle, ack),
// bounded in entries and open intents, nothing durable across a restart.
import { createLogger } from '../logging/logger';
import type { OpenIntent, UsageLog, UsageLogEntry } from './usage-log';

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

  constructor(
    private readonly limits: InMemoryUsageLogLimits = DEFAULT_IN_MEMORY_USAGE_LOG_LIMITS,
    private readonly now: () => number = Date.now,
  ) {}

  async begin(key: string, intent: string, now: number): Promise<void> {
    this.intents.delete(key);
    this.intents.set(key, { key, intent, progress: 0, seenAt: now });
    if (this.intents.size > this.limits.maxOpenIntents) {
      const oldest = this.intents.keys().next().value;
      if (oldest !== undefined) this.intents.delete(oldest);
    }
  }

  async progress(key: string, completionTokens: number, now: number): Promise<void> {
    const open = this.intents.get(key);
    if (open) Object.assign(open, { progress: completionTokens, seenAt: now });
  }

  async complete(key: string, entry: string | null): Promise<void> {
    this.intents.delete(key);
    if (entry !== null) this.append(entry);
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
    this.intents.delete(key);
    this.append(entry);
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
    for (const id of ids) this.pending.delete(id);
  }

  async backlog(): Promise<number> {
    return this.undelivered.length + this.pending.size;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const wake of [...this.waiters]) wake();
  }

  private append(data: string): void {
    this.undelivered.push({ id: `${this.now()}-${++this.seq}`, data });
    if (this.undelivered.length + this.pending.size > this.limits.maxEntries) {
      const dropped = this.undelivered.shift();
      // the full entry is in the log line so that it can be replayed by hand
      if (dropped) this.log.error({ usageEntry: dropped.data }, 'usage log full: dropped the oldest undelivered entry');
    }
    for (const wake of [...this.waiters]) wake();
  }
}
