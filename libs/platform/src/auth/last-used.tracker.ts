// Records when each API key was last used without a write per request: ids seen are collected and
// written in one statement at most every `intervalMs`. The set is bounded; past the bound, ids wait
// for the next flush (last_used_at is a hint, minutes of precision are enough).
import { createLogger } from '../logging/logger';

export interface LastUsedSink {
  touchMany(ids: readonly string[], at: Date): Promise<unknown>;
}

export class LastUsedTracker {
  private readonly log = createLogger('LastUsedTracker');
  private pending = new Set<string>();
  private timer: NodeJS.Timeout | null = null;
  private flushing: Promise<void> | null = null;

  constructor(
    private readonly sink: LastUsedSink,
    private readonly intervalMs = 30_000,
    private readonly maxPending = 10_000,
  ) {}

  used(id: string): void {
    if (this.pending.size >= this.maxPending && !this.pending.has(id)) return;
    this.pending.add(id);
    if (!this.timer) {
      this.timer = setTimeout(() => void this.flush(), this.intervalMs);
      this.timer.unref();
    }
  }

  /** Writes what was collected; safe to call at any time (shutdown, tests). */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.flushing) await this.flushing;
    if (this.pending.size === 0) return;
    const ids = [...this.pending];
    this.pending = new Set();
    this.flushing = this.sink
      .touchMany(ids, new Date())
      .then(
        () => undefined,
        (err: unknown) => this.log.warn({ err, keys: ids.length }, 'could not record when API keys were last used'),
      )
      .finally(() => (this.flushing = null));
    await this.flushing;
  }
}
