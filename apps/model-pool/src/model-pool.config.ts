import { z } from 'zod';
import { loadDeploymentConfig, type DeploymentConfig } from '@shoal/model-routing';
import {
  authEnv,
  checkHttpEnv,
  databaseEnv,
  env,
  parseConfig,
  secretBoxOf,
  secretsEnv,
  serviceEnv,
  sseEnv,
  type SecretBox,
} from '@shoal/platform';
import { readDeploymentFile } from '@shoal/model-pool-feature';

export const modelPoolConfigSchema = z
  .object({
    PORT: env.port(8082),
    ...serviceEnv,
    ...sseEnv,
    ...authEnv,
    /** opens the provider credentials stored through the admin API (the gateway's key) */
    ...secretsEnv,
    /** how often the stored pool config's version is compared with the loaded one (a missed change message) */
    MODEL_POOL_CONFIG_POLL_MS: env.positiveInt(5_000),
    /**
     * Postgres, for the API keys of the public chat routes and the pool config stored through the
     * admin API (merged with the file/env seed, reloaded live). Set: model-pool serves
     * /v1/chat/completions, /v1/embeddings and /v1/models itself (the edge routes them here). Unset: only the
     * internal routes gateway and workflow-engine call.
     */
    DATABASE_URL: databaseEnv.DATABASE_URL.optional(),
    DATABASE_POOL_SIZE: databaseEnv.DATABASE_POOL_SIZE,
    DATABASE_STATEMENT_TIMEOUT_MS: databaseEnv.DATABASE_STATEMENT_TIMEOUT_MS,
    /** a JSON file of deployments; see libs/model-routing/README.md */
    MODEL_POOL_CONFIG: z.string().optional(),
    MODEL_POOL_MAX_ATTEMPTS: env.positiveInt(3),
    /** a stream's first content token must come within this, or the call fails over (an alias's ttftTimeoutMs wins) */
    MODEL_POOL_TTFT_TIMEOUT_MS: env.positiveInt(30_000),
    /** after its first token, the longest a stream may send nothing before it ends with an error event (an alias's stallTimeoutMs wins) */
    MODEL_POOL_STALL_TIMEOUT_MS: env.positiveInt(60_000),
    /** transient failures (5xx, timeouts) in a row within a minute that open a deployment's circuit breaker */
    MODEL_POOL_BREAKER_THRESHOLD: env.positiveInt(3),
    /** how long a breaker stays open before one half-open probe; doubles per failed probe, up to 5 minutes */
    MODEL_POOL_BREAKER_OPEN_MS: env.positiveInt(10_000),
    /** an in-flight slot whose process died stops counting against maxConcurrency after this */
    MODEL_POOL_INFLIGHT_LEASE_MS: env.positiveInt(600_000),
    /** how often a call in progress refreshes its usage intent; keep it well under billing's USAGE_INTENT_STALE_MS */
    USAGE_HEARTBEAT_MS: env.positiveInt(30_000),
    /** open streamed chat completions per API key on the public routes, per process */
    SSE_MAX_STREAMS_PER_KEY: env.positiveInt(100),
    DEEPSEEK_API_KEY: z.string().optional(),
    DEEPSEEK_BASE_URL: z.string().optional(),
    OPENAI_API_KEY: z.string().optional(),
    OPENAI_BASE_URL: z.string().optional(),
  })
  .superRefine(checkHttpEnv);
export type ModelPoolConfig = z.infer<typeof modelPoolConfigSchema>;

/** The service's variables plus the deployments they describe (file and provider shortcuts). */
export function loadModelPoolConfig(
  e: Record<string, string | undefined>,
): ModelPoolConfig & { deployments: DeploymentConfig; secrets: SecretBox | null } {
  const config = parseConfig(modelPoolConfigSchema, e);
  const file = config.MODEL_POOL_CONFIG ? readDeploymentFile(config.MODEL_POOL_CONFIG) : undefined;
  // the whole environment: deployments may name the variable that holds their key (apiKeyEnv)
  const deployments = loadDeploymentConfig({ file, env: e });
  return { ...config, deployments, secrets: secretBoxOf(config) };
}
