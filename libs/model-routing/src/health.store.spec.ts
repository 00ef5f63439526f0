import { cooldownToApply, DEFAULT_COOLDOWN_POLICY } from './cooldown.policy';
import { InMemoryHealthStore } from './health.store';
import type { ProviderFailure } from './provider-failure';
import { ManualClock } from './testing/fixtures';

describe('InMemoryHealthStore', () => {
  const setup = () => {
    const clock = new ManualClock();
    return { clock, store: new InMemoryHealthStore({ clock: clock.now }) };
  };

  it('reports a cooldown until it ends, then forgets it', async () => {
    const { clock, store } = setup();
    await store.cooldown('dep_a', clock.nowMs + 1_000, 'rate_limited');
    expect(await store.getCooldowns(['dep_a', 'dep_b'])).toEqual(
      new Map([['dep_a', { untilMs: clock.nowMs + 1_000, reason: 'rate_limited' }]]),
    );
    clock.advance(999);
    expect((await store.getCooldowns(['dep_a'])).has('dep_a')).toBe(true);
    clock.advance(1);
    expect((await store.getCooldowns(['dep_a'])).size).toBe(0);
  });

  it('extends a cooldown but never shortens it', async () => {
    const { clock, store } = setup();
    await store.cooldown('dep_a', clock.nowMs + 300_000, 'auth');
    await store.cooldown('dep_a', clock.nowMs + 5_000, 'rate_limited');
    expect((await store.getCooldowns(['dep_a'])).get('dep_a')).toEqual({ untilMs: clock.nowMs + 300_000, reason: 'auth' });
    await store.cooldown('dep_a', clock.nowMs + 400_000, 'insufficient_balance');
    expect((await store.getCooldowns(['dep_a'])).get('dep_a')!.reason).toBe('insufficient_balance');
  });

  it('counts a failure streak within the window; a success or an expired window restarts it', async () => {
    const { clock, store } = setup();
    expect(await store.recordFailure('dep_a', 'server_error', 60_000)).toBe(1);
    clock.advance(10_000);
    expect(await store.recordFailure('dep_a', 'timeout', 60_000)).toBe(2);
    await store.recordSuccess('dep_a', 120);
    expect(await store.recordFailure('dep_a', 'server_error', 60_000)).toBe(1);
    clock.advance(60_001);
    expect(await store.recordFailure('dep_a', 'server_error', 60_000)).toBe(1);
    expect(store.stats('dep_a')).toMatchObject({ consecutiveFailures: 1, lastFailureKind: 'server_error' });
  });

  it('keeps a latency EWMA of successes', async () => {
    const store = new InMemoryHealthStore({ latencyAlpha: 0.5 });
    await store.recordSuccess('dep_a', 100);
    await store.recordSuccess('dep_a', 200);
    expect(store.stats('dep_a').latencyEwmaMs).toBe(150);
  });
});

describe('cooldownToApply', () => {
  const failure = (f: Partial<ProviderFailure>): ProviderFailure => ({
    kind: 'server_error',
    failover: true,
    cooldownMs: 10_000,
    clientStatus: 502,
    ...f,
  });
  const policy = DEFAULT_COOLDOWN_POLICY;

  it('cools transient failures only once the streak reaches the threshold', () => {
    expect(cooldownToApply(failure({}), 1, policy)).toBe(0);
    expect(cooldownToApply(failure({ kind: 'timeout' }), 2, policy)).toBe(0);
    expect(cooldownToApply(failure({ kind: 'connection' }), 3, policy)).toBe(10_000);
  });

  it('cools at once when the provider named a Retry-After, or for rate limits and bad keys', () => {
    expect(cooldownToApply(failure({ kind: 'overloaded', retryAfterMs: 2_000, cooldownMs: 2_000 }), 1, policy)).toBe(2_000);
    expect(cooldownToApply(failure({ kind: 'rate_limited', cooldownMs: 5_000 }), 1, policy)).toBe(5_000);
    expect(cooldownToApply(failure({ kind: 'auth', cooldownMs: 300_000 }), 1, policy)).toBe(300_000);
  });

  it("never cools for a failure that is the request's fault", () => {
    expect(cooldownToApply(failure({ kind: 'bad_request', failover: false, cooldownMs: 0 }), 5, policy)).toBe(0);
  });
});
