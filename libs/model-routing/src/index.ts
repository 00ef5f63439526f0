// @shoal/model-routing: which deployment serves an LLM call, and what to do when it fails.
// Plain TypeScript; the model-pool app does the I/O.
export {
  PROVIDER_KINDS,
  ROUTING_STRATEGY_NAMES,
  type Deployment,
  type ModelAlias,
  type PriceOverride,
  type ProviderKind,
  type RoutingStrategyName,
} from './deployment';
export { loadDeploymentConfig, type DeploymentConfig, type DeploymentConfigInput } from './deployment.config';
export { DeploymentConfigError, type ConfigIssue } from './deployment-config.error';
export { Secret, redactSecrets, redactKeyPatterns } from './secrets';
export type { RoutingContext, RoutingStrategy } from './routing.strategy';
export { WeightedStrategy } from './weighted.strategy';
export { LeastInFlightStrategy } from './least-in-flight.strategy';
export { LatencyStrategy, type LatencyStrategyOptions } from './latency.strategy';
export { UsageStrategy, headroom, type UsageStrategyOptions } from './usage.strategy';
export { CostStrategy, overridePrice, type PriceLookup } from './cost.strategy';
export { createStrategies, type StrategyOptions } from './routing-strategies';
export { LocalLoad, mergeLoad, IDLE, type LiveLoad } from './live-load';
export { KNOWN_CONTEXT_WINDOWS, contextWindowOf } from './context-window';
export { RetryBackoff, type RetryBackoffOptions } from './retry-backoff';
export {
  InMemoryHealthStore,
  type Clock,
  type Cooldown,
  type DeploymentStats,
  type BreakerState,
  type HealthSnapshot,
  type HealthStore,
  type InMemoryHealthStoreOptions,
  type AcquireLimits,
  type AcquireResult,
  type Lease,
} from './health.store';
export { HEALTH_WINDOW_MS } from './memory.health-store';
export {
  HEALTHY,
  admit,
  applyFailure,
  applySuccess,
  blockAt,
  breakerAt,
  decayedLevel,
  slidingCount,
  type Admission,
  type DeploymentHealth,
  type FailureOutcome,
  type HealthTransition,
  type SuccessOutcome,
  type SuccessSample,
} from './deployment-health';
export { DEFAULT_COOLDOWN_POLICY, TRANSIENT_KINDS, cooldownToApply, type CooldownPolicy } from './cooldown.policy';
export { FAILURE_KINDS, type FailureKind, type ProviderFailure } from './provider-failure';
export { classifyProviderError, clientStatusFor, parseRetryAfter, type ClassifyOptions, type ProviderErrorLike } from './error.classifier';
export {
  ModelRouter,
  CAPACITY_RECHECK_MS,
  type EarliestCooldown,
  type HealthStoreOperation,
  type HealthTransitionEvent,
  type ModelRouterOptions,
  type PickOptions,
  type PickResult,
} from './model.router';
export { runWithFailover, defaultSleep, FAILOVER_DEFAULTS, type FailoverOptions, type FailoverResult } from './failover';
export type { AttemptRecord } from './attempt-record';
export { UnknownModelError } from './unknown-model.error';
export { AllDeploymentsFailedError, type AllDeploymentsFailedDetails } from './all-deployments-failed.error';
export { normalizeUsage, ZERO_USAGE, type NormalizedUsage } from './usage.normalizer';
export { aliasesVisibleTo, isAliasVisibleTo } from './alias-visibility';
export {
  DEEPSEEK_MODELS,
  DEEPSEEK_RETIRED_MODELS,
  deepseekModelOf,
  retiredModelOf,
  upstreamModelOf,
  type DeepseekModel,
  type RetiredModelName,
} from './providers/deepseek.models';
export { DEEPSEEK_ERROR_CODES, deepseekErrorMeaning, type ProviderErrorMeaning } from './providers/deepseek.errors';
export { DEEPSEEK_STRICT_TOOLS_BASE_URL, endpointUrl, strictToolsBaseUrlOf, type ProviderPath } from './providers/provider-endpoint';
export {
  DEEPSEEK_REASONING_EFFORTS,
  DEEPSEEK_THINKING_TYPES,
  upstreamChatRequest,
  type ChatBody as UpstreamChatBody,
  type UpstreamChatRequest,
} from './providers/chat-request.adapter';
export { RequestRefusedError } from './providers/request-refused.error';
export { PoolView, type AliasSettings, type StoredPool } from './pool.view';
export { upstreamModelNotice, type UpstreamModelNotice } from './retired-models';
export { deploymentFieldSchemas, isHttpUrl } from './deployment-config.schema';
