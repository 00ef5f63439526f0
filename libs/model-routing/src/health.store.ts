// Deployment health: cooldowns, breakers, streaks, in-flight slots, usage windows. A port, because in
// production every replica of model-pool must see the same state (Redis, model-pool-feature); the
// in-memory store serves tests, standalone mode and a replica whose Redis is down.
import type { CooldownPolicy } from './cooldown.policy';
import type { Admission, FailureOutcome, SuccessOutcome, SuccessSample } from './deployment-health';
import type { FailureKind, ProviderFailure } from './provider-failure';

/** Epoch milliseconds. Injected everywhere so tests never wait on a real clock. */
export type Clock = () => number;

export interface Cooldown {
  readonly untilMs: number;
  readonly reason: FailureKind;
}

/**
 * Shared health state. Every method may be a network round trip, hence the promises. Transitions
 * follow `deployment-health.ts`; the Redis store runs each as one Lua script and pushes the
 * routing-relevant ones to every replica, whose local mirror answers `getCooldowns` without Redis.
 */
export interface HealthStore {
  /** What keeps each of `ids` out of rotation now (a cooldown, or an open breaker); ids free to call are absent. */
  getCooldowns(ids: readonly string[]): Promise<ReadonlyMap<string, Cooldown>>;
  /** Cools `id` down until `untilMs`. Extends a running cooldown, never shortens it: two replicas
   *  reporting different failures must not undo each other. */
  cooldown(id: string, untilMs: number, reason: FailureKind): Promise<void>;
  /** A successful call (see {@link HealthStore.applySuccess}); `latencyMs` feeds the latency EWMA. */
  recordSuccess(id: string, latencyMs: number, ttftMs?: number): Promise<void>;
  /** One failed call, atomically: streak, error window, cooldown or breaker as `policy` says. */
  applyFailure(id: string, failure: ProviderFailure, policy: CooldownPolicy): Promise<FailureOutcome>;
  /** One successful call: the streak ends, an open or half-open breaker closes, the EWMAs move. */
  applySuccess(id: string, sample: SuccessSample, policy: CooldownPolicy): Promise<SuccessOutcome>;
  /**
   * Takes an in-flight slot on `id`, atomically: refused while it cools down or its breaker is open,
   * to all but one caller (the probe) while half-open, and at `maxConcurrency` calls in flight. A slot
   * not released within `policy.inFlightLeaseMs` (its process died) stops counting.
   */
  acquire(id: string, limits: AcquireLimits, policy: CooldownPolicy): Promise<AcquireResult>;
  /** Frees the slot; `tokens` (the call's total) count against the deployment's TPM window. */
  release(lease: Lease, tokens?: number): Promise<void>;
  /** What the admin API's live view shows of each of `ids` (`GET /v1/admin/deployments/{id}/state`). */
  snapshot(ids: readonly string[]): Promise<ReadonlyMap<string, HealthSnapshot>>;
}

export interface AcquireLimits {
  readonly maxConcurrency?: number;
}

/** An in-flight slot on a deployment; `probe` when it is the half-open breaker's one probe. */
export interface Lease {
  readonly deploymentId: string;
  readonly token: string;
  readonly probe: boolean;
  /** Taken from the per-process store while the shared one was unreachable. */
  readonly local?: boolean;
}

export type AcquireResult =
  { readonly granted: true; readonly lease: Lease } | { readonly granted: false; readonly reason: Exclude<Admission, 'ok' | 'probe'> };

/** A circuit breaker's state: closed (calls flow), open (none), half-open (probes only). */
export type BreakerState = 'closed' | 'open' | 'half_open';

/** One deployment's live health, as every replica sees it (or this process alone, when `shared` is false). */
export interface HealthSnapshot {
  readonly cooldown?: Cooldown;
  readonly breaker: BreakerState;
  readonly consecutiveFailures: number;
  readonly lastFailureKind?: FailureKind;
  readonly inFlight: number;
  /** Exponentially weighted moving averages of time to first token and of whole-call latency. */
  readonly ttftEwmaMs?: number;
  readonly latencyEwmaMs?: number;
  /** Failed share of the calls in the recent window (0..1); absent when there were none. */
  readonly recentErrorRate?: number;
  /** Requests and tokens used in the current minute, against the deployment's `rpm` / `tpm`. */
  readonly rpmUsed?: number;
  readonly tpmUsed?: number;
  /** False when the state comes from this process only (the shared store is unreachable). */
  readonly shared: boolean;
}

export { InMemoryHealthStore, type DeploymentStats, type InMemoryHealthStoreOptions } from './memory.health-store';
