import type { AttemptRecord } from './attempt-record';
import type { FailureKind, ProviderFailure } from './provider-failure';

export interface AllDeploymentsFailedDetails {
  readonly model: string;
  readonly attempts: readonly AttemptRecord[];
  /** Undefined when no attempt was made because every deployment was cooling down. */
  readonly lastFailure?: ProviderFailure;
  /** The last failure's kind, or the reason of the cooldown that blocked every deployment. */
  readonly kind: FailureKind;
  readonly clientStatus: number;
  /** When the caller may try again (the earliest cooldown's end), for a Retry-After header. */
  readonly retryAfterMs?: number;
}

/**
 * Every deployment the call could use (the model's, then its fallbacks') failed or is cooling down.
 * Carries only classified, redacted data: never the provider's raw error or a key.
 */
export class AllDeploymentsFailedError extends Error implements AllDeploymentsFailedDetails {
  readonly code = 'all_deployments_failed' as const;
  readonly model: string;
  readonly attempts: readonly AttemptRecord[];
  readonly lastFailure?: ProviderFailure;
  readonly kind: FailureKind;
  readonly clientStatus: number;
  readonly retryAfterMs?: number;

  constructor(details: AllDeploymentsFailedDetails) {
    const tried = details.attempts.length;
    super(
      tried === 0
        ? `Every deployment of model "${details.model}" is cooling down (${details.kind})`
        : `All deployments of model "${details.model}" failed after ${tried} attempt${tried === 1 ? '' : 's'} (last: ${details.kind})`,
    );
    this.name = 'AllDeploymentsFailedError';
    this.model = details.model;
    this.attempts = details.attempts;
    this.lastFailure = details.lastFailure;
    this.kind = details.kind;
    this.clientStatus = details.clientStatus;
    this.retryAfterMs = details.retryAfterMs;
  }
}
