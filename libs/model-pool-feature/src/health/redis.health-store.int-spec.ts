// The shared health store against real Redis: every transition, two stores (two replicas) on one
// Redis seeing each other's changes through the channel, the probe and the concurrency cap held
// atomically across them, a mirror that refills after its subscriber reconnects, and a Redis that
// stops and comes back (a server of this test's own, on a spare port).
import { execFileSync, spawnSync } from 'node:child_process';
import {
  DEFAULT_COOLDOWN_POLICY,
  HEALTH_WINDOW_MS,
  classifyProviderError,
  type CooldownPolicy,
  type ProviderFailure,
} from '@shoal/model-routing';
import { configureRootLogger, createRedis, type Redis } from '@shoal/platform';
import { dropRedisPrefixes, freePort, testRedisPrefix, testRedisUrl } from '@shoal/testing';
import { RedisHealthStore } from './redis.health-store';

jest.setTimeout(60_000);

const policy: CooldownPolicy = {
  ...DEFAULT_COOLDOWN_POLICY,
  failureThreshold: 3,
  transientCooldownMs: 10_000,
  probeTimeoutMs: 5_000,
  inFlightLeaseMs: 30_000,
};
const failure = (status: number, headers: Record<string, string> = {}): ProviderFailure => classifyProviderError({ status, headers });
const FAIL_FAST = { maxRetriesPerRequest: 1, retryStrategy: (times: number) => Math.min(times * 50, 200), enableAutoPipelining: true };

const connections: Redis[] = [];
const stores: RedisHealthStore[] = [];
const prefixes = new Set<string>();
afterAll(async () => {
  for (const s of stores) s.stop();
  await dropRedisPrefixes(prefixes);
  await Promise.allSettled(connections.map((c) => c.quit()));
});

const clock = { now: Date.now() };
const now = (): number => clock.now;

async function replica(prefix: string, url = testRedisUrl(), opts: { timeoutMs?: number; retryAfterMs?: number } = {}) {
  if (url === testRedisUrl()) prefixes.add(prefix);
  const hot = createRedis(url, FAIL_FAST);
  const sub = createRedis(url, { lazyConnect: true, retryStrategy: (times: number) => Math.min(times * 50, 200) });
  connections.push(hot, sub);
  const store = new RedisHealthStore(hot, sub, prefix, { clock: now, ...opts, warnEveryMs: 60_000 });
  stores.push(store);
  await store.start();
  // until its connection is ready a store serves from its own state (a boot is not an outage): a
  // test that meant to exercise Redis would silently test the in-process store instead
  await until(() => hot.status === 'ready', 'the connection');
  return { store, hot, sub };
}

/** Counts the Lua script calls sent on `redis` from now until `stop()`. */
function countScripts(redis: Redis): { count: () => number; reset: () => void; stop: () => void } {
  let calls = 0;
  const sent = redis.sendCommand.bind(redis);
  redis.sendCommand = ((cmd: { name: string }) => {
    if (cmd.name === 'evalsha' || cmd.name === 'eval') calls++;
    return sent(cmd as never);
  }) as typeof redis.sendCommand;
  return { count: () => calls, reset: () => void (calls = 0), stop: () => void (redis.sendCommand = sent) };
}

