// The outcome of classifying one failed provider call: what kind of failure, and what to do about it.

export const FAILURE_KINDS = [
  'rate_limited',
  'overloaded',
  'server_error',
  'timeout',
  'connection',
  'auth',
  'bad_request',
  'not_found',
  'context_length',
  'content_filter',
  'insufficient_balance',
  'unknown',
] as const;
export type FailureKind = (typeof FAILURE_KINDS)[number];

export interface ProviderFailure {
  readonly kind: FailureKind;
  /** Another deployment may succeed where this one failed. False: the request itself is at fault. */
  readonly failover: boolean;
  /**
   * How long the deployment should rest. Applied at once for rate limits, bad credentials, empty
   * balances and unknown upstream models; for transient kinds (5xx, timeout, connection) only once
   * the failure streak reaches the policy's threshold. 0: never cool down.
   */
  readonly cooldownMs: number;
  /** What the provider asked for (Retry-After / retry-after-ms), uncapped, for the caller's own header. */
  readonly retryAfterMs?: number;
  /** The HTTP status to answer the caller with if every attempt fails this way. */
  readonly clientStatus: number;
  /** The provider's status, if it answered at all. */
  readonly upstreamStatus?: number;
  /** The provider's error message with anything key-like redacted, for logs. */
  readonly message?: string;
  /** The request field the provider named as invalid (OpenAI's `param`), to pass on to the caller. */
  readonly param?: string;
}
