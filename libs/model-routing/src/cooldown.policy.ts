// How long a failing deployment rests, and when a transient failure is bad enough to rest at all.
import type { FailureKind, ProviderFailure } from './provider-failure';

export interface CooldownPolicy {
  /** 429 without Retry-After. */
  readonly rateLimitDefaultMs: number;
  /** Floor for a provider's Retry-After: "0" would otherwise invite a 429 storm. */
  readonly rateLimitMinMs: number;
  /** Ceiling for any Retry-After-driven cooldown: rate limits reset within a minute, and a provider
   *  asking for an hour (a daily quota) still gets probed again soon. */
  readonly rateLimitMaxMs: number;
  /** 5xx, timeouts, connection failures: the rest once the streak reaches the threshold. */
  readonly transientCooldownMs: number;
  /** Consecutive transient failures (no success in between, within the window) that trip a cooldown. */
  readonly failureThreshold: number;
  readonly failureWindowMs: number;
  /** 401/403: the key is bad and will stay bad until an operator acts. */
  readonly authCooldownMs: number;
  /** 402 and OpenAI's `insufficient_quota`: nothing changes until someone pays. */
  readonly balanceCooldownMs: number;
  /** 404: the deployment's base URL or upstream model is wrong. */
  readonly notFoundCooldownMs: number;
  /** A rate limit without Retry-After doubles the next one's rest (`rateLimitDefaultMs` × 2^level, up
   *  to `rateLimitMaxMs`); the level drops by one for every this long without a rate limit. */
  readonly rateLimitDecayMs: number;
  /** The circuit breaker, opened by `failureThreshold` transient failures: first open for
   *  `transientCooldownMs`, each failed half-open probe doubles it, up to this. */
  readonly breakerMaxOpenMs: number;
  /** A half-open probe that never reports back (its process died) frees the probe slot after this. */
  readonly probeTimeoutMs: number;
  /** An in-flight call that never releases its slot (its process died) stops counting after this. */
  readonly inFlightLeaseMs: number;
  /** Weight of the newest sample in the TTFT and latency EWMAs. */
  readonly ewmaAlpha: number;
}

export const DEFAULT_COOLDOWN_POLICY: CooldownPolicy = Object.freeze({
  rateLimitDefaultMs: 5_000,
  rateLimitMinMs: 1_000,
  rateLimitMaxMs: 60_000,
  transientCooldownMs: 10_000,
  failureThreshold: 3,
  failureWindowMs: 60_000,
  authCooldownMs: 300_000,
  balanceCooldownMs: 300_000,
  notFoundCooldownMs: 300_000,
  rateLimitDecayMs: 60_000,
  breakerMaxOpenMs: 300_000,
  probeTimeoutMs: 60_000,
  inFlightLeaseMs: 600_000,
  ewmaAlpha: 0.2,
});

/**
 * Kinds that one occurrence does not condemn: a single 500 or a dropped connection happens to
 * healthy providers, so only a streak cools the deployment down.
 */
export const TRANSIENT_KINDS: ReadonlySet<FailureKind> = new Set<FailureKind>([
  'server_error',
  'overloaded',
  'timeout',
  'connection',
  'unknown',
]);

/**
 * The cooldown to apply now, given the failure and the deployment's current streak of consecutive
 * failures (this one included). 0 means none.
 */
export function cooldownToApply(failure: ProviderFailure, consecutiveFailures: number, policy: CooldownPolicy): number {
  if (!failure.failover || failure.cooldownMs <= 0) return 0;
  // A provider that names a time to come back has told us more than any streak could.
  if (failure.retryAfterMs !== undefined) return failure.cooldownMs;
  if (TRANSIENT_KINDS.has(failure.kind) && consecutiveFailures < policy.failureThreshold) return 0;
  return failure.cooldownMs;
}
