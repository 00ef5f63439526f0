// What a deployment is: one provider endpoint + credential + upstream model, serving a public alias.
import type { Secret } from './secrets';

export const PROVIDER_KINDS = ['openai', 'deepseek', 'openai-compatible'] as const;
export type ProviderKind = (typeof PROVIDER_KINDS)[number];

/** Prices per million tokens as exact decimal strings (money is never a float). */
export interface PriceOverride {
  readonly inputPerMillion: string;
  readonly outputPerMillion: string;
  readonly cachedInputPerMillion?: string;
  readonly currency: string;
}

export interface Deployment {
  /** `dep_…`, unique across the pool; health and routing state are keyed by it. */
  readonly id: string;
  /** The public model alias callers ask for (`model` in `/v1/chat/completions`). */
  readonly model: string;
  readonly provider: ProviderKind;
  /** Without a trailing slash. */
  readonly baseUrl: string;
  readonly apiKey: Secret;
  /** The model name sent to the provider. */
  readonly upstreamModel: string;
  /** Share of the alias's traffic; 0 keeps the deployment configured but drained. */
  readonly weight: number;
  readonly rpm?: number;
  readonly tpm?: number;
  readonly timeoutMs?: number;
  readonly priceOverride?: PriceOverride;
  /** Where it came from, for the admin view: the config file or an env convenience variable. */
  readonly source: 'file' | 'env';
}

export interface ModelAlias {
  readonly name: string;
  /** In config order. */
  readonly deploymentIds: readonly string[];
  /** Aliases tried, in order, once every deployment of this one has failed. Not transitive. */
  readonly fallbacks: readonly string[];
}
