import type { Redis } from 'ioredis';
import { createLogger } from '../logging/logger';
import { MAX_PRICE_ROWS, type PriceFeed } from './price-feed';

/** The price feed on Redis: the catalog as one JSON value, and a channel that says it changed. */
export class RedisPriceFeed implements PriceFeed {
  private readonly log = createLogger('RedisPriceFeed');
  private readonly key: string;
  private readonly channel: string;
  private readonly listeners = new Set<() => void>();
  private subscribed: Promise<unknown> | undefined;

  constructor(
    private readonly redis: Redis,
    private readonly subscriber: Redis,
    prefix: string,
  ) {
    this.key = `${prefix}prices:catalog`;
    this.channel = `${prefix}prices:changed`;
  }

  async publish(rows: ReadonlyArray<unknown>): Promise<void> {
    if (rows.length > MAX_PRICE_ROWS) throw new Error(`a price catalog has at most ${MAX_PRICE_ROWS} rows, got ${rows.length}`);
    const res = await this.redis.multi().set(this.key, JSON.stringify(rows)).publish(this.channel, String(Date.now())).exec();
    for (const [err] of res ?? []) if (err) throw err;
  }

  async load(): Promise<unknown[] | undefined> {
    const raw = await this.redis.get(this.key);
    if (raw === null) return undefined;
    const rows = JSON.parse(raw) as unknown;
    if (!Array.isArray(rows) || rows.length > MAX_PRICE_ROWS) throw new Error('the stored price catalog is not a bounded list of rows');
    return rows as unknown[];
  }

  async onChange(listener: () => void): Promise<() => void> {
    if (!this.subscribed) {
      this.subscriber.on('message', (channel: string) => {
        if (channel !== this.channel) return;
        for (const l of this.listeners) {
          try {
            l();
          } catch (err) {
            this.log.error({ err }, 'price change listener failed');
          }
        }
      });
      this.subscribed = this.subscriber.subscribe(this.channel);
    }
    this.listeners.add(listener);
    await this.subscribed;
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}
