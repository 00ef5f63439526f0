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
  /** Tokens the model takes in (prompt + completion); absent: the known limit of `upstreamModel`, if any (context-window.ts). */
  readonly contextWindow?: number;
  readonly priceOverride?: PriceOverride;
  /** Most calls in flight at once on this deployment (DeepSeek limits concurrency per account). */
  readonly maxConcurrency?: number;
  /** Taken out of rotation by an operator (`drain`); its weight and state are kept for `enable`. */
  readonly drained?: boolean;
  /** The tenant that owns it; absent or null: shared, defined by the platform (boot config or a platform admin). */
  readonly tenantId?: string | null;
  /** `cred_…` when the API key is a stored credential (admin API), so rotation and state can name it. */
  readonly credentialId?: string;
  /** Provider-specific base URL for requests with strict tool schemas (DeepSeek's beta endpoint). */
  readonly strictToolsBaseUrl?: string;
  /** Where it came from, for the admin view: the config file, an env convenience variable, or the admin API. */
  readonly source: 'file' | 'env' | 'admin';
}

/** How an alias chooses among its healthy deployments. */
export const ROUTING_STRATEGY_NAMES = ['weighted', 'least-in-flight', 'latency', 'usage', 'cost'] as const;
export type RoutingStrategyName = (typeof ROUTING_STRATEGY_NAMES)[number];

export interface ModelAlias {
  readonly name: string;
  /** In config order. */
  readonly deploymentIds: readonly string[];
  /** Aliases tried, in order, once every deployment of this one has failed. Not transitive. */
  readonly fallbacks: readonly string[];
  /** Absent: `weighted` (smooth weighted round robin). */
  readonly strategy?: RoutingStrategyName;
  /** A stream whose first content token has not come by then fails over (keep-alive lines do not count). */
  readonly ttftTimeoutMs?: number;
  /** A stream that sends nothing for this long after its first token ends with an error event. */
  readonly stallTimeoutMs?: number;
  /** The tenant that owns it; absent or null: shared. A tenant's alias shadows a shared one of the same name. */
  readonly tenantId?: string | null;
}
