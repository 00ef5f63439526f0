// One deployment's health as a pure state machine: what a failure or a success does to its cooldown,
// circuit breaker, failure streak, rate-limit backoff and EWMAs. The in-memory store runs these
// functions; the Redis store's Lua scripts (model-pool-feature, health.scripts.ts) are the same
// transitions written for Redis, and the store contract tests hold both to the same behaviour.
import { TRANSIENT_KINDS, type CooldownPolicy } from './cooldown.policy';
import type { BreakerState, Cooldown } from './health.store';
import type { FailureKind, ProviderFailure } from './provider-failure';

export interface DeploymentHealth {
  /** Bumped by every transition; a replica's mirror keeps the newest version it has seen. */
  readonly version: number;
  /** 0: none. Rate limits, bad credentials, empty balances, unknown models, a provider's Retry-After. */
  readonly cooldownUntilMs: number;
  readonly cooldownReason?: FailureKind;
  /** Open or half-open: half-open once `breakerUntilMs` has passed (time alone moves it, no write). */
  readonly breakerOpen: boolean;
  readonly breakerUntilMs: number;
  /** Failed half-open probes since the breaker first opened; each doubles the next open period. */
  readonly breakerLevel: number;
  readonly streak: number;
  readonly streakStartMs: number;
  readonly lastFailureKind?: FailureKind;
  /** Rate limits without Retry-After in a row (decaying with time), for exponential cooldowns. */
  readonly rateLimitLevel: number;
  readonly rateLimitAtMs: number;
  readonly ttftEwmaMs?: number;
  readonly latencyEwmaMs?: number;
}

export const HEALTHY: DeploymentHealth = Object.freeze({
  version: 0,
  cooldownUntilMs: 0,
  breakerOpen: false,
  breakerUntilMs: 0,
  breakerLevel: 0,
  streak: 0,
  streakStartMs: 0,
  rateLimitLevel: 0,
  rateLimitAtMs: 0,
});

/** A change other replicas must hear about at once (pushed over pub/sub), and operators in the log. */
export type HealthTransition = 'cooldown_started' | 'breaker_opened' | 'breaker_reopened' | 'breaker_closed';

export interface FailureOutcome {
  /** How long from now the deployment is out of rotation because of this failure; 0 if not at all. */
  readonly cooldownMs: number;
  readonly streak: number;
  readonly transition?: HealthTransition;
}

export interface SuccessSample {
  readonly latencyMs?: number;
  /** Time to the first content token of a stream. */
  readonly ttftMs?: number;
}

export interface SuccessOutcome {
  readonly transition?: HealthTransition;
}

/** The breaker as a caller sees it at `now`. */
export function breakerAt(h: DeploymentHealth, now: number): BreakerState {
  if (!h.breakerOpen) return 'closed';
  return now < h.breakerUntilMs ? 'open' : 'half_open';
}

/** What keeps the deployment out of rotation at `now` (a cooldown or an open breaker), if anything. */
export function blockAt(h: DeploymentHealth, now: number): Cooldown | undefined {
  const cooling = h.cooldownUntilMs > now;
  const open = breakerAt(h, now) === 'open';
  if (!cooling && !open) return undefined;
  if (cooling && (!open || h.cooldownUntilMs >= h.breakerUntilMs))
    return { untilMs: h.cooldownUntilMs, reason: h.cooldownReason ?? 'unknown' };
  return { untilMs: h.breakerUntilMs, reason: h.lastFailureKind ?? 'server_error' };
}

/** The rate-limit backoff level after `now - atMs` without a rate limit. */
export function decayedLevel(level: number, atMs: number, now: number, decayMs: number): number {
  if (level <= 0 || decayMs <= 0) return Math.max(0, level);
  return Math.max(0, level - Math.floor(Math.max(0, now - atMs) / decayMs));
}

function extendCooldown(h: DeploymentHealth, untilMs: number, reason: FailureKind, now: number) {
  if (untilMs <= h.cooldownUntilMs) return { h, started: false };
  return { h: { ...h, cooldownUntilMs: untilMs, cooldownReason: reason }, started: h.cooldownUntilMs <= now };
}

/**
 * One failure. A failure that is the request's fault (`failover` false) changes nothing. Rate limits
 * cool down for Retry-After, else exponentially; credential and model failures cool down at once for
 * long; transient failures (5xx, timeouts, connections) open the breaker once the streak within the
 * window reaches the threshold, and a failed half-open probe reopens it for twice as long.
 */