async function until(check: () => boolean | Promise<boolean>, what: string, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

beforeAll(() => configureRootLogger({ service: 'test', level: 'silent' }));
beforeEach(() => {
  // the error-rate and rpm windows are aligned to HEALTH_WINDOW_MS of this clock: a test starts just
  // after a window's start, so that the ≤ 40 s a test moves its clock never splits its calls between
  // two windows (where the older ones would count at a fraction)
  clock.now = Math.floor(Date.now() / HEALTH_WINDOW_MS) * HEALTH_WINDOW_MS + 1_000;
});

describe('RedisHealthStore, two replicas on one Redis', () => {
  it("a 429 on one replica reaches the other's mirror at once; its picks then read no Redis", async () => {
    const prefix = testRedisPrefix('health');
    const a = await replica(prefix);
    const b = await replica(prefix);
    // b has looked at dep_x once (healthy): from then on its mirror answers
    expect((await b.store.getCooldowns(['dep_x'])).size).toBe(0);
    const before = b.store.mirror.received;
    const outcome = await a.store.applyFailure('dep_x', failure(429, { 'retry-after': '3' }), policy);
    expect(outcome).toEqual({ cooldownMs: 3_000, streak: 1, transition: 'cooldown_started' });
    await until(() => b.store.mirror.received > before, 'the cooldown message');
    const pipeline = jest.spyOn(b.hot, 'pipeline');
    expect((await b.store.getCooldowns(['dep_x'])).get('dep_x')).toEqual({ untilMs: clock.now + 3_000, reason: 'rate_limited' });
    expect(pipeline).not.toHaveBeenCalled();
    // b refuses to put a call on it
    expect(await b.store.acquire('dep_x', {}, policy)).toEqual({ granted: false, reason: 'cooling' });
    clock.now += 3_000;
    expect((await b.store.getCooldowns(['dep_x'])).size).toBe(0);
    pipeline.mockRestore();
  });

  it('a cooldown only extends, whichever replica reports', async () => {
    const prefix = testRedisPrefix('health');
    const a = await replica(prefix);
    const b = await replica(prefix);
    await a.store.applyFailure('dep_x', failure(401), policy);
    await b.store.applyFailure('dep_x', failure(429, { 'retry-after': '2' }), policy);
    const seen = await b.store.getCooldowns(['dep_x']);
    expect(seen.get('dep_x')).toEqual({ untilMs: clock.now + policy.authCooldownMs, reason: 'auth' });
    // state lives a day after its last write, so a deployment deleted from the config leaves nothing for long
    const ttl = await a.hot.pttl(`${prefix}pool:state:dep_x`);
    expect(ttl).toBeGreaterThan(86_000_000);
    expect(ttl).toBeLessThanOrEqual(86_400_000);
    await b.store.cooldown('dep_y', clock.now + 5_000, 'insufficient_balance');
    await b.store.cooldown('dep_y', clock.now + 1_000, 'rate_limited');
    expect((await a.store.getCooldowns(['dep_y'])).get('dep_y')).toEqual({ untilMs: clock.now + 5_000, reason: 'insufficient_balance' });
  });

  it('exponential rate-limit backoff without Retry-After is counted across replicas', async () => {
    const prefix = testRedisPrefix('health');
    const a = await replica(prefix);
    const b = await replica(prefix);
    expect((await a.store.applyFailure('dep_x', failure(429), policy)).cooldownMs).toBe(policy.rateLimitDefaultMs);
    clock.now += policy.rateLimitDefaultMs;
    expect((await b.store.applyFailure('dep_x', failure(429), policy)).cooldownMs).toBe(2 * policy.rateLimitDefaultMs);
  });

  it('breaker: opens after the threshold across replicas, lets exactly one probe through when half-open, closes on its success', async () => {
    const prefix = testRedisPrefix('health');
    const a = await replica(prefix);
    const b = await replica(prefix);
    expect((await a.store.applyFailure('dep_x', failure(500), policy)).transition).toBeUndefined();
    expect((await b.store.applyFailure('dep_x', failure(502), policy)).transition).toBeUndefined();
    expect(await a.store.applyFailure('dep_x', failure(504), policy)).toEqual({
      cooldownMs: 10_000,
      streak: 3,
      transition: 'breaker_opened',
    });
    expect((await b.store.snapshot(['dep_x'])).get('dep_x')).toMatchObject({ breaker: 'open', consecutiveFailures: 3, shared: true });
    clock.now += 10_000;
    // both replicas race for the probe: one gets it
    const tries = await Promise.all([
      a.store.acquire('dep_x', {}, policy),
      b.store.acquire('dep_x', {}, policy),
      a.store.acquire('dep_x', {}, policy),
    ]);
    expect(tries.filter((t) => t.granted)).toHaveLength(1);
    expect(tries.filter((t) => !t.granted)).toEqual([
      { granted: false, reason: 'probe_in_flight' },
      { granted: false, reason: 'probe_in_flight' },
    ]);
    const probe = tries.find((t) => t.granted)!;
    expect(probe.granted && probe.lease.probe).toBe(true);
    const before = b.store.mirror.received;
    expect(await a.store.applySuccess('dep_x', { latencyMs: 80 }, policy)).toEqual({ transition: 'breaker_closed' });
    await until(() => b.store.mirror.received > before, 'the close message');
    expect((await b.store.acquire('dep_x', {}, policy)).granted).toBe(true);
    expect((await b.store.snapshot(['dep_x'])).get('dep_x')).toMatchObject({
      breaker: 'closed',
      consecutiveFailures: 0,
      latencyEwmaMs: 80,
    });
  });

  it('breaker: a failed probe reopens it for twice as long; a probe that never reports frees the slot after its timeout', async () => {
    const prefix = testRedisPrefix('health');
    const a = await replica(prefix);
    for (let i = 0; i < 3; i++) await a.store.applyFailure('dep_x', failure(503), policy);
    clock.now += 10_000;
    expect((await a.store.acquire('dep_x', {}, policy)).granted).toBe(true);
    expect(await a.store.applyFailure('dep_x', failure(503), policy)).toMatchObject({ cooldownMs: 20_000, transition: 'breaker_reopened' });
    clock.now += 20_000;
    expect((await a.store.acquire('dep_x', {}, policy)).granted).toBe(true);
    expect(await a.store.acquire('dep_x', {}, policy)).toEqual({ granted: false, reason: 'probe_in_flight' });
    // the probe slot is a Redis key with its own expiry (real time)
    const probeTtl = await a.hot.pttl(`${prefix}pool:probe:dep_x`);
    expect(probeTtl).toBeGreaterThan(0);
    expect(probeTtl).toBeLessThanOrEqual(policy.probeTimeoutMs);
  });

  it('never more calls in flight than maxConcurrency across replicas; a dead holder stops counting when its lease ends', async () => {
    const prefix = testRedisPrefix('health');
    const a = await replica(prefix);
    const b = await replica(prefix);
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) => (i % 2 ? a : b).store.acquire('dep_x', { maxConcurrency: 3 }, policy)),
    );
    expect(results.filter((r) => r.granted)).toHaveLength(3);
    expect(results.filter((r) => !r.granted).map((r) => !r.granted && r.reason)).toEqual(['at_capacity', 'at_capacity', 'at_capacity']);
    const held = results.find((r) => r.granted)!;
    if (held.granted) await a.store.release(held.lease, 500);
    expect((await b.store.acquire('dep_x', { maxConcurrency: 3 }, policy)).granted).toBe(true);
    expect((await a.store.snapshot(['dep_x'])).get('dep_x')).toMatchObject({ inFlight: 3, tpmUsed: 500, rpmUsed: 4 });
    // the holders "crash": once their leases run out the slots are free again
    clock.now += policy.inFlightLeaseMs;
    expect((await a.store.acquire('dep_x', { maxConcurrency: 3 }, policy)).granted).toBe(true);
    expect((await a.store.snapshot(['dep_x'])).get('dep_x')!.inFlight).toBe(1);
  });

  it('acquisitions and releases of one turn are one script call each: every lease and token counted, none kept past release', async () => {
    const prefix = testRedisPrefix('health');
    const a = await replica(prefix);
    const scripts = countScripts(a.hot);
    // what routing does before it picks: the mirror now holds the deployment's view (healthy)
    await a.store.getCooldowns(['dep_x']);
    scripts.reset();
    const grants = await Promise.all(Array.from({ length: 5 }, () => a.store.acquire('dep_x', {}, policy)));
    await until(async () => (await a.store.snapshot(['dep_x'])).get('dep_x')!.inFlight === 5, 'five leases in Redis');
    expect(grants.every((g) => g.granted)).toBe(true);
    expect(scripts.count()).toBe(1);
    await Promise.all(grants.map((g, i) => (g.granted ? a.store.release(g.lease, 100 * (i + 1)) : undefined)));
    expect(scripts.count()).toBe(2);
    scripts.stop();
    expect((await a.store.snapshot(['dep_x'])).get('dep_x')).toMatchObject({ inFlight: 0, rpmUsed: 5, tpmUsed: 1_500 });
    expect(await a.hot.zcard(`${prefix}pool:inflight:dep_x`)).toBe(0);
  });

  it('a batch of acquisitions the mirror let through takes no lease where Redis says the deployment is cooling', async () => {
    const prefix = testRedisPrefix('health');
    const a = await replica(prefix);
    await a.store.getCooldowns(['dep_x']);
    // written behind the mirror's back (no message): the mirror still says healthy
    await a.hot.hset(`${prefix}pool:state:dep_x`, 'cu', clock.now + 5_000, 'cr', 'rate_limited');
    await Promise.all(Array.from({ length: 3 }, () => a.store.acquire('dep_x', {}, policy)));
    await new Promise((r) => setTimeout(r, 50));
    expect(await a.hot.zcard(`${prefix}pool:inflight:dep_x`)).toBe(0);
    expect((await a.store.snapshot(['dep_x'])).get('dep_x')).toMatchObject({ inFlight: 0, rpmUsed: 0 });
  });

  it('keeps the error rate and the EWMAs for the live view', async () => {
    const prefix = testRedisPrefix('health');
    const a = await replica(prefix);
    await a.store.applySuccess('dep_x', { latencyMs: 100, ttftMs: 40 }, { ...policy, ewmaAlpha: 0.5 });
    await a.store.applySuccess('dep_x', { latencyMs: 200, ttftMs: 60 }, { ...policy, ewmaAlpha: 0.5 });
    await a.store.applyFailure('dep_x', failure(500), policy);
    await a.store.applyFailure('dep_x', failure(400), policy);
    const snap = (await a.store.snapshot(['dep_x', 'dep_unknown']))!;
    expect(snap.get('dep_x')).toMatchObject({
      latencyEwmaMs: 150,
      ttftEwmaMs: 50,
      consecutiveFailures: 1,
      lastFailureKind: 'server_error',
    });
    expect(snap.get('dep_x')!.recentErrorRate).toBeCloseTo(1 / 3);
    expect(snap.get('dep_unknown')).toEqual({
      breaker: 'closed',
      consecutiveFailures: 0,
      inFlight: 0,
      rpmUsed: 0,
      tpmUsed: 0,
      shared: true,
    });
  });

  it('successes reported in one turn are one script call, applied in order; a breaker they close is reported closed once', async () => {
    const prefix = testRedisPrefix('health');
    const a = await replica(prefix);
    for (let i = 0; i < 3; i++) await a.store.applyFailure('dep_x', failure(503), policy);
    clock.now += 10_000;
    const probe = await a.store.acquire('dep_x', {}, policy);
    expect(probe.granted && probe.lease.probe).toBe(true);
    const scripts = countScripts(a.hot);
    const alpha = { ...policy, ewmaAlpha: 0.5 };
    const outcomes = await Promise.all([
      a.store.applySuccess('dep_x', { latencyMs: 100, ttftMs: 40 }, alpha),
      a.store.applySuccess('dep_x', { latencyMs: 200 }, alpha),
      a.store.applySuccess('dep_x', { latencyMs: 300, ttftMs: 80 }, alpha),
    ]);
    scripts.stop();
    expect(scripts.count()).toBe(1);
    expect(outcomes).toEqual([{ transition: 'breaker_closed' }, {}, {}]);
    // in order: 100, then (100 + 200) / 2 = 150, then (150 + 300) / 2 = 225; TTFT 40, then 60
    expect((await a.store.snapshot(['dep_x'])).get('dep_x')).toMatchObject({
      breaker: 'closed',
      consecutiveFailures: 0,
      latencyEwmaMs: 225,
      ttftEwmaMs: 60,
    });
    // and the window counts every call: three successes and three failures
    expect((await a.store.snapshot(['dep_x'])).get('dep_x')!.recentErrorRate).toBeCloseTo(3 / 6);
  });

  it('a replica whose subscriber reconnects refills its mirror from Redis, missing nothing published meanwhile', async () => {
    const prefix = testRedisPrefix('health');
    const a = await replica(prefix);
    const b = await replica(prefix);
    await b.store.getCooldowns(['dep_x']);
    expect(b.store.mirror.isLive).toBe(true);
    b.sub.disconnect(false);
    await until(() => !b.store.mirror.isLive, 'the mirror to stop');
    await a.store.applyFailure('dep_x', failure(429, { 'retry-after': '4' }), policy);
    // not subscribed: b reads Redis, and sees it
    expect((await b.store.getCooldowns(['dep_x'])).get('dep_x')?.reason).toBe('rate_limited');
    await b.sub.connect();
    await until(() => b.store.mirror.isLive, 'the mirror to come back');
    expect((await b.store.getCooldowns(['dep_x'])).get('dep_x')?.untilMs).toBe(clock.now + 4_000);
  });
});

