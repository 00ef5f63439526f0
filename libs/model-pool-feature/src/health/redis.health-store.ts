// Deployment health shared by every model-pool replica: state in Redis, each transition one Lua
// script (health.scripts.ts) that also publishes what routing must know at once. Each replica keeps
// a mirror of the routing view fed by that channel, so picking a deployment reads no Redis; a mirror
// that may have missed messages (its subscriber reconnected) is dropped and refilled from Redis.
// Redis unreachable or slow: the per-process store takes over, with a warning, until Redis is back;
// a call never fails because of it.
import {
  DEFAULT_COOLDOWN_POLICY,
  HEALTHY,
  HEALTH_WINDOW_MS,
  InMemoryHealthStore,
  TRANSIENT_KINDS,
  blockAt,
  breakerAt,
  slidingCount,
  type AcquireLimits,
  type AcquireResult,
  type Clock,
  type Cooldown,
  type CooldownPolicy,
  type DeploymentHealth,
  type FailureKind,
  type FailureOutcome,
  type HealthSnapshot,
  type HealthStore,
  type HealthTransition,
  type Lease,
  type ProviderFailure,
  type SuccessOutcome,
  type SuccessSample,
} from '@shoal/model-routing';
import { TickBatchGroups, createLogger, type Redis } from '@shoal/platform';
import { randomBytes } from 'node:crypto';
import { ACQUIRE_LUA, ACQUIRE_MANY_LUA, COOLDOWN_LUA, FAILURE_LUA, RELEASE_LUA, SUCCESS_LUA } from './health.scripts';
import { HealthMirror, viewOf, type RoutingView } from './health.mirror';

export interface RedisHealthStoreOptions {
  readonly clock?: Clock;
  /** A Redis call slower than this counts as Redis down (default 500 ms). */
  readonly timeoutMs?: number;
  /** After a failed or slow call, how long the per-process store serves before Redis is tried again (default 2 s). */
  readonly retryAfterMs?: number;
  /** At most one "Redis down" warning this often (default 60 s). */
  readonly warnEveryMs?: number;
}

type Scripts = {
  shoalHealthFailure(...args: Array<string | number>): Promise<[number, number, string]>;
  shoalHealthSuccess(...args: Array<string | number>): Promise<string>;
  shoalHealthCooldown(...args: Array<string | number>): Promise<number>;
  shoalHealthAcquire(...args: Array<string | number>): Promise<string>;
  shoalHealthAcquireMany(...args: Array<string | number>): Promise<number>;
  shoalHealthRelease(...args: Array<string | number>): Promise<number>;
};

const WINDOW_TTL_MS = 3 * HEALTH_WINDOW_MS;

interface PendingAcquire {
  keys: [state: string, inflight: string, probe: string, window: string];
  now: number;
  token: string;
  leaseMs: number;
  probeMs: number;
}

interface PendingSuccess {
  keys: [state: string, window: string, probe: string];
  id: string;
  alpha: number;
  latencyMs: number | '';
  ttftMs: number | '';
  /** set on the batch's first success when the batch closed the breaker: reported once */
  transition?: HealthTransition;
}

interface PendingRelease {
  keys: [inflight: string, probe: string, window: string];
  token: string;
  probe: 0 | 1;
  tokens: number;
}

class HealthStoreTimeoutError extends Error {
  constructor(ms: number) {
    super(`Redis did not answer within ${ms} ms`);
  }
}

function classOf(kind: FailureKind): 'rate' | 'transient' | 'other' {
  return kind === 'rate_limited' ? 'rate' : TRANSIENT_KINDS.has(kind) ? 'transient' : 'other';
}

