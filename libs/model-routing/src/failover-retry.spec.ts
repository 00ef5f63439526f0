import { AllDeploymentsFailedError } from './all-deployments-failed.error';
import type { Deployment, ModelAlias } from './deployment';
import { runWithFailover } from './failover';
import type { FailureOutcome } from './deployment-health';
import { InMemoryHealthStore, type HealthStore } from './health.store';
import { ModelRouter } from './model.router';
import { dep, ManualClock } from './testing/fixtures';

type Outcome = 'ok' | { status: number; headers?: Record<string, string>; message?: string; code?: string };

function setup(aliases: ModelAlias[], deployments: Deployment[], script: Record<string, Outcome[]>, health?: HealthStore) {
  const clock = new ManualClock();
  const router = new ModelRouter({
    deployments,
    models: aliases,
    health: health ?? new InMemoryHealthStore({ clock: clock.now }),
    clock: clock.now,
  });
  const calls: string[] = [];
  const sleeps: number[] = [];
  const run = (model: string, random = () => 0.5, extra: { promptTokens?: number; maxAttempts?: number } = {}) =>
    runWithFailover({
      model,
      router,
      random,
      ...extra,
      attempt: async (d) => {
        calls.push(d.id);
        clock.advance(10);
        const outcome = script[d.id]?.shift() ?? 'ok';
        if (outcome === 'ok') return d.id;
        throw Object.assign(new Error(outcome.message ?? `status ${outcome.status}`), outcome);
      },
      sleep: async (ms) => {
        sleeps.push(ms);
        clock.advance(ms);
      },
    });
  return { router, calls, sleeps, run, clock };
}

const tooLong = { status: 400, code: 'context_length_exceeded', message: "This model's maximum context length is 8192 tokens" };

/** A store that forgets every cooldown (a replica whose shared store lost a write). */
class ForgetfulStore extends InMemoryHealthStore {
  override async applyFailure(): Promise<FailureOutcome> {
    return { cooldownMs: 0, streak: 1 };
  }
}

describe('runWithFailover: retries', () => {
  it('backs off with full jitter: anywhere from 0 to base·2ⁿ, doubling per retry', async () => {
    for (const r of [0.1, 0.5, 0.999]) {
      const { run, sleeps } = setup([{ name: 'm', deploymentIds: ['dep_a'], fallbacks: [] }], [dep('dep_a', 'm')], {
        dep_a: [{ status: 500 }, { status: 500 }],
      });
      await run('m', () => r);
      expect(sleeps).toEqual([100 * r, 200 * r]);
    }
  });

  it('never calls a deployment again before its Retry-After, even when the health store forgot the cooldown', async () => {
    const { run, sleeps, calls } = setup(
      [{ name: 'm', deploymentIds: ['dep_a'], fallbacks: [] }],
      [dep('dep_a', 'm')],
      { dep_a: [{ status: 429, headers: { 'retry-after': '1' } }] },
      new ForgetfulStore(),
    );
    expect((await run('m')).value).toBe('dep_a');
    expect(calls).toEqual(['dep_a', 'dep_a']);
    expect(sleeps.length).toBe(1);
    expect(sleeps[0]).toBeGreaterThanOrEqual(1000);
  });

  it('gives up rather than wait past its budget for a long Retry-After', async () => {
    const { run, calls } = setup(
      [{ name: 'm', deploymentIds: ['dep_a'], fallbacks: [] }],
      [dep('dep_a', 'm')],
      { dep_a: [{ status: 429, headers: { 'retry-after': '30' } }] },
      new ForgetfulStore(),
    );
    const err = await run('m').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AllDeploymentsFailedError);
    expect(err).toMatchObject({ kind: 'rate_limited', clientStatus: 429 });
    expect(calls).toEqual(['dep_a']);
  });
});

describe('runWithFailover: context-window fallback', () => {
  const small = { ...dep('dep_small', 'small'), contextWindow: 8_192 };
  const small2 = { ...dep('dep_small2', 'small'), contextWindow: 8_192 };
  const big = { ...dep('dep_big', 'big'), contextWindow: 128_000 };
  const aliases: ModelAlias[] = [
    { name: 'small', deploymentIds: ['dep_small', 'dep_small2'], fallbacks: ['big'] },
    { name: 'big', deploymentIds: ['dep_big'], fallbacks: [] },
  ];

  it('moves a prompt too long for one deployment to a larger window, skipping those of the same size', async () => {
    const { run, calls } = setup(aliases, [small, small2, big], { dep_small: [tooLong] });
    const result = await run('small');
    expect(calls).toEqual(['dep_small', 'dep_big']);
    expect(result).toMatchObject({ value: 'dep_big', model: 'big' });
    expect(result.attempts[0]).toMatchObject({ outcome: 'failed', failure: { kind: 'context_length' } });
  });

  it('takes a known model limit when the deployment sets none', async () => {
    const known = { ...dep('dep_known', 'big'), upstreamModel: 'gpt-4.1' };
    const { run, calls } = setup(
      [
        { name: 'small', deploymentIds: ['dep_small'], fallbacks: ['big'] },
        { name: 'big', deploymentIds: ['dep_known'], fallbacks: [] },
      ],
      [small, known],
      { dep_small: [tooLong] },
    );
    expect((await run('small')).value).toBe('dep_known');
    expect(calls).toEqual(['dep_small', 'dep_known']);
  });

  it("answers the provider's 400 when no larger window is known (never a retry elsewhere)", async () => {
    const { run, calls } = setup([{ name: 'small', deploymentIds: ['dep_small', 'dep_small2'], fallbacks: [] }], [small, small2], {
      dep_small: [tooLong],
    });
    const err = await run('small').catch((e: unknown) => e);
    expect(err).toMatchObject({ status: 400, code: 'context_length_exceeded' });
    expect(calls).toEqual(['dep_small']);
  });

  it("answers the provider's 400 when no attempt is left for a larger window", async () => {
    const { run, calls } = setup(aliases, [small, small2, big], { dep_small: [tooLong] });
    await expect(run('small', () => 0.5, { maxAttempts: 1 })).rejects.toMatchObject({ status: 400, code: 'context_length_exceeded' });
    expect(calls).toEqual(['dep_small']);
  });

  it('skips windows smaller than the estimated prompt', async () => {
    const mid = { ...dep('dep_mid', 'big'), contextWindow: 16_000 };
    const { run, calls } = setup(
      [
        { name: 'small', deploymentIds: ['dep_small'], fallbacks: ['big'] },
        { name: 'big', deploymentIds: ['dep_mid', 'dep_big'], fallbacks: [] },
      ],
      [small, mid, big],
      { dep_small: [tooLong] },
    );
    expect((await run('small', () => 0.5, { promptTokens: 50_000 })).value).toBe('dep_big');
    expect(calls).toEqual(['dep_small', 'dep_big']);
  });

  it('a plain bad request is never retried elsewhere', async () => {
    const { run, calls } = setup(aliases, [small, small2, big], { dep_small: [{ status: 400, message: 'messages[0].role is invalid' }] });
    await expect(run('small')).rejects.toMatchObject({ status: 400 });
    expect(calls).toEqual(['dep_small']);
  });
});
