// The per-process HealthStore: standalone mode, tests, and a model-pool replica whose Redis is down.
// It runs the transitions of deployment-health.ts as they are; the Redis store runs the same in Lua.
import { DEFAULT_COOLDOWN_POLICY, type CooldownPolicy } from './cooldown.policy';
import {
  HEALTHY,
  admit,
  applyFailure,
  applySuccess,
  blockAt,
  breakerAt,
  slidingCount,
  type DeploymentHealth,
  type FailureOutcome,
  type SuccessOutcome,
  type SuccessSample,
} from './deployment-health';
import type { AcquireLimits, AcquireResult, Clock, Cooldown, HealthSnapshot, HealthStore, Lease } from './health.store';
import type { FailureKind, ProviderFailure } from './provider-failure';

/** Fixed one-minute windows: the RPM / TPM / error-rate counts of a deployment. */
export const HEALTH_WINDOW_MS = 60_000;

export interface DeploymentStats {
  readonly consecutiveFailures: number;
  readonly lastFailureKind?: FailureKind;
  /** Exponentially weighted moving average of successful call latency. */
  readonly latencyEwmaMs?: number;
}

export interface InMemoryHealthStoreOptions {
  readonly clock?: Clock;
  /** Weight of the newest sample in the latency EWMA (for `recordSuccess`; `applySuccess` takes the policy's). */
  readonly latencyAlpha?: number;
}

interface Counts {
  requests: number;
  tokens: number;
  calls: number;
  errors: number;
}
const zero = (): Counts => ({ requests: 0, tokens: 0, calls: 0, errors: 0 });

let nextToken = 0;

export class InMemoryHealthStore implements HealthStore {
  private readonly clock: Clock;
  private readonly alpha: number;
  private readonly states = new Map<string, DeploymentHealth>();
  /** deployment → lease token → expiry */
  private readonly leases = new Map<string, Map<string, number>>();
  /** deployment → when the half-open probe's slot frees itself */
  private readonly probes = new Map<string, number>();
  private readonly windows = new Map<string, { window: number; current: Counts; previous: Counts }>();

  constructor(options: InMemoryHealthStoreOptions = {}) {
    this.clock = options.clock ?? Date.now;
    this.alpha = options.latencyAlpha ?? DEFAULT_COOLDOWN_POLICY.ewmaAlpha;
  }

  async getCooldowns(ids: readonly string[]): Promise<ReadonlyMap<string, Cooldown>> {
    const now = this.clock();
    const out = new Map<string, Cooldown>();
    for (const id of ids) {
      const block = blockAt(this.state(id), now);
      if (block) out.set(id, block);
    }
    return out;
  }

  async cooldown(id: string, untilMs: number, reason: FailureKind): Promise<void> {
    const h = this.state(id);
    if (h.cooldownUntilMs >= untilMs) return;
    this.states.set(id, { ...h, version: h.version + 1, cooldownUntilMs: untilMs, cooldownReason: reason });
  }

  async recordSuccess(id: string, latencyMs: number, ttftMs?: number): Promise<void> {
    await this.applySuccess(
      id,
      { latencyMs, ...(ttftMs !== undefined ? { ttftMs } : {}) },
      { ...DEFAULT_COOLDOWN_POLICY, ewmaAlpha: this.alpha },
    );
  }

  /** Only the failure streak (this one included); a streak whose first failure is older than `windowMs` starts over. */
  async recordFailure(id: string, kind: FailureKind, windowMs: number): Promise<number> {
    const now = this.clock();
    const h = this.state(id);
    const fresh = h.streak === 0 || now - h.streakStartMs > windowMs;
    const streak = fresh ? 1 : h.streak + 1;
    this.states.set(id, { ...h, version: h.version + 1, streak, streakStartMs: fresh ? now : h.streakStartMs, lastFailureKind: kind });
    return streak;
  }

  async applyFailure(id: string, failure: ProviderFailure, policy: CooldownPolicy): Promise<FailureOutcome> {
    if (!failure.failover) return { cooldownMs: 0, streak: this.state(id).streak };
    const now = this.clock();
    const { health, outcome } = applyFailure(this.state(id), failure, now, policy);
    this.states.set(id, health);
    this.count(id, now, { calls: 1, errors: 1 });
    // a failed probe frees the slot: the breaker reopened and the next probe comes after it
    this.probes.delete(id);
    return outcome;
  }

