// The usage log port: how model-pool hands every provider attempt to billing without an
// in-memory buffer a crash could lose. An attempt opens an intent before the provider is
// contacted and closes it with its usage entry; a reaper closes intents whose process died.
// Redis (a stream read by a consumer group, plus a sorted set of open intents) in distributed
// mode, an in-process stand-in in standalone mode.

export interface UsageLogEntry {
  /** the log's id for the entry (a Redis stream id): what `ack` takes */
  id: string;
  /** the usage event, as JSON */
  data: string;
}

export interface OpenIntent {
  key: string;
  /** the intent, as JSON */
  intent: string;
  /** completion tokens streamed so far, as of the last heartbeat */
  progress: number;
  /** when the intent was opened or last heartbeat, ms since the epoch */
  seenAt: number;
}

export interface UsageLog {
  /** Record an open intent under `key`; one round trip. */
  begin(key: string, intent: string, now: number): Promise<void>;
  /** Heartbeat of a long call: keeps its intent from being reaped, with its progress so far. */
  progress(key: string, completionTokens: number, now: number): Promise<void>;
  /**
   * Close the intent and, unless `entry` is null (an attempt that produced nothing billable),
   * append its usage entry: both in one atomic round trip.
   */
  complete(key: string, entry: string | null): Promise<void>;
  /** Open intents last seen before `before`, oldest first. */
  stale(before: number, limit: number): Promise<OpenIntent[]>;
  /**
   * Close one stale intent with the given entry, only if it is still open and still last seen
   * before `before`: true for exactly one of any number of concurrent reapers.
   */
  reap(key: string, entry: string, before: number): Promise<boolean>;

  /** Up to `count` entries not yet delivered to any consumer, waiting up to `blockMs` for one. */
  read(consumer: string, count: number, blockMs: number): Promise<UsageLogEntry[]>;
  /** Take over entries delivered to a consumer that has not acknowledged them for `minIdleMs`. */
  claim(consumer: string, minIdleMs: number, count: number): Promise<UsageLogEntry[]>;
  /** Done with these entries (their rows are committed): they are not delivered again. */
  ack(ids: ReadonlyArray<string>): Promise<void>;
  /** Entries not yet acknowledged, delivered or not (for lag metrics and tests). */
  backlog(): Promise<number>;
  close(): Promise<void>;
}

export const USAGE_LOG = Symbol('USAGE_LOG');