export class RedisHealthStore implements HealthStore {
  private readonly log = createLogger('RedisHealthStore');
  private readonly clock: Clock;
  private readonly timeoutMs: number;
  private readonly retryAfterMs: number;
  private readonly warnEveryMs: number;
  private readonly channel: string;
  /** this process's own state, used while Redis is unreachable */
  readonly local: InMemoryHealthStore;
  readonly mirror = new HealthMirror();
  private degradedUntil = 0;
  private degraded = false;
  private lastWarnAt = -Infinity;
  private everReady = false;
  private stopped = false;
  /** Redis calls in flight, each with its deadline: one timer looks at them all, not a timer per call */
  private readonly deadlines = new Set<{ at: number; fail: () => void }>();
  private sweeper: NodeJS.Timeout | undefined;
  // lease tokens: unique across replicas (the random part) and within this one (the counter)
  private readonly leasePrefix = randomBytes(6).toString('base64url');
  private leases = 0;
  // acquisitions that need no answer, and leases handed back, of one turn and one deployment: one script call each
  private readonly acquisitions = new TickBatchGroups<PendingAcquire>((batch) =>
    this.scripts().shoalHealthAcquireMany(
      ...batch[0].keys,
      batch[0].leaseMs,
      batch[0].probeMs,
      WINDOW_TTL_MS,
      ...batch.flatMap((a) => [a.now, a.token]),
    ),
  );
  // successes of one turn and one deployment: one script call, applied in order (it may close the breaker)
  private readonly successes = new TickBatchGroups<PendingSuccess>(async (batch) => {
    const [first] = batch;
    const transition = await this.scripts().shoalHealthSuccess(
      ...first.keys,
      first.id,
      first.alpha,
      this.channel,
      WINDOW_TTL_MS,
      ...batch.flatMap((x) => [x.latencyMs, x.ttftMs]),
    );
    if (transition) first.transition = transition as HealthTransition;
  });
  private readonly releases = new TickBatchGroups<PendingRelease>((batch) =>
    this.scripts().shoalHealthRelease(...batch[0].keys, WINDOW_TTL_MS, ...batch.flatMap((r) => [r.token, r.probe, r.tokens])),
  );

  constructor(
    private readonly redis: Redis,
    private readonly subscriber: Redis,
    private readonly prefix: string,
    opts: RedisHealthStoreOptions = {},
  ) {
    this.clock = opts.clock ?? Date.now;
    this.timeoutMs = opts.timeoutMs ?? 500;
    this.retryAfterMs = opts.retryAfterMs ?? 2_000;
    this.warnEveryMs = opts.warnEveryMs ?? 60_000;
    this.channel = `${prefix}pool:health`;
    this.local = new InMemoryHealthStore({ clock: this.clock });
    this.everReady = redis.status === 'ready';
    redis.on('ready', () => {
      this.everReady = true;
    });
    redis.defineCommand('shoalHealthFailure', { lua: FAILURE_LUA, numberOfKeys: 3 });
    redis.defineCommand('shoalHealthSuccess', { lua: SUCCESS_LUA, numberOfKeys: 3 });
    redis.defineCommand('shoalHealthCooldown', { lua: COOLDOWN_LUA, numberOfKeys: 1 });
    redis.defineCommand('shoalHealthAcquire', { lua: ACQUIRE_LUA, numberOfKeys: 4 });
    redis.defineCommand('shoalHealthAcquireMany', { lua: ACQUIRE_MANY_LUA, numberOfKeys: 4 });
    redis.defineCommand('shoalHealthRelease', { lua: RELEASE_LUA, numberOfKeys: 3 });
  }

  /** Subscribes to the health channel. Until it is live (and after every reconnect until resubscribed) reads go to Redis. */
  async start(): Promise<void> {
    this.subscriber.on('message', this.onMessage);
    // ioredis subscribes again after a reconnect; what was published in between is lost: refill
    this.subscriber.on('ready', this.onReady);
    this.subscriber.on('close', this.onClose);
    await this.resubscribe();
  }