  async applySuccess(id: string, sample: SuccessSample, policy: CooldownPolicy): Promise<SuccessOutcome> {
    const { health, outcome } = applySuccess(this.state(id), sample, policy);
    this.states.set(id, health);
    this.count(id, this.clock(), { calls: 1 });
    this.probes.delete(id);
    return outcome;
  }

  async acquire(id: string, limits: AcquireLimits, policy: CooldownPolicy): Promise<AcquireResult> {
    const now = this.clock();
    const leases = this.liveLeases(id, now);
    const probeUntil = this.probes.get(id);
    const admission = admit(this.state(id), now, probeUntil !== undefined && probeUntil > now, leases.size, limits.maxConcurrency);
    if (admission !== 'ok' && admission !== 'probe') return { granted: false, reason: admission };
    const token = `l${++nextToken}`;
    leases.set(token, now + policy.inFlightLeaseMs);
    this.leases.set(id, leases);
    if (admission === 'probe') this.probes.set(id, now + policy.probeTimeoutMs);
    this.count(id, now, { requests: 1 });
    return { granted: true, lease: { deploymentId: id, token, probe: admission === 'probe' } };
  }

  async release(lease: Lease, tokens?: number): Promise<void> {
    this.leases.get(lease.deploymentId)?.delete(lease.token);
    // a probe that never reported (its caller left) frees the slot for the next one
    if (lease.probe) this.probes.delete(lease.deploymentId);
    if (tokens && tokens > 0) this.count(lease.deploymentId, this.clock(), { tokens });
  }

  async snapshot(ids: readonly string[]): Promise<ReadonlyMap<string, HealthSnapshot>> {
    const now = this.clock();
    const out = new Map<string, HealthSnapshot>();
    for (const id of ids) {
      const h = this.state(id);
      const w = this.windowOf(id, now);
      const cooldown = blockAt(h, now);
      const calls = slidingCount(w.current.calls, w.previous.calls, now, HEALTH_WINDOW_MS);
      const errors = slidingCount(w.current.errors, w.previous.errors, now, HEALTH_WINDOW_MS);
      out.set(id, {
        ...(cooldown ? { cooldown } : {}),
        breaker: breakerAt(h, now),
        consecutiveFailures: h.streak,
        ...(h.lastFailureKind ? { lastFailureKind: h.lastFailureKind } : {}),
        inFlight: this.liveLeases(id, now).size,
        ...(h.ttftEwmaMs !== undefined ? { ttftEwmaMs: h.ttftEwmaMs } : {}),
        ...(h.latencyEwmaMs !== undefined ? { latencyEwmaMs: h.latencyEwmaMs } : {}),
        ...(calls > 0 ? { recentErrorRate: errors / calls } : {}),
        rpmUsed: Math.round(slidingCount(w.current.requests, w.previous.requests, now, HEALTH_WINDOW_MS)),
        tpmUsed: Math.round(slidingCount(w.current.tokens, w.previous.tokens, now, HEALTH_WINDOW_MS)),
        shared: false,
      });
    }
    return out;
  }

  /** Not part of the port: for tests of this store. */
  stats(id: string): DeploymentStats {
    const h = this.state(id);
    return {
      consecutiveFailures: h.streak,
      ...(h.lastFailureKind ? { lastFailureKind: h.lastFailureKind } : {}),
      ...(h.latencyEwmaMs !== undefined ? { latencyEwmaMs: h.latencyEwmaMs } : {}),
    };
  }

  /** Not part of the port: the raw state, for the Redis store's resync and tests. */
  state(id: string): DeploymentHealth {
    return this.states.get(id) ?? HEALTHY;
  }

  private liveLeases(id: string, now: number): Map<string, number> {
    const leases = this.leases.get(id) ?? new Map<string, number>();
    for (const [token, until] of leases) if (until <= now) leases.delete(token);
    return leases;
  }

  private windowOf(id: string, now: number) {
    const window = Math.floor(now / HEALTH_WINDOW_MS);
    const w = this.windows.get(id);
    if (w && w.window === window) return w;
    const next = { window, current: zero(), previous: w && w.window === window - 1 ? w.current : zero() };
    this.windows.set(id, next);
    return next;
  }

  private count(id: string, now: number, add: Partial<Counts>): void {
    const c = this.windowOf(id, now).current;
    c.requests += add.requests ?? 0;
    c.tokens += add.tokens ?? 0;
    c.calls += add.calls ?? 0;
    c.errors += add.errors ?? 0;
  }
}
