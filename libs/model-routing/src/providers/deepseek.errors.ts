// DeepSeek's error codes, each as it means: the failure kind (what the pool does about it) and the
// status the caller is answered with when every attempt ended that way.
import type { FailureKind } from '../provider-failure';

export interface ProviderErrorMeaning {
  /** DeepSeek's name for the code. */
  readonly meaning: string;
  readonly kind: FailureKind;
  /** Overrides the kind's client status (DeepSeek's 422 is a 400 to an OpenAI client). */
  readonly clientStatus?: number;
}

export const DEEPSEEK_ERROR_CODES: Readonly<Record<number, ProviderErrorMeaning>> = Object.freeze({
  // the body is malformed: the caller's to fix (an over-long prompt is a 400 too, told apart by its message)
  400: { meaning: 'Invalid Format', kind: 'bad_request' },
  // our deployment's key: out of rotation for long, never a 401 to the caller
  401: { meaning: 'Authentication Fails', kind: 'auth' },
  // the account ran dry: out of rotation for long, loudly
  402: { meaning: 'Insufficient Balance', kind: 'insufficient_balance' },
  422: { meaning: 'Invalid Parameters', kind: 'bad_request', clientStatus: 400 },
  // requests per minute or the account's concurrency (2,500 Flash, 500 Pro calls in flight)
  429: { meaning: 'Rate Limit Reached', kind: 'rate_limited' },
  500: { meaning: 'Server Error', kind: 'server_error' },
  503: { meaning: 'Server Overloaded', kind: 'overloaded' },
});

/** The row for a DeepSeek status, if DeepSeek documents it. */
export function deepseekErrorMeaning(status: number | undefined): ProviderErrorMeaning | undefined {
  return status !== undefined && Object.hasOwn(DEEPSEEK_ERROR_CODES, status) ? DEEPSEEK_ERROR_CODES[status] : undefined;
}
