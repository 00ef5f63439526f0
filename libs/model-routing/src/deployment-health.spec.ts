import { DEFAULT_COOLDOWN_POLICY, type CooldownPolicy } from './cooldown.policy';
import { HEALTHY, admit, applyFailure, applySuccess, blockAt, breakerAt, decayedLevel, type DeploymentHealth } from './deployment-health';
import { classifyProviderError } from './error.classifier';
import { InMemoryHealthStore } from './memory.health-store';
import { ModelRouter } from './model.router';
import type { ProviderFailure } from './provider-failure';
import { ManualClock, dep } from './testing/fixtures';

const policy: CooldownPolicy = { ...DEFAULT_COOLDOWN_POLICY, failureThreshold: 3, transientCooldownMs: 10_000, breakerMaxOpenMs: 40_000 };
const T0 = 1_700_000_000_000;
const failure = (status: number, headers: Record<string, string> = {}): ProviderFailure => classifyProviderError({ status, headers });

function run(events: Array<[number, ProviderFailure | 'ok']>, start: DeploymentHealth = HEALTHY) {
  let h = start;
  const out: Array<{ cooldownMs: number; transition?: string }> = [];
  for (const [at, e] of events) {
    if (e === 'ok') {
      const r = applySuccess(h, { latencyMs: 100 }, policy);
      h = r.health;
      out.push({ cooldownMs: 0, ...r.outcome });
    } else {
      const r = applyFailure(h, e, at, policy);
      h = r.health;
      out.push(r.outcome);
    }
  }
  return { h, out };
}

describe('deployment health: rate limits', () => {
  it("cools for the provider's Retry-After, and the cooldown only ever extends", () => {
    const { h, out } = run([
      [T0, failure(429, { 'retry-after': '7' })],
      [T0 + 1_000, failure(429, { 'retry-after': '2' })],
    ]);
    expect(out[0]).toEqual({ cooldownMs: 7_000, streak: 1, transition: 'cooldown_started' });
    expect(out[1]!.transition).toBeUndefined();
    expect(blockAt(h, T0 + 6_999)).toEqual({ untilMs: T0 + 7_000, reason: 'rate_limited' });
    expect(blockAt(h, T0 + 7_000)).toBeUndefined();
  });

  it('backs off exponentially without Retry-After, and the level decays with quiet time', () => {
    const base = policy.rateLimitDefaultMs;
    const { h, out } = run([
      [T0, failure(429)],
      [T0 + 60_000 - 1, failure(429)],
      [T0 + 2 * 60_000 - 2, failure(429)],
    ]);
    expect(out.map((o) => o.cooldownMs)).toEqual([base, 2 * base, 4 * base]);
    expect(decayedLevel(h.rateLimitLevel, h.rateLimitAtMs, h.rateLimitAtMs + 2 * policy.rateLimitDecayMs, policy.rateLimitDecayMs)).toBe(1);
    const later = applyFailure(h, failure(429), h.rateLimitAtMs + 3 * policy.rateLimitDecayMs, policy);
    expect(later.outcome.cooldownMs).toBe(base);
  });

  it('caps the exponential backoff', () => {
    let h = HEALTHY;
    let last = 0;
    for (let i = 0; i < 10; i++) {
      const r = applyFailure(h, failure(429), T0 + i, policy);
      h = r.health;
      last = r.outcome.cooldownMs;
    }
    expect(last).toBe(policy.rateLimitMaxMs);
  });
});

describe('deployment health: circuit breaker', () => {
  it('opens after the threshold of transient failures within the window, not before', () => {
    const { h, out } = run([
      [T0, failure(500)],
      [T0 + 1, failure(502)],
      [T0 + 2, failure(504)],
    ]);
    expect(out.map((o) => o.transition)).toEqual([undefined, undefined, 'breaker_opened']);
    expect(breakerAt(h, T0 + 2)).toBe('open');
    expect(blockAt(h, T0 + 2)).toEqual({ untilMs: T0 + 2 + 10_000, reason: 'timeout' });
  });

  it('forgets a streak older than the window', () => {
    const { h } = run([
      [T0, failure(500)],
      [T0 + 1, failure(500)],
      [T0 + policy.failureWindowMs + 2, failure(500)],
    ]);
    expect(h.streak).toBe(1);
    expect(breakerAt(h, T0 + policy.failureWindowMs + 2)).toBe('closed');
  });

  it('goes half-open when the open period ends; a failed probe reopens it for twice as long, up to the ceiling', () => {
    let { h } = run([
      [T0, failure(500)],
      [T0, failure(500)],
      [T0, failure(500)],
    ]);
    expect(breakerAt(h, T0 + 10_000)).toBe('half_open');
    const periods: number[] = [];
    let at = T0 + 10_000;
    for (let i = 0; i < 4; i++) {
      const r = applyFailure(h, failure(503), at, policy);
      expect(r.outcome.transition).toBe('breaker_reopened');
      periods.push(r.outcome.cooldownMs);
      h = r.health;
      at = h.breakerUntilMs;
    }
    expect(periods).toEqual([20_000, 40_000, 40_000, 40_000]);
  });

  it('a success closes it, from open or half-open', () => {
    const { h, out } = run([
      [T0, failure(500)],
      [T0, failure(500)],
      [T0, failure(500)],
      [T0 + 10_000, 'ok'],
    ]);
    expect(out[3]!.transition).toBe('breaker_closed');
    expect(breakerAt(h, T0 + 10_000)).toBe('closed');
    expect(h.streak).toBe(0);
  });
});

