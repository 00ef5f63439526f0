import { AllDeploymentsFailedError } from './all-deployments-failed.error';
import type { Deployment, ModelAlias } from './deployment';
import { classifyProviderError } from './error.classifier';
import { runWithFailover } from './failover';
import { InMemoryHealthStore, type HealthStore } from './health.store';
import { ModelRouter } from './model.router';
import { dep, ManualClock } from './testing/fixtures';
import { UnknownModelError } from './unknown-model.error';

type Outcome = 'ok' | { status?: number; code?: string; headers?: Record<string, string>; message?: string };

/** A pool of deployments whose answers are scripted per deployment id, in call order. */
function setup(
  deployments: Deployment[],
  script: Record<string, Outcome[]>,
  options: {
    fallbacks?: Record<string, string[]>;
    health?: HealthStore;
    onStoreError?: (err: unknown) => void;
    random?: () => number;
  } = {},
) {
  const clock = new ManualClock();
  const health = options.health ?? new InMemoryHealthStore({ clock: clock.now });
  const names = [...new Set(deployments.map((d) => d.model))];
  const models: ModelAlias[] = names.map((name) => ({
    name,
    deploymentIds: deployments.filter((d) => d.model === name).map((d) => d.id),
    fallbacks: options.fallbacks?.[name] ?? [],
  }));
  const router = new ModelRouter({ deployments, models, health, clock: clock.now, onStoreError: options.onStoreError });
  const calls: string[] = [];
  const sleeps: number[] = [];
  const attempt = async (d: Deployment, attemptNo: number): Promise<string> => {
    calls.push(d.id);
    clock.advance(50); // every provider call takes 50 ms
    const outcome = script[d.id]?.shift() ?? 'ok';
    if (outcome === 'ok') return `answer from ${d.id} on attempt ${attemptNo}`;
    throw Object.assign(new Error(outcome.message ?? `status ${outcome.status}`), outcome);
  };
  const run = (model: string, extra: { maxAttempts?: number; signal?: AbortSignal; promptTokens?: number; maxWaitMs?: number } = {}) =>
    runWithFailover({
      model,
      router,
      attempt,
      sleep: async (ms) => {
        sleeps.push(ms);
        clock.advance(ms);
      },
      random: options.random ?? (() => 0.5),
      ...extra,
    });
  return { clock, health, router, calls, sleeps, run };
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (err) {
    return err;
  }
  throw new Error('expected a failure');
}