export function applyFailure(
  h0: DeploymentHealth,
  failure: ProviderFailure,
  now: number,
  p: CooldownPolicy,
): { health: DeploymentHealth; outcome: FailureOutcome } {
  if (!failure.failover) return { health: h0, outcome: { cooldownMs: 0, streak: h0.streak } };
  const fresh = h0.streak === 0 || now - h0.streakStartMs > p.failureWindowMs;
  let h: DeploymentHealth = {
    ...h0,
    version: h0.version + 1,
    streak: fresh ? 1 : h0.streak + 1,
    streakStartMs: fresh ? now : h0.streakStartMs,
    lastFailureKind: failure.kind,
  };
  let transition: HealthTransition | undefined;
  const cool = (ms: number): void => {
    if (ms <= 0) return;
    const r = extendCooldown(h, now + ms, failure.kind, now);
    h = r.h;
    if (r.started) transition ??= 'cooldown_started';
  };

  if (failure.kind === 'rate_limited') {
    const level = decayedLevel(h.rateLimitLevel, h.rateLimitAtMs, now, p.rateLimitDecayMs);
    const given = failure.retryAfterMs !== undefined;
    cool(given ? failure.cooldownMs : Math.min(p.rateLimitMaxMs, p.rateLimitDefaultMs * 2 ** level));
    h = { ...h, rateLimitLevel: given ? level : level + 1, rateLimitAtMs: now };
  } else if (TRANSIENT_KINDS.has(failure.kind)) {
    // a 503 that names its Retry-After has said when to come back
    if (failure.retryAfterMs !== undefined) cool(failure.cooldownMs);
    const breaker = breakerAt(h, now);
    if (breaker === 'half_open') {
      const level = h.breakerLevel + 1;
      h = { ...h, breakerLevel: level, breakerUntilMs: now + Math.min(p.breakerMaxOpenMs, p.transientCooldownMs * 2 ** level) };
      transition = 'breaker_reopened';
    } else if (breaker === 'closed' && h.streak >= p.failureThreshold) {
      h = { ...h, breakerOpen: true, breakerLevel: 0, breakerUntilMs: now + p.transientCooldownMs };
      transition = 'breaker_opened';
    }
  } else {
    cool(failure.cooldownMs);
  }
  const block = blockAt(h, now);
  return { health: h, outcome: { cooldownMs: block ? block.untilMs - now : 0, streak: h.streak, ...(transition ? { transition } : {}) } };
}

const ewma = (prev: number | undefined, sample: number | undefined, alpha: number): number | undefined =>
  sample === undefined ? prev : prev === undefined ? sample : prev + alpha * (sample - prev);

/** One success: the streak ends, a breaker (a half-open probe came back well) closes, the EWMAs move. */
export function applySuccess(
  h0: DeploymentHealth,
  sample: SuccessSample,
  p: Pick<CooldownPolicy, 'ewmaAlpha'>,
): { health: DeploymentHealth; outcome: SuccessOutcome } {
  const ttftEwmaMs = ewma(h0.ttftEwmaMs, sample.ttftMs, p.ewmaAlpha);
  const latencyEwmaMs = ewma(h0.latencyEwmaMs, sample.latencyMs, p.ewmaAlpha);
  const health: DeploymentHealth = {
    ...h0,
    version: h0.version + 1,
    streak: 0,
    streakStartMs: 0,
    breakerOpen: false,
    breakerUntilMs: 0,
    breakerLevel: 0,
    ...(ttftEwmaMs !== undefined ? { ttftEwmaMs } : {}),
    ...(latencyEwmaMs !== undefined ? { latencyEwmaMs } : {}),
  };
  return { health, outcome: h0.breakerOpen ? { transition: 'breaker_closed' } : {} };
}

/** Why a call may not start on a deployment now, or how it may: normally, or as the half-open probe. */
export type Admission = 'ok' | 'probe' | 'cooling' | 'probe_in_flight' | 'at_capacity';

export function admit(h: DeploymentHealth, now: number, probeHeld: boolean, inFlight: number, maxConcurrency?: number): Admission {
  if (h.cooldownUntilMs > now) return 'cooling';
  const breaker = breakerAt(h, now);
  if (breaker === 'open') return 'cooling';
  if (breaker === 'half_open') return probeHeld ? 'probe_in_flight' : 'probe';
  if (maxConcurrency !== undefined && inFlight >= maxConcurrency) return 'at_capacity';
  return 'ok';
}

/** A count over a sliding minute, from fixed-window counters: the current one plus the share of the previous one still inside. */
export function slidingCount(current: number, previous: number, now: number, windowMs: number): number {
  const elapsed = (now % windowMs) / windowMs;
  return current + previous * (1 - elapsed);
}
