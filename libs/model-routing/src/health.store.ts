// Deployment health: cooldowns and failure streaks. A port, because in production every replica of
// model-pool must see the same cooldowns (Redis); the in-memory store serves tests and standalone mode.
import type { FailureKind } from './provider-failure';

/** Epoch milliseconds. Injected everywhere so tests never wait on a real clock. */
export type Clock = () => number;

export interface Cooldown {
  readonly untilMs: number;
  readonly reason: FailureKind;
}

/**
 * Shared health state. Every method may be a network round trip, hence the promises; a Redis
 * implementation maps them to one MGET, one SET with PX, and an INCR + PEXPIRE per call.
 */
export interface HealthStore {
  /** The cooldowns still running (until > now) among `ids`; ids not cooling are absent. */
  getCooldowns(ids: readonly string[]): Promise<ReadonlyMap<string, Cooldown>>;
  /** Cools `id` down until `untilMs`. Extends a running cooldown, never shortens it: two replicas
   *  reporting different failures must not undo each other. */
  cooldown(id: string, untilMs: number, reason: FailureKind): Promise<void>;
  /** Ends the failure streak; latency feeds future latency-aware strategies. */
  recordSuccess(id: string, latencyMs: number): Promise<void>;
  /** Adds to the streak of consecutive failures and returns it (this one included). A streak whose
   *  first failure is older than `windowMs` starts over. */
  recordFailure(id: string, kind: FailureKind, windowMs: number): Promise<number>;
  /** What the admin API's live view shows of each of `ids` (`GET /v1/admin/deployments/{id}/state`). */
  snapshot(ids: readonly string[]): Promise<ReadonlyMap<string, HealthSnapshot>>;
}

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

export interface DeploymentStats {
  readonly consecutiveFailures: number;
  readonly lastFailureKind?: FailureKind;
  /** Exponentially weighted moving average of successful call latency. */
  readonly latencyEwmaMs?: number;
}

interface Streak {
  count: number;
  firstAtMs: number;
  lastKind: FailureKind;
}

export interface InMemoryHealthStoreOptions {
  readonly clock?: Clock;
  /** Weight of the newest sample in the latency EWMA. */
  readonly latencyAlpha?: number;
}

export class InMemoryHealthStore implements HealthStore {
  private readonly clock: Clock;
  private readonly alpha: number;
  private readonly cooldowns = new Map<string, Cooldown>();
  private readonly streaks = new Map<string, Streak>();
  private readonly latency = new Map<string, number>();

  constructor(options: InMemoryHealthStoreOptions = {}) {
    this.clock = options.clock ?? Date.now;
    this.alpha = options.latencyAlpha ?? 0.2;
  }

  async getCooldowns(ids: readonly string[]): Promise<ReadonlyMap<string, Cooldown>> {
    const now = this.clock();
    const out = new Map<string, Cooldown>();
    for (const id of ids) {
      const cooldown = this.cooldowns.get(id);
      if (!cooldown) continue;
      if (cooldown.untilMs > now) out.set(id, cooldown);
      else this.cooldowns.delete(id);
    }
    return out;
  }

  async cooldown(id: string, untilMs: number, reason: FailureKind): Promise<void> {
    const current = this.cooldowns.get(id);
    if (current && current.untilMs >= untilMs) return;
    this.cooldowns.set(id, { untilMs, reason });
  }

  async recordSuccess(id: string, latencyMs: number): Promise<void> {
    this.streaks.delete(id);
    const previous = this.latency.get(id);
    this.latency.set(id, previous === undefined ? latencyMs : previous + this.alpha * (latencyMs - previous));
  }

  async recordFailure(id: string, kind: FailureKind, windowMs: number): Promise<number> {
    const now = this.clock();
    const streak = this.streaks.get(id);
    if (!streak || now - streak.firstAtMs > windowMs) {
      this.streaks.set(id, { count: 1, firstAtMs: now, lastKind: kind });
      return 1;
    }
    streak.count += 1;
    streak.lastKind = kind;
    return streak.count;
  }

  async snapshot(ids: readonly string[]): Promise<ReadonlyMap<string, HealthSnapshot>> {
    const cooldowns = await this.getCooldowns(ids);
    const out = new Map<string, HealthSnapshot>();
    for (const id of ids) {
      const stats = this.stats(id);
      const cooldown = cooldowns.get(id);
      out.set(id, { ...stats, ...(cooldown ? { cooldown } : {}), breaker: 'closed', inFlight: 0, shared: false });
    }
    return out;
  }

  /** Not part of the port: for the admin view and tests of this store. */
  stats(id: string): DeploymentStats {
    const streak = this.streaks.get(id);
    const latencyEwmaMs = this.latency.get(id);
    return {
      consecutiveFailures: streak?.count ?? 0,
      ...(streak ? { lastFailureKind: streak.lastKind } : {}),
      ...(latencyEwmaMs !== undefined ? { latencyEwmaMs } : {}),
    };
  }
}
