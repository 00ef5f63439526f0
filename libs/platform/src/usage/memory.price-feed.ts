import { MAX_PRICE_ROWS, type PriceFeed } from './price-feed';

/** The price feed in process (standalone): billing and model-pool share this one object. */
export class InMemoryPriceFeed implements PriceFeed {
  private rows: unknown[] | undefined;
  private readonly listeners = new Set<() => void>();

  async publish(rows: ReadonlyArray<unknown>): Promise<void> {
    if (rows.length > MAX_PRICE_ROWS) throw new Error(`a price catalog has at most ${MAX_PRICE_ROWS} rows, got ${rows.length}`);
    this.rows = [...rows];
    for (const l of this.listeners) l();
  }

  async load(): Promise<unknown[] | undefined> {
    return this.rows && [...this.rows];
  }

  async onChange(listener: () => void): Promise<() => void> {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.listeners.clear();
  }
}
