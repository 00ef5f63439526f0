import { z } from 'zod';
import { loadDeploymentConfig, type DeploymentConfig } from '@shoal/model-routing';
import { authEnv, checkHttpEnv, databaseEnv, env, parseConfig, serviceEnv, sseEnv } from '@shoal/platform';
import { readDeploymentFile } from '@shoal/model-pool-feature';

export const modelPoolConfigSchema = z
  .object({
    PORT: env.port(8082),
    ...serviceEnv,
    ...sseEnv,
    ...authEnv,
    /**
     * Postgres, for the API keys of the public chat routes. Set: model-pool serves
     * /v1/chat/completions and /v1/models itself (the edge routes them here). Unset: only the
     * internal routes gateway and workflow-engine call.
     */
    DATABASE_URL: databaseEnv.DATABASE_URL.optional(),
    DATABASE_POOL_SIZE: databaseEnv.DATABASE_POOL_SIZE,
    /** a JSON file of deployments; see libs/model-routing/README.md */
    MODEL_POOL_CONFIG: z.string().optional(),
    MODEL_POOL_MAX_ATTEMPTS: env.positiveInt(3),
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
export function loadModelPoolConfig(e: Record<string, string | undefined>): ModelPoolConfig & { deployments: DeploymentConfig } {
  const config = parseConfig(modelPoolConfigSchema, e);
  const file = config.MODEL_POOL_CONFIG ? readDeploymentFile(config.MODEL_POOL_CONFIG) : undefined;
  // the whole environment: deployments may name the variable that holds their key (apiKeyEnv)
  const deployments = loadDeploymentConfig({ file, env: e });
  return { ...config, deployments };
}
