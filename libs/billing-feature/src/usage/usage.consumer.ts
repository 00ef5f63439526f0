import { Inject, Injectable, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { hostname } from 'node:os';
import type { PriceCatalog } from '@shoal/pricing';
import { USAGE_LOG, createLogger, type UsageLog, type UsageLogEntry } from '@shoal/platform';
import { PriceBook } from '../prices/price-book';
import { buildUsageBatch } from './usage-batch';
import { UsageLedgerRepository } from './usage-ledger.repository';
import { reapStaleIntents } from './reap-intents';

export const USAGE_CONSUMER_OPTIONS = Symbol('USAGE_CONSUMER_OPTIONS');
const DRAIN_ON_STOP_MS = 5_000;
export interface UsageConsumerOptions {
  /** batch loops in this process */
  concurrency: number;
  /** entries per batch (one INSERT statement) */
  batchSize: number;
  /** how long one read waits for entries */
  blockMs: number;
  /**
   * after a batch that was not full, how long a loop waits before reading again: entries gather
   * into fewer, larger batches (a statement and a commit per batch, not per few entries), for
   * this much more lag to the ledger. The entries wait in the log meanwhile, not in memory.
   */
  lingerMs: number;
  /** an entry delivered this long ago and not acknowledged is taken over (its consumer died) */
  claimIdleMs: number;
  /** an intent with no heartbeat for this long belongs to a dead call and is billed as an estimate */
  intentStaleMs: number;
  /** how often the reaper looks */
  reapEveryMs: number;
}

export const DEFAULT_USAGE_CONSUMER_OPTIONS: UsageConsumerOptions = {
  concurrency: 4,
  batchSize: 1000,
  blockMs: 1_000,
  lingerMs: 100,
  claimIdleMs: 30_000,
  intentStaleMs: 120_000,
  reapEveryMs: 10_000,
};

/**
 * Moves usage from the log to the ledger in batches: read up to `batchSize` entries, write them
 * in one statement, acknowledge them only after it committed. A process killed mid-batch
 * acknowledged nothing of it: another consumer claims the entries and writes them again, and the
 * ledger's (call id, attempt) key drops what the killed one had already committed.
 */
@Injectable()
export class UsageConsumer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly log = createLogger('UsageConsumer');
  private readonly name = `${hostname()}:${process.pid}`;
  private stopping = false;
  private loops: Array<Promise<void>> = [];
  private reaper: NodeJS.Timeout | undefined;

  constructor(
    @Inject(USAGE_LOG) private readonly usage: UsageLog,
    @Inject(UsageLedgerRepository) private readonly ledger: UsageLedgerRepository,
    @Inject(PriceBook) private readonly prices: PriceBook,
    @Inject(USAGE_CONSUMER_OPTIONS) private readonly opts: UsageConsumerOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.prices.init();
    this.loops = Array.from({ length: this.opts.concurrency }, (_, i) => this.loop(`${this.name}:${i}`));
    this.reaper = setInterval(() => void this.reap(), this.opts.reapEveryMs);
    this.reaper.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    clearInterval(this.reaper);
    await Promise.all(this.loops);
    await this.drain();
  }

  /**
   * What is already in the log goes to the ledger before the process stops (for the in-process
   * log of standalone mode, the only chance; on Redis it would wait for the next start).
   */
  private async drain(): Promise<void> {
    const until = Date.now() + DRAIN_ON_STOP_MS;
    try {
      const catalog = await this.prices.catalog();
      while (Date.now() < until) {
        const entries = await this.usage.read(`${this.name}:stop`, this.opts.batchSize, 0);
        if (entries.length === 0) return;
        await this.ingest(entries, catalog);
      }
    } catch (err) {
      this.log.warn({ err }, 'could not drain the usage log before stopping');
    }
  }

  private async loop(consumer: string): Promise<void> {
    let nextClaim = 0;
    let failures = 0;
    while (!this.stopping) {
      try {
        const catalog = await this.prices.catalog();
        let entries: UsageLogEntry[] = [];
        if (Date.now() >= nextClaim) {
          entries = await this.usage.claim(consumer, this.opts.claimIdleMs, this.opts.batchSize);
          if (entries.length) this.log.info({ entries: entries.length }, 'took over usage entries a consumer left unacknowledged');
          else nextClaim = Date.now() + Math.min(this.opts.claimIdleMs, 10_000);
        }
        if (entries.length === 0) entries = await this.usage.read(consumer, this.opts.batchSize, this.opts.blockMs);
        if (entries.length) await this.ingest(entries, catalog);
        failures = 0;
        if (entries.length > 0 && entries.length < this.opts.batchSize && this.opts.lingerMs > 0 && !this.stopping)
          await new Promise((r) => setTimeout(r, this.opts.lingerMs));
      } catch (err) {
        if (this.stopping) return;
        failures++;
        // the batch stays unacknowledged: it is claimed again after claimIdleMs
        this.log.error({ err, consumer }, 'usage batch failed');
        await new Promise((r) => setTimeout(r, Math.min(100 * 2 ** failures, 5_000)));
      }
    }
  }

  /** One batch: build, write, acknowledge. Exposed for the benchmark and tests. */
  async ingest(entries: ReadonlyArray<UsageLogEntry>, catalog: PriceCatalog): Promise<number> {
    const batch = buildUsageBatch(entries, catalog);
    for (const r of batch.rejected)
      // the full entry is in the log line so that it can be fixed and replayed by hand
      this.log.error({ entryId: r.id, reason: r.reason, usageEntry: r.data }, 'dropping a usage entry that cannot be recorded');
    for (const u of batch.unpriced) this.log.warn(u, 'no price for model: recorded at zero cost');
    const inserted = await this.ledger.recordBatch(batch.rows);
    await this.usage.ack(batch.ids);
    return inserted;
  }

  private async reap(): Promise<void> {
    try {
      const r = await reapStaleIntents(this.usage, Date.now(), this.opts.intentStaleMs, 1000);
      if (r.reaped) this.log.warn({ reaped: r.reaped }, 'billed calls whose process died as estimated usage');
      if (r.malformed.length) this.log.error({ keys: r.malformed }, 'closed malformed usage intents');
    } catch (err) {
      this.log.error({ err }, 'reaping usage intents failed');
    }
  }
}