describe('RedisHealthStore when Redis stops', () => {
  let port = 0;
  const startRedis = () =>
    execFileSync('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'yes']);
  const stopRedis = () => spawnSync('redis-cli', ['-p', String(port), 'shutdown', 'nosave']);
  beforeAll(async () => {
    port = await freePort();
    startRedis();
    await until(
      () =>
        spawnSync('redis-cli', ['-p', String(port), 'ping'])
          .stdout?.toString()
          .includes('PONG') ?? false,
      'redis-server',
    );
  });
  afterAll(() => stopRedis());

  it('degrades to per-process state with one warning, never failing a call, and shares again when Redis is back', async () => {
    const prefix = testRedisPrefix('health');
    const url = `redis://127.0.0.1:${port}`;
    const a = await replica(prefix, url, { timeoutMs: 300, retryAfterMs: 200 });
    const b = await replica(prefix, url, { timeoutMs: 300, retryAfterMs: 200 });
    const warn = jest.spyOn((a.store as unknown as { log: { warn: (...args: unknown[]) => void } }).log, 'warn');
    await a.store.applyFailure('dep_shared', failure(429, { 'retry-after': '30' }), policy);
    expect((await b.store.getCooldowns(['dep_shared'])).has('dep_shared')).toBe(true);

    stopRedis();
    await until(() => a.hot.status !== 'ready', 'the connection to drop');
    const started = Date.now();
    // every operation answers, from this process's own state
    expect((await a.store.acquire('dep_x', {}, policy)).granted).toBe(true);
    const local = await a.store.applyFailure('dep_x', failure(429, { 'retry-after': '5' }), policy);
    expect(local.cooldownMs).toBe(5_000);
    expect((await a.store.getCooldowns(['dep_x'])).get('dep_x')?.reason).toBe('rate_limited');
    expect((await a.store.snapshot(['dep_x'])).get('dep_x')).toMatchObject({ shared: false, cooldown: { reason: 'rate_limited' } });
    for (let i = 0; i < 20; i++) await a.store.getCooldowns(['dep_x']);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(warn).toHaveBeenCalledTimes(1);

    startRedis();
    await until(async () => a.hot.status === 'ready' && b.hot.status === 'ready', 'the reconnect', 15_000);
    // back to shared state: a fresh Redis (no persistence) knows nothing, and both replicas see b's new cooldown
    await until(async () => (await a.store.snapshot(['dep_x'])).get('dep_x')?.shared === true, 'shared state', 5_000);
    await b.store.applyFailure('dep_y', failure(429, { 'retry-after': '7' }), policy);
    await until(async () => (await a.store.getCooldowns(['dep_y'])).has('dep_y'), 'the shared cooldown', 5_000);
  });
});