  /** Stops following the channel (shutdown); the connections belong to the platform. */
  stop(): void {
    this.stopped = true;
    this.mirror.stop();
    this.subscriber.removeListener('message', this.onMessage);
    this.subscriber.removeListener('ready', this.onReady);
    this.subscriber.removeListener('close', this.onClose);
    clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  private readonly onMessage = (channel: string, message: string): void => {
    if (channel === this.channel) this.mirror.apply(message);
  };
  private readonly onReady = (): void => void this.resubscribe();
  private readonly onClose = (): void => this.mirror.stop();

  private async resubscribe(): Promise<void> {
    if (this.stopped) return;
    this.mirror.stop();
    try {
      await this.subscriber.subscribe(this.channel);
      this.mirror.start();
    } catch (err) {
      this.unreachable(err);
    }
  }

  async getCooldowns(ids: readonly string[]): Promise<ReadonlyMap<string, Cooldown>> {
    return this.shared(
      async () => {
        const views = await this.views(ids);
        const now = this.clock();
        const out = new Map<string, Cooldown>();
        for (const [id, view] of views) {
          const block = blockAt(view, now);
          if (block) out.set(id, block);
        }
        return out;
      },
      () => this.local.getCooldowns(ids),
    );
  }

  async cooldown(id: string, untilMs: number, reason: FailureKind): Promise<void> {
    await this.shared(
      async () => {
        await this.scripts().shoalHealthCooldown(this.key('state', id), id, untilMs, reason, this.channel);
        // this replica's own next pick must see it now, not when its published copy comes back (the
        // router cools a bad key's other deployments and picks again in the same call)
        await this.readViews([id]);
      },
      () => this.local.cooldown(id, untilMs, reason),
    );
  }

  async recordSuccess(id: string, latencyMs: number, ttftMs?: number): Promise<void> {
    await this.applySuccess(id, { latencyMs, ...(ttftMs !== undefined ? { ttftMs } : {}) }, DEFAULT_COOLDOWN_POLICY);
  }

  async applyFailure(id: string, failure: ProviderFailure, p: CooldownPolicy): Promise<FailureOutcome> {
    if (!failure.failover) return { cooldownMs: 0, streak: 0 };
    return this.shared(
      async () => {
        const now = this.clock();
        const [cooldownMs, streak, transition] = await this.scripts().shoalHealthFailure(
          ...this.keys(id, now),
          id,
          now,
          failure.kind,
          classOf(failure.kind),
          failure.cooldownMs,
          failure.retryAfterMs !== undefined ? 1 : 0,
          p.failureThreshold,
          p.failureWindowMs,
          p.transientCooldownMs,
          p.breakerMaxOpenMs,
          p.rateLimitDefaultMs,
          p.rateLimitMaxMs,
          p.rateLimitDecayMs,
          this.channel,
          WINDOW_TTL_MS,
        );
        return {
          cooldownMs: Number(cooldownMs),
          streak: Number(streak),
          ...(transition ? { transition: transition as HealthTransition } : {}),
        };
      },
      () => this.local.applyFailure(id, failure, p),
    );
  }

  async applySuccess(id: string, sample: SuccessSample, p: CooldownPolicy): Promise<SuccessOutcome> {
    return this.shared(
      async () => {
        const keys = this.keys(id, this.clock());
        const item: PendingSuccess = { keys, id, alpha: p.ewmaAlpha, latencyMs: sample.latencyMs ?? '', ttftMs: sample.ttftMs ?? '' };
        await this.successes.add(`${keys[1]}\u0000${p.ewmaAlpha}`, item);
        return item.transition ? { transition: item.transition } : {};
      },
      () => this.local.applySuccess(id, sample, p),
    );
  }

  async acquire(id: string, limits: AcquireLimits, p: CooldownPolicy): Promise<AcquireResult> {
    return this.shared(
      async () => {
        const now = this.clock();
        const token = `${this.leasePrefix}${(++this.leases).toString(36)}`;
        const [state, inflight, probe, window] = [
          this.key('state', id),
          this.key('inflight', id),
          this.key('probe', id),
          this.windowKey(id, now),
        ];
        const run = () =>
          this.scripts().shoalHealthAcquire(
            state,
            inflight,
            probe,
            window,
            now,
            token,
            p.inFlightLeaseMs,
            p.probeTimeoutMs,
            limits.maxConcurrency ?? '',
            WINDOW_TTL_MS,
          );
        // the mirror says closed and not cooling, and there is no cap to enforce: count the call without waiting for Redis
        const view = this.mirror.get(id);
        if (view && limits.maxConcurrency === undefined && breakerAt(view, now) === 'closed' && !blockAt(view, now)) {
          const keys: PendingAcquire['keys'] = [state, inflight, probe, window];
          this.acquisitions
            .add(`${window}\u0000${p.inFlightLeaseMs}\u0000${p.probeTimeoutMs}`, {
              keys,
              now,
              token,
              leaseMs: p.inFlightLeaseMs,
              probeMs: p.probeTimeoutMs,
            })
            .catch((err: unknown) => this.unreachable(err));
          return { granted: true, lease: { deploymentId: id, token, probe: false } };
        }
        const admission = await run();
        if (admission === 'ok' || admission === 'probe')
          return { granted: true, lease: { deploymentId: id, token, probe: admission === 'probe' } };
        return { granted: false, reason: admission as 'cooling' | 'probe_in_flight' | 'at_capacity' };
      },
      async () => {
        const r = await this.local.acquire(id, limits, p);
        return r.granted ? { granted: true, lease: { ...r.lease, local: true } } : r;
      },
    );
  }

  async release(lease: Lease, tokens?: number): Promise<void> {
    if (lease.local) return this.local.release(lease, tokens);
    await this.shared(
      async () => {
        const window = this.windowKey(lease.deploymentId, this.clock());
        const keys: PendingRelease['keys'] = [this.key('inflight', lease.deploymentId), this.key('probe', lease.deploymentId), window];
        await this.releases.add(window, { keys, token: lease.token, probe: lease.probe ? 1 : 0, tokens: tokens ?? 0 });
      },
      async () => undefined,
    );
  }

  async snapshot(ids: readonly string[]): Promise<ReadonlyMap<string, HealthSnapshot>> {
    return this.shared(
      async () => {
        const now = this.clock();
        const window = Math.floor(now / HEALTH_WINDOW_MS);
        const pipe = this.redis.pipeline();
        for (const id of ids) {
          pipe.hgetall(this.key('state', id));
          pipe.zcount(this.key('inflight', id), `(${now}`, '+inf');
          pipe.hgetall(`${this.key('win', id)}:${window}`);
          pipe.hgetall(`${this.key('win', id)}:${window - 1}`);
        }
        const replies = (await pipe.exec()) ?? [];
        const out = new Map<string, HealthSnapshot>();
        ids.forEach((id, i) => {
          const [state, inFlight, cur, prev] = replies.slice(4 * i, 4 * i + 4).map(([err, value]) => {
            if (err) throw err;
            return value;
          }) as [Record<string, string>, number, Record<string, string>, Record<string, string>];
          out.set(id, snapshotOf(healthOf(state), Number(inFlight), cur, prev, now));
        });
        return out;
      },
      () => this.local.snapshot(ids),
    );
  }

  /** The routing view of `ids`: from the mirror where it is live and holds them, else read from Redis (and kept). */
  private async views(ids: readonly string[]): Promise<ReadonlyMap<string, DeploymentHealth>> {
    const out = new Map<string, DeploymentHealth>();
    const missing: string[] = [];
    for (const id of ids) {
      const view = this.mirror.get(id);
      if (view) out.set(id, view);
      else missing.push(id);
    }
    if (missing.length === 0) return out;
    for (const [id, view] of await this.readViews(missing)) out.set(id, view);
    return out;
  }

  /** Reads the routing view of `ids` from Redis and keeps it in the mirror (unless it holds a newer one). */
  private async readViews(ids: readonly string[]): Promise<ReadonlyMap<string, DeploymentHealth>> {
    const out = new Map<string, DeploymentHealth>();
    const missing = ids;
    const pipe = this.redis.pipeline();
    for (const id of missing) pipe.hmget(this.key('state', id), 'v', 'cu', 'cr', 'bo', 'bu', 'lk');
    const replies = (await pipe.exec()) ?? [];
    missing.forEach((id, i) => {
      const [err, fields] = replies[i] ?? [new Error('no reply')];
      if (err) throw err;
      const [v, cu, cr, bo, bu, lk] = fields as Array<string | null>;
      const view: RoutingView = {
        id,
        v: Number(v ?? 0),
        cu: Number(cu ?? 0),
        cr: cr ?? '',
        bo: bo === '1' ? 1 : 0,
        bu: Number(bu ?? 0),
        lk: lk ?? '',
      };
      this.mirror.offer(view);
      out.set(id, viewOf(view));
    });
    return out;
  }

  /** Runs `op` on Redis, or `fallback` in process while Redis is unreachable; a Redis failure never reaches the caller. */
  private async shared<T>(op: () => Promise<T>, fallback: () => Promise<T>): Promise<T> {
    if (this.redis.status !== 'ready' || this.clock() < this.degradedUntil) {
      // not yet connected at boot is not an outage
      if (this.redis.status !== 'ready' && this.everReady) this.unreachable(new Error(`Redis connection is ${this.redis.status}`));
      return fallback();
    }
    if (this.degraded) {
      this.degraded = false;
      // what was published while we were away is lost: read it again
      this.mirror.clear();
      this.log.info('Redis is back: deployment health is shared again');
    }
    try {
      return await this.withinTimeout(op);
    } catch (err) {
      this.unreachable(err);
      this.degradedUntil = this.clock() + this.retryAfterMs;
      return fallback();
    }
  }

  /** `op`, or a HealthStoreTimeoutError once it has taken `timeoutMs` (checked every fifth of it: at most 1.2 × timeoutMs). */
  private withinTimeout<T>(op: () => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const entry = { at: Date.now() + this.timeoutMs, fail: () => reject(new HealthStoreTimeoutError(this.timeoutMs)) };
      this.deadlines.add(entry);
      if (!this.sweeper) {
        this.sweeper = setInterval(() => this.sweepDeadlines(), Math.max(10, Math.floor(this.timeoutMs / 5)));
        this.sweeper.unref();
      }
      op().then(
        (value) => {
          this.deadlines.delete(entry);
          resolve(value);
        },
        (err: unknown) => {
          this.deadlines.delete(entry);
          reject(err);
        },
      );
    });
  }

  private sweepDeadlines(): void {
    const now = Date.now();
    for (const entry of this.deadlines)
      if (entry.at <= now) {
        this.deadlines.delete(entry);
        entry.fail();
      }
    if (this.deadlines.size === 0) {
      clearInterval(this.sweeper);
      this.sweeper = undefined;
    }
  }

  private unreachable(err: unknown): void {
    this.degraded = true;
    const now = Date.now();
    if (now - this.lastWarnAt < this.warnEveryMs) return;
    this.lastWarnAt = now;
    this.log.warn({ err }, 'Redis unreachable: deployment health is per process until it answers again; calls go on');
  }

  private scripts(): Scripts {
    return this.redis as unknown as Scripts;
  }

  private key(kind: 'state' | 'inflight' | 'probe' | 'win', id: string): string {
    return `${this.prefix}pool:${kind}:${id}`;
  }

  private windowKey(id: string, now: number): string {
    return `${this.key('win', id)}:${Math.floor(now / HEALTH_WINDOW_MS)}`;
  }

  private keys(id: string, now: number): [string, string, string] {
    return [this.key('state', id), this.windowKey(id, now), this.key('probe', id)];
  }
}

