import type { ProviderKind } from './deployment';
import type { ProviderFailure } from './provider-failure';

/** One call to one deployment within a routed request, for logs, spans and the usage event. */
export interface AttemptRecord {
  readonly attemptNo: number;
  /** The alias served: the requested model, or a fallback alias. */
  readonly model: string;
  readonly deploymentId: string;
  readonly provider: ProviderKind;
  readonly startedAtMs: number;
  readonly latencyMs: number;
  readonly outcome: 'succeeded' | 'failed';
  readonly failure?: ProviderFailure;
  /** The cooldown this failure put on the deployment; 0 when it only lengthened the streak. */
  readonly cooldownMs?: number;
}