describe('deployment health: other classes', () => {
  it('takes a bad key or an empty balance out for long at once', () => {
    expect(run([[T0, failure(401)]]).out[0]).toMatchObject({ cooldownMs: policy.authCooldownMs, transition: 'cooldown_started' });
    expect(run([[T0, failure(402)]]).out[0]).toMatchObject({ cooldownMs: policy.balanceCooldownMs, transition: 'cooldown_started' });
  });

  it("leaves no trace for the client's own bad request", () => {
    const { h, out } = run([[T0, failure(400)]]);
    expect(h).toBe(HEALTHY);
    expect(out[0]!.cooldownMs).toBe(0);
  });
});

describe('admission', () => {
  it('lets one probe through a half-open breaker, and respects the concurrency cap', () => {
    const open = run([
      [T0, failure(500)],
      [T0, failure(500)],
      [T0, failure(500)],
    ]).h;
    expect(admit(open, T0 + 1, false, 0)).toBe('cooling');
    expect(admit(open, T0 + 10_000, false, 0)).toBe('probe');
    expect(admit(open, T0 + 10_000, true, 0)).toBe('probe_in_flight');
    expect(admit(HEALTHY, T0, false, 2, 2)).toBe('at_capacity');
    expect(admit(HEALTHY, T0, false, 1, 2)).toBe('ok');
  });
});

describe('InMemoryHealthStore and ModelRouter', () => {
  const setup = (deployments = [dep('dep_a', 'm'), dep('dep_b', 'm')]) => {
    const clock = new ManualClock(T0);
    const health = new InMemoryHealthStore({ clock: clock.now });
    const events: unknown[] = [];
    const router = new ModelRouter({
      deployments,
      models: [{ name: 'm', deploymentIds: deployments.map((d) => d.id), fallbacks: [] }],
      health,
      clock: clock.now,
      policy,
      onTransition: (e) => events.push(e),
    });
    return { clock, health, router, events };
  };

  it('one probe at a time through a half-open breaker; its success closes it', async () => {
    const { clock, health, router, events } = setup([dep('dep_a', 'm')]);
    const a = router.deployment('dep_a')!;
    for (let i = 0; i < 3; i++) await router.reportFailure(a, failure(500));
    expect(await router.pick(['m'], new Set(), 1)).toMatchObject({ deployment: undefined, earliest: { deploymentId: 'dep_a' } });
    clock.advance(10_000);
    const probe = await router.pick(['m'], new Set(), 1);
    expect(probe).toMatchObject({ deployment: a, lease: { probe: true } });
    // a second caller meanwhile waits: the probe is in flight
    expect(await router.pick(['m'], new Set(), 1)).toMatchObject({ deployment: undefined });
    await router.reportSuccess(a, 50);
    await router.release(probe!.deployment ? probe!.lease : undefined);
    expect(await router.pick(['m'], new Set(), 1)).toMatchObject({ deployment: a, lease: { probe: false } });
    expect(events).toEqual([
      expect.objectContaining({ deploymentId: 'dep_a', transition: 'breaker_opened' }),
      expect.objectContaining({ deploymentId: 'dep_a', transition: 'breaker_closed' }),
    ]);
    expect((await health.snapshot(['dep_a'])).get('dep_a')).toMatchObject({ breaker: 'closed', inFlight: 1, rpmUsed: 2 });
  });

  it('never puts more calls in flight than maxConcurrency; a slot frees on release or when its lease expires', async () => {
    const { clock, router } = setup([{ ...dep('dep_a', 'm'), maxConcurrency: 2 }]);
    const first = await router.pick(['m'], new Set(), 1);
    await router.pick(['m'], new Set(), 1);
    expect(await router.pick(['m'], new Set(), 1)).toMatchObject({ deployment: undefined, earliest: { reason: 'overloaded' } });
    await router.release(first!.deployment ? first!.lease : undefined, 30);
    expect((await router.pick(['m'], new Set(), 1))!.deployment?.id).toBe('dep_a');
    expect(await router.pick(['m'], new Set(), 1)).toMatchObject({ deployment: undefined });
    clock.advance(policy.inFlightLeaseMs);
    expect((await router.pick(['m'], new Set(), 1))!.deployment?.id).toBe('dep_a');
  });

  it('takes every deployment with the same credential out on a bad key, and says so once', async () => {
    const a = dep('dep_a', 'm');
    const b = { ...dep('dep_b', 'm'), apiKey: a.apiKey };
    const c = dep('dep_c', 'm');
    const { health, router, events } = setup([a, b, c]);
    await router.reportFailure(a, failure(401));
    await router.reportFailure(a, failure(401));
    expect([...(await health.getCooldowns(['dep_a', 'dep_b', 'dep_c'])).keys()]).toEqual(['dep_a', 'dep_b']);
    expect(events).toEqual([
      expect.objectContaining({
        deploymentId: 'dep_a',
        transition: 'cooldown_started',
        kind: 'auth',
        credentialDeployments: ['dep_a', 'dep_b'],
      }),
    ]);
  });

  it('keeps the recent error rate, the EWMAs and the TPM window in the snapshot', async () => {
    const { health, router } = setup([dep('dep_a', 'm')]);
    const a = router.deployment('dep_a')!;
    await router.reportSuccess(a, 100, { ttftMs: 40 });
    await router.reportSuccess(a, 200, { ttftMs: 60 });
    await router.reportFailure(a, failure(500));
    const pick = await router.pick(['m'], new Set(), 1);
    await router.release(pick!.deployment ? pick!.lease : undefined, 120);
    const snap = (await health.snapshot(['dep_a'])).get('dep_a')!;
    expect(snap.recentErrorRate).toBeCloseTo(1 / 3);
    expect(snap.latencyEwmaMs).toBe(120);
    expect(snap.ttftEwmaMs).toBe(44);
    expect(snap).toMatchObject({ tpmUsed: 120, rpmUsed: 1, inFlight: 0, shared: false, consecutiveFailures: 1 });
  });
});