function healthOf(f: Record<string, string>): DeploymentHealth {
  const num = (k: string): number | undefined => (f[k] === undefined || f[k] === '' ? undefined : Number(f[k]));
  const ttftEwmaMs = num('tt');
  const latencyEwmaMs = num('le');
  return {
    ...HEALTHY,
    version: num('v') ?? 0,
    cooldownUntilMs: num('cu') ?? 0,
    ...(f['cr'] ? { cooldownReason: f['cr'] as FailureKind } : {}),
    breakerOpen: f['bo'] === '1',
    breakerUntilMs: num('bu') ?? 0,
    breakerLevel: num('bl') ?? 0,
    streak: num('s') ?? 0,
    streakStartMs: num('ss') ?? 0,
    ...(f['lk'] ? { lastFailureKind: f['lk'] as FailureKind } : {}),
    rateLimitLevel: num('rl') ?? 0,
    rateLimitAtMs: num('ra') ?? 0,
    ...(ttftEwmaMs !== undefined ? { ttftEwmaMs } : {}),
    ...(latencyEwmaMs !== undefined ? { latencyEwmaMs } : {}),
  };
}

function snapshotOf(
  h: DeploymentHealth,
  inFlight: number,
  cur: Record<string, string>,
  prev: Record<string, string>,
  now: number,
): HealthSnapshot {
  const count = (k: string): number => slidingCount(Number(cur[k] ?? 0), Number(prev[k] ?? 0), now, HEALTH_WINDOW_MS);
  const calls = count('n');
  const cooldown = blockAt(h, now);
  return {
    ...(cooldown ? { cooldown } : {}),
    breaker: breakerAt(h, now),
    consecutiveFailures: h.streak,
    ...(h.lastFailureKind ? { lastFailureKind: h.lastFailureKind } : {}),
    inFlight,
    ...(h.ttftEwmaMs !== undefined ? { ttftEwmaMs: h.ttftEwmaMs } : {}),
    ...(h.latencyEwmaMs !== undefined ? { latencyEwmaMs: h.latencyEwmaMs } : {}),
    ...(calls > 0 ? { recentErrorRate: count('e') / calls } : {}),
    rpmUsed: Math.round(count('q')),
    tpmUsed: Math.round(count('t')),
    shared: true,
  };
}
