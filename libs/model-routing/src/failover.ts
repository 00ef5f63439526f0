// Runs one LLM call across a model's deployments (and its fallbacks) until one answers.
//
// Streaming contract: failover covers only what happens before the first byte reaches the client.
// For a streamed call, `attempt` must resolve once the provider has produced its first chunk (not
// merely headers); until then a failure moves on to the next deployment and the client sees
// nothing. Once `attempt` has resolved and the app has started writing to the client, this function
// is done and is never called again for that request: a stream that breaks later is reported with
// `router.reportFailure(deployment, classify(err))` and surfaces to the client as an explicit error
// event, because replaying half an answer from another deployment would duplicate or contradict it.
import { AllDeploymentsFailedError } from './all-deployments-failed.error';
import type { AttemptRecord } from './attempt-record';
import type { Deployment } from './deployment';
import { contextWindowOf } from './context-window';
import type { Lease } from './health.store';
import { classifyProviderError, clientStatusFor } from './error.classifier';
import type { ModelRouter, PickResult } from './model.router';
import type { ProviderFailure } from './provider-failure';
import { RetryBackoff } from './retry-backoff';
import { redactSecrets } from './secrets';

export interface FailoverOptions<T> {
  /** The alias the caller asked for. */
  readonly model: string;
  readonly router: ModelRouter;
  /** One call to one deployment. `attemptNo` starts at 1. */
  readonly attempt: (deployment: Deployment, attemptNo: number) => Promise<T>;
  /** Calls to providers, all deployments together. Waiting for a cooldown is not an attempt. */
  readonly maxAttempts?: number;
  readonly classify?: (err: unknown) => ProviderFailure;
  /** The caller's signal: once aborted nothing more is tried and nothing is held against a deployment. */
  readonly signal?: AbortSignal;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** In [0, 1), for jitter. */
  readonly random?: () => number;
  /** Total time spent waiting (cooldowns, retry backoff) before giving up. */
  readonly maxWaitMs?: number;
  /** The prompt's size in tokens, estimated: a context-window fallback only goes to larger windows than this. */
  readonly promptTokens?: number;
  /**
   * True: the successful attempt's in-flight count is left running and `release` in the result ends
   * it (a stream, which goes on after this returns). False (default): it ends with the attempt.
   */
  readonly keepInFlight?: boolean;
  /** A streamed call's `attempt` resolves at its first chunk: its time counts as TTFT, not latency. */
  readonly stream?: boolean;
}

export interface FailoverResult<T> {
  readonly value: T;
  readonly deployment: Deployment;
  /** The alias that answered: the requested model or one of its fallbacks. */
  readonly model: string;
  /** Every attempt, the successful one last. */
  readonly attempts: readonly AttemptRecord[];
  /**
   * Ends the call's in-flight count on its deployment, in this process and in the health store
   * (handing back `lease`, `tokens` into its TPM window). Idempotent; already done unless `keepInFlight`.
   */
  readonly release: (tokens?: number) => void;
  /** The in-flight slot the call holds in the health store on `deployment`. */
  readonly lease?: Lease;
}

export const FAILOVER_DEFAULTS = Object.freeze({
  maxAttempts: 3,
  maxWaitMs: 2_000,
  /** Ceiling of the first backoff (full jitter) before calling a deployment again in the same request; doubles after. */
  retryBaseMs: 100,
  /** Added at random to a cooldown wait, so replicas waiting on one deployment don't stampede it. */
  cooldownJitterMs: 100,
  /** Least wait counted against the budget, so a store that keeps answering "cooling" can't spin us. */
  minWaitMs: 10,
});

function abortError(signal: AbortSignal): unknown {
  return signal.reason ?? new Error('The operation was aborted');
}