describe('runWithFailover', () => {
  it('answers from the first deployment when it works', async () => {
    const { run, calls } = setup([dep('dep_a', 'm')], {});
    const result = await run('m');
    expect(result.value).toBe('answer from dep_a on attempt 1');
    expect(result.model).toBe('m');
    expect(calls).toEqual(['dep_a']);
    expect(result.attempts).toEqual([
      expect.objectContaining({ attemptNo: 1, deploymentId: 'dep_a', outcome: 'succeeded', latencyMs: 50 }),
    ]);
  });

  it('moves to the second deployment after a 429, and the first cools down for Retry-After', async () => {
    const { run, calls, health, clock } = setup([dep('dep_a', 'm'), dep('dep_b', 'm')], {
      dep_a: [{ status: 429, headers: { 'retry-after': '20' } }],
    });
    const result = await run('m');
    expect(calls).toEqual(['dep_a', 'dep_b']);
    expect(result.deployment.id).toBe('dep_b');
    expect(result.value).toBe('answer from dep_b on attempt 2');
    expect(result.attempts[0]).toMatchObject({
      deploymentId: 'dep_a',
      outcome: 'failed',
      cooldownMs: 20_000,
      failure: { kind: 'rate_limited', retryAfterMs: 20_000 },
    });

    const failedAt = result.attempts[0]!.startedAtMs + result.attempts[0]!.latencyMs;
    expect((await health.getCooldowns(['dep_a'])).get('dep_a')).toEqual({ untilMs: failedAt + 20_000, reason: 'rate_limited' });

    // While dep_a cools down, every call goes to dep_b; once it is over, dep_a is back.
    calls.length = 0;
    for (let i = 0; i < 4; i++) await run('m');
    expect(calls).toEqual(['dep_b', 'dep_b', 'dep_b', 'dep_b']);
    clock.advance(20_000);
    calls.length = 0;
    for (let i = 0; i < 4; i++) await run('m');
    expect(calls).toContain('dep_a');
  });

  it('throws a bad request at once, as is, without retrying or cooling anything down', async () => {
    const { run, calls, health } = setup([dep('dep_a', 'm'), dep('dep_b', 'm')], {
      dep_a: [{ status: 400, message: 'Invalid request body' }],
    });
    const err = await failureOf(run('m'));
    expect(err).toBeInstanceOf(Error);
    expect(err).toMatchObject({ status: 400, message: 'Invalid request body' });
    expect(calls).toEqual(['dep_a']);
    expect((await health.getCooldowns(['dep_a', 'dep_b'])).size).toBe(0);
    expect((health as InMemoryHealthStore).stats('dep_a').consecutiveFailures).toBe(0);
  });

  it('does not retry an over-long prompt on other deployments either', async () => {
    const { run, calls } = setup([dep('dep_a', 'm'), dep('dep_b', 'm')], {
      dep_a: [{ status: 400, code: 'context_length_exceeded' }],
    });
    await expect(run('m')).rejects.toMatchObject({ code: 'context_length_exceeded' });
    expect(calls).toEqual(['dep_a']);
  });

  it('uses the fallback alias once every primary deployment has failed', async () => {
    const { run, calls } = setup(
      [dep('dep_a', 'big'), dep('dep_b', 'big'), dep('dep_s', 'small')],
      { dep_a: [{ status: 500 }], dep_b: [{ status: 503 }] },
      { fallbacks: { big: ['small'] } },
    );
    const result = await run('big');
    expect(calls).toEqual(['dep_a', 'dep_b', 'dep_s']);
    expect(result.model).toBe('small');
    expect(result.deployment.id).toBe('dep_s');
    expect(result.attempts.map((a) => [a.model, a.deploymentId, a.outcome])).toEqual([
      ['big', 'dep_a', 'failed'],
      ['big', 'dep_b', 'failed'],
      ['small', 'dep_s', 'succeeded'],
    ]);
  });

  it('tries fallbacks in order', async () => {
    const { run, calls } = setup(
      [dep('dep_a', 'big'), dep('dep_x', 'first'), dep('dep_y', 'second')],
      { dep_a: [{ status: 500 }], dep_x: [{ status: 401 }] },
      { fallbacks: { big: ['first', 'second'] } },
    );
    expect((await run('big')).model).toBe('second');
    expect(calls).toEqual(['dep_a', 'dep_x', 'dep_y']);
  });

  it('throws AllDeploymentsFailedError with the status for the caller and when to come back', async () => {
    const { run, calls } = setup([dep('dep_a', 'm'), dep('dep_b', 'm')], {
      dep_a: [{ status: 429, headers: { 'retry-after': '30' } }],
      dep_b: [{ status: 429, headers: { 'retry-after': '10' } }],
    });
    const err = await failureOf(run('m'));
    expect(err).toBeInstanceOf(AllDeploymentsFailedError);
    const failed = err as AllDeploymentsFailedError;
    expect(calls).toEqual(['dep_a', 'dep_b']);
    expect(failed).toMatchObject({ code: 'all_deployments_failed', model: 'm', kind: 'rate_limited', clientStatus: 429 });
    expect(failed.lastFailure).toMatchObject({ kind: 'rate_limited', retryAfterMs: 10_000 });
    expect(failed.attempts).toHaveLength(2);
    // dep_b's cooldown (10 s, from 100 ms in) ends first; the 2 s wait budget is not enough for it.
    expect(failed.retryAfterMs).toBe(10_000);
  });

  it("answers 502 when the pool's own keys are bad, never a 401 the caller would blame on their key", async () => {
    const { run } = setup([dep('dep_a', 'm')], { dep_a: [{ status: 401 }] });
    await expect(run('m')).rejects.toMatchObject({ kind: 'auth', clientStatus: 502 });
  });

  it('waits for the first cooldown to end when it ends soon, rather than failing', async () => {
    const { run, calls, sleeps, health, clock } = setup([dep('dep_a', 'm'), dep('dep_b', 'm')], {});
    await health.cooldown('dep_a', clock.nowMs + 1_500, 'rate_limited');
    await health.cooldown('dep_b', clock.nowMs + 800, 'rate_limited');
    const result = await run('m');
    expect(sleeps).toEqual([800 + 50]); // the remaining cooldown plus jitter (random 0.5 × 100 ms)
    expect(calls).toEqual(['dep_b']);
    expect(result.attempts).toHaveLength(1);
  });

  it('fails at once, without an attempt, when every cooldown outlasts the wait budget', async () => {
    const { run, calls, sleeps, health, clock } = setup([dep('dep_a', 'm')], {});
    await health.cooldown('dep_a', clock.nowMs + 300_000, 'auth');
    const err = (await failureOf(run('m'))) as AllDeploymentsFailedError;
    expect(err).toBeInstanceOf(AllDeploymentsFailedError);
    expect(err).toMatchObject({ kind: 'auth', clientStatus: 502, retryAfterMs: 300_000, attempts: [] });
    expect(err.lastFailure).toBeUndefined();
    expect(calls).toEqual([]);
    expect(sleeps).toEqual([]);
  });

  it('retries a lone deployment after a transient error, with a backoff', async () => {
    const { run, calls, sleeps } = setup([dep('dep_a', 'm')], { dep_a: [{ status: 500 }] });
    const result = await run('m');
    expect(calls).toEqual(['dep_a', 'dep_a']);
    expect(sleeps).toEqual([50]); // full jitter: 100 ms × 0.5
    expect(result.value).toBe('answer from dep_a on attempt 2');
  });

  it('stops after maxAttempts, and a streak of three 5xx cools the deployment down', async () => {
    const { run, calls, health } = setup([dep('dep_a', 'm')], {
      dep_a: [{ status: 500 }, { status: 502 }, { status: 500 }, { status: 500 }],
    });
    const err = (await failureOf(run('m'))) as AllDeploymentsFailedError;
    expect(calls).toHaveLength(3);
    expect(err).toMatchObject({ kind: 'server_error', clientStatus: 502 });
    expect(err.attempts.map((a) => a.cooldownMs)).toEqual([0, 0, 10_000]);
    expect((await health.getCooldowns(['dep_a'])).get('dep_a')!.reason).toBe('server_error');
    expect(err.retryAfterMs).toBe(10_000);
  });

  it('honours maxAttempts', async () => {
    const { run, calls } = setup([dep('dep_a', 'm'), dep('dep_b', 'm'), dep('dep_c', 'm')], {
      dep_a: [{ status: 500 }],
      dep_b: [{ status: 500 }],
    });
    await expect(run('m', { maxAttempts: 2 })).rejects.toBeInstanceOf(AllDeploymentsFailedError);
    expect(calls).toEqual(['dep_a', 'dep_b']);
  });

  it('throws UnknownModelError for a model that is not an alias', async () => {
    const { run } = setup([dep('dep_a', 'm')], {});
    await expect(run('gpt-5')).rejects.toBeInstanceOf(UnknownModelError);
    await expect(run('gpt-5')).rejects.toMatchObject({ code: 'model_not_found', clientStatus: 404 });
  });

  it('stops when the caller aborts, and does not hold it against the deployment', async () => {
    const { router, health } = setup([dep('dep_a', 'm'), dep('dep_b', 'm')], {});
    const controller = new AbortController();
    const calls: string[] = [];
    const err = await failureOf(
      runWithFailover({
        model: 'm',
        router,
        signal: controller.signal,
        attempt: async (d) => {
          calls.push(d.id);
          controller.abort();
          throw Object.assign(new Error('Request was aborted.'), { name: 'AbortError' });
        },
      }),
    );
    expect(err).toMatchObject({ message: 'Request was aborted.' });
    expect(calls).toEqual(['dep_a']);
    expect((health as InMemoryHealthStore).stats('dep_a').consecutiveFailures).toBe(0);
  });

  it("keeps the deployment's key out of recorded failure messages", async () => {
    const a = dep('dep_a', 'm');
    const { run } = setup([a], { dep_a: [{ status: 401, message: `bad key ${a.apiKey.reveal()}` }] });
    const err = (await failureOf(run('m'))) as AllDeploymentsFailedError;
    expect(err.lastFailure!.message).toBe('bad key [redacted]');
    expect(JSON.stringify(err)).not.toContain(a.apiKey.reveal());
  });

  it("answers without waiting for the success to be recorded, except a half-open breaker's probe, which waits for it to close", async () => {
    const clock = new ManualClock();
    let opened = (): void => undefined;
    const gate = new Promise<void>((resolve) => (opened = resolve));
    // a store whose successes take as long as the test says (a slow Redis)
    class SlowSuccesses extends InMemoryHealthStore {
      override async applySuccess(...args: Parameters<InMemoryHealthStore['applySuccess']>) {
        await gate;
        return super.applySuccess(...args);
      }
    }
    const health = new SlowSuccesses({ clock: clock.now });
    const router = new ModelRouter({
      deployments: [dep('dep_a', 'm')],
      models: [{ name: 'm', deploymentIds: ['dep_a'], fallbacks: [] }],
      health,
      clock: clock.now,
    });
    const run = () => runWithFailover({ model: 'm', router, attempt: async () => 'ok', sleep: async () => undefined, random: () => 0.5 });
    const settled = (p: Promise<unknown>) => Promise.race([p.then(() => true), new Promise((r) => setTimeout(() => r(false), 20))]);

    // closed: the answer does not wait
    expect(await settled(run())).toBe(true);

    // open the breaker, let its open period pass: the next call is the probe, and its answer waits
    for (let i = 0; i < 3; i++) await router.reportFailure(dep('dep_a', 'm'), classifyProviderError({ status: 500, headers: {} }));
    clock.advance(60_000);
    const probe = run();
    expect(await settled(probe)).toBe(false);
    opened();
    expect((await probe).value).toBe('ok');
    expect((await health.snapshot(['dep_a'])).get('dep_a')).toMatchObject({ breaker: 'closed' });
  });

  it('carries on as if all were healthy when the health store is down', async () => {
    const broken: HealthStore = {
      getCooldowns: () => Promise.reject(new Error('redis down')),
      cooldown: () => Promise.reject(new Error('redis down')),
      recordSuccess: () => Promise.reject(new Error('redis down')),
      applyFailure: () => Promise.reject(new Error('redis down')),
      applySuccess: () => Promise.reject(new Error('redis down')),
      acquire: () => Promise.reject(new Error('redis down')),
      release: () => Promise.reject(new Error('redis down')),
      snapshot: () => Promise.reject(new Error('redis down')),
    };
    const storeErrors: unknown[] = [];
    const { run, calls } = setup(
      [dep('dep_a', 'm'), dep('dep_b', 'm')],
      { dep_a: [{ status: 429 }] },
      {
        health: broken,
        onStoreError: (err) => storeErrors.push(err),
      },
    );
    expect((await run('m')).deployment.id).toBe('dep_b');
    expect(calls).toEqual(['dep_a', 'dep_b']);
    expect(storeErrors.length).toBeGreaterThan(0);
  });
});

describe('ModelRouter', () => {
  it('lists aliases for /v1/models and follows fallbacks one level only', () => {
    const deployments = [dep('dep_a', 'a'), dep('dep_b', 'b')];
    const router = new ModelRouter({
      deployments,
      models: [
        { name: 'a', deploymentIds: ['dep_a'], fallbacks: ['b'] },
        { name: 'b', deploymentIds: ['dep_b'], fallbacks: ['a'] },
      ],
      health: new InMemoryHealthStore(),
    });
    expect(router.models().map((m) => m.name)).toEqual(['a', 'b']);
    expect(router.chainOf('a')).toEqual(['a', 'b']);
    expect(() => router.chainOf('zzz')).toThrow(UnknownModelError);
  });
});
