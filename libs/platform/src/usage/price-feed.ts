// The price catalog as billing last loaded it from the prices table, for whoever prices calls
// (model-pool): a snapshot plus a change notification. Redis (a key and a pub/sub channel) in
// distributed mode, in process in standalone mode. Rows are `@shoal/pricing` PriceRows, carried
// as JSON values here (platform does not depend on pricing); a reader validates them.

export interface PriceFeed {
  /** Store the catalog and tell every subscriber it changed. */
  publish(rows: ReadonlyArray<unknown>): Promise<void>;
  /** The last catalog published, if any. */
  load(): Promise<unknown[] | undefined>;
  /** Called after each publish (from any process); returns the unsubscribe. */
  onChange(listener: () => void): Promise<() => void>;
  close(): Promise<void>;
}

export const PRICE_FEED = Symbol('PRICE_FEED');

/** Prices in the feed are bounded: a catalog past this many rows is refused, not half loaded. */
export const MAX_PRICE_ROWS = 100_000;