export function defaultSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(abortError(signal));
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(signal ? abortError(signal) : new Error('aborted'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Picks a deployment of `model`, calls `attempt`, and on a failure that another deployment might
 * not have (classified `failover`), cools the deployment down as classified and moves on: every
 * untried deployment of the model, then of each fallback alias in order, then (attempts left)
 * deployments already tried that are not cooling down, after an exponential backoff with full
 * jitter that never ends before the provider's Retry-After. A prompt too long for a deployment
 * (`context_length`) moves on to a deployment of the chain with a larger known context window
 * (context-window.ts), and only to those from then on; with none, the error is rethrown. Any other
 * failure without `failover` (bad request, content filter) is rethrown at once, as is. When every
 * deployment is cooling down it waits for the first to come back if that fits in `maxWaitMs`.
 *
 * @throws UnknownModelError if `model` is not an alias.
 * @throws AllDeploymentsFailedError when attempts run out or every deployment stays cooling down.
 */
export async function runWithFailover<T>(opts: FailoverOptions<T>): Promise<FailoverResult<T>> {
  const { router, signal } = opts;
  const chain = router.chainOf(opts.model);
  const maxAttempts = Math.max(1, opts.maxAttempts ?? FAILOVER_DEFAULTS.maxAttempts);
  const maxWaitMs = opts.maxWaitMs ?? FAILOVER_DEFAULTS.maxWaitMs;
  const classify = opts.classify ?? ((err: unknown) => classifyProviderError(err, { now: router.now, policy: router.policy }));
  const sleep = opts.sleep ?? defaultSleep;
  const random = opts.random ?? Math.random;

  const attempts: AttemptRecord[] = [];
  const tried = new Set<string>();
  let lastFailure: ProviderFailure | undefined;
  let waitedMs = 0;
  let minContextWindow: number | undefined;
  // the pick that found a larger window after a context-length failure, used as it is
  let nextPick: PickResult | undefined;
  const backoff = new RetryBackoff({ baseMs: FAILOVER_DEFAULTS.retryBaseMs, retryAfterCapMs: router.policy.rateLimitMaxMs, random });

  const wait = async (ms: number): Promise<void> => {
    await sleep(ms, signal);
    waitedMs += Math.max(ms, FAILOVER_DEFAULTS.minWaitMs);
  };

  while (attempts.length < maxAttempts) {
    if (signal?.aborted) throw abortError(signal);
    const attemptNo = attempts.length + 1;
    const pick = nextPick ?? (await router.pick(chain, tried, attemptNo, { minContextWindow }));
    nextPick = undefined;
    if (!pick) break;

    if (!pick.deployment) {
      const remaining = Math.max(0, pick.earliest.untilMs - router.now());
      const delay = Math.max(remaining, FAILOVER_DEFAULTS.minWaitMs) + random() * FAILOVER_DEFAULTS.cooldownJitterMs;
      if (waitedMs + delay > maxWaitMs) {
        throw new AllDeploymentsFailedError({
          model: opts.model,
          attempts,
          lastFailure,
          kind: lastFailure?.kind ?? pick.earliest.reason,
          clientStatus: lastFailure?.clientStatus ?? clientStatusFor(pick.earliest.reason),
          retryAfterMs: Math.ceil(remaining),
        });
      }
      await wait(delay);
      continue;
    }

    if (pick.retry) {
      // Same deployment again in one request: back off, never before its Retry-After, within the budget.
      const delay = backoff.next(pick.deployment.id, router.now());
      if (waitedMs + delay > maxWaitMs) {
        await router.release(pick.lease);
        break;
      }
      if (delay > 0)
        await wait(delay).catch(async (err: unknown) => {
          await router.release(pick.lease);
          throw err;
        });
    }

    const { deployment, model } = pick;
    tried.add(deployment.id);
    const startedAtMs = router.now();
    const localRelease = router.acquire(deployment);
    let leaseHeld = true;
    const release = (tokens?: number): void => {
      localRelease();
      if (!leaseHeld) return;
      leaseHeld = false;
      void router.release(pick.lease, tokens);
    };
    try {
      const value = await opts.attempt(deployment, attemptNo);
      if (!opts.keepInFlight) release();
      const latencyMs = router.now() - startedAtMs;
      const reported = router.reportSuccess(
        deployment,
        latencyMs,
        opts.stream ? { ttftMs: latencyMs, latency: false } : { ttftMs: latencyMs },
      );
      // A half-open breaker's probe succeeded: the answer waits for the breaker to close, so that what
      // the caller sends next finds the deployment back in rotation. Any other success only moves
      // counters and averages (reportSuccess never throws): the answer does not wait a Redis round trip.
      if (pick.lease?.probe) await reported;
      attempts.push({
        attemptNo,
        model,
        deploymentId: deployment.id,
        provider: deployment.provider,
        startedAtMs,
        latencyMs,
        outcome: 'succeeded',
      });
      return { value, deployment, model, attempts, release, ...(pick.lease ? { lease: pick.lease } : {}) };
    } catch (err) {
      release();
      // The caller went away: not the deployment's fault, and nobody is waiting for another try.
      if (signal?.aborted) throw err;
      const classified = classify(err);
      const failure: ProviderFailure = classified.message
        ? { ...classified, message: redactSecrets(classified.message, [deployment.apiKey]) }
        : classified;
      if (failure.kind === 'context_length' && attempts.length + 1 < maxAttempts) {
        // a larger window may take it; the deployments at this size or smaller would refuse it too
        const larger = Math.max(minContextWindow ?? 0, contextWindowOf(deployment) ?? 0, opts.promptTokens ?? 0);
        const next = await router.pick(chain, tried, attemptNo + 1, { minContextWindow: larger });
        if (!next || !next.deployment || next.retry) {
          if (next?.deployment) await router.release(next.lease);
          throw err;
        }
        minContextWindow = larger;
        nextPick = next;
        attempts.push(failedAttempt(attemptNo, model, deployment, startedAtMs, router.now(), failure, 0));
        continue;
      }
      if (!failure.failover) throw err;
      lastFailure = failure;
      backoff.failed(deployment.id, router.now(), failure.retryAfterMs);
      const cooldownMs = await router.reportFailure(deployment, failure);
      attempts.push(failedAttempt(attemptNo, model, deployment, startedAtMs, router.now(), failure, cooldownMs));
    }
  }

  // The caller may retry once the first cooldown ends, if everything is cooling; otherwise whenever
  // the provider said, if it said.
  const cooling = await router.allCoolingUntil(chain);
  const kind = lastFailure?.kind ?? cooling?.reason ?? 'unknown';
  throw new AllDeploymentsFailedError({
    model: opts.model,
    attempts,
    lastFailure,
    kind,
    clientStatus: lastFailure?.clientStatus ?? clientStatusFor(kind),
    retryAfterMs: cooling ? Math.max(0, Math.ceil(cooling.untilMs - router.now())) : lastFailure?.retryAfterMs,
  });
}

function failedAttempt(
  attemptNo: number,
  model: string,
  deployment: Deployment,
  startedAtMs: number,
  nowMs: number,
  failure: ProviderFailure,
  cooldownMs: number,
): AttemptRecord {
  return {
    attemptNo,
    model,
    deploymentId: deployment.id,
    provider: deployment.provider,
    startedAtMs,
    latencyMs: nowMs - startedAtMs,
    outcome: 'failed',
    failure,
    cooldownMs,
  };
}
