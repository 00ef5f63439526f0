// One pool call across deployments, for every endpoint model-pool serves (chat, embeddings): the
// failover loop with its classification, and the single mapping of what it throws to the API error
// the caller sees.
import {
  AllDeploymentsFailedError,
  UnknownModelError,
  classifyProviderError,
  isAliasVisibleTo,
  redactKeyPatterns,
  runWithFailover,
  type Deployment,
  type FailoverOptions,
  type ModelRouter,
  type ProviderFailure,
} from '@shoal/model-routing';
import { ApiError } from '@shoal/platform';
import { BlankJsonAnswerError } from './blank-json-answer';
import { MeteringUnavailableError } from './usage.emitter';

/**
 * Refuses, as an unknown model, an alias the caller's tenant may not call (another tenant's): the
 * same answer as for a name that does not exist, so tenants learn nothing of each other's aliases.
 */
export function assertModelVisible(router: ModelRouter, tenantId: string, model: string): void {
  const alias = router.alias(model);
  if (alias && !isAliasVisibleTo(alias, tenantId)) throw poolApiError(new UnknownModelError(model), model);
}

/** Runs `attempt` on the alias's deployments until one answers; throws what the caller should see. */
export async function routePoolCall<T>(
  router: ModelRouter,
  maxAttempts: number,
  model: string,
  signal: AbortSignal,
  attempt: (d: Deployment, attemptNo: number) => Promise<T>,
  options: Pick<FailoverOptions<T>, 'keepInFlight' | 'promptTokens' | 'stream'> = {},
): Promise<{ value: T; deployment: Deployment; release: (tokens?: number) => void }> {
  try {
    return await runWithFailover({
      model,
      router,
      attempt,
      signal,
      maxAttempts,
      ...options,
      classify: (err) => classifyPoolError(router, err),
    });
  } catch (err) {
    throw poolApiError(err, model);
  }
}

function classifyPoolError(router: ModelRouter, err: unknown): ProviderFailure {
  // the usage log unreachable is no deployment's fault: no failover, no cooldown, the 503 goes up as it is
  if (err instanceof MeteringUnavailableError) return { kind: 'unknown', failover: false, cooldownMs: 0, clientStatus: 503 };
  // the same prompt would likely come back blank elsewhere too; the deployment is not at fault
  if (err instanceof BlankJsonAnswerError) return { kind: 'unknown', failover: false, cooldownMs: 0, clientStatus: 502 };
  return classifyProviderError(err, { now: router.now, policy: router.policy });
}

/** What a failed pool call throws to its caller: the platform's API errors, in OpenAI's terms at the edge. */
export function poolApiError(err: unknown, model: string): unknown {
  if (err instanceof UnknownModelError)
    return new ApiError('model_not_found', `The model '${model}' does not exist or is not configured in the pool`, { param: 'model' });
  if (err instanceof AllDeploymentsFailedError) {
    const retryAfterSeconds = err.retryAfterMs === undefined ? undefined : Math.max(1, Math.ceil(err.retryAfterMs / 1000));
    const code =
      err.clientStatus === 429
        ? 'rate_limited'
        : err.clientStatus === 503
          ? 'upstream_unavailable'
          : err.clientStatus === 504
            ? 'timeout'
            : 'upstream_error';
    return new ApiError(code, err.message, { status: err.clientStatus, retryAfterSeconds });
  }
  // by name, not instanceof Error: an aborted signal's reason is a DOMException, of another realm under a test runner
  if ((err as { name?: unknown } | null)?.name === 'AbortError') return err;
  if (err instanceof MeteringUnavailableError) return err;
  if (err instanceof BlankJsonAnswerError) return new ApiError('upstream_error', err.message, { status: 502 });
  // not worth failing over (the request itself is at fault): the provider's status and message, minus anything key-like
  const failure = classifyProviderError(err);
  const message = redactKeyPatterns(failure.message ?? 'The provider rejected the request');
  return new ApiError(failure.clientStatus >= 500 ? 'upstream_error' : 'invalid_request', message, {
    status: failure.clientStatus,
    ...(failure.param ? { param: failure.param } : {}),
  });
}
