// model-pool: routes every LLM call across providers and keys.
import 'reflect-metadata';
import { createLogger, runService, sseLimitsOf } from '@shoal/platform';
import { loadModelPoolConfig } from './model-pool.config';
import { ModelPoolModule } from '@shoal/model-pool-feature';

runService(
  'model-pool',
  () => loadModelPoolConfig(process.env),
  (config) => {
    const { deployments } = config;
    createLogger('model-pool').info(
      { models: deployments.models.map((m) => m.name), deployments: deployments.deployments.length },
      'deployments loaded',
    );
    return ModelPoolModule.register({
      deployments,
      secrets: config.secrets,
      configPollMs: config.MODEL_POOL_CONFIG_POLL_MS,
      maxAttempts: config.MODEL_POOL_MAX_ATTEMPTS,
      ttftTimeoutMs: config.MODEL_POOL_TTFT_TIMEOUT_MS,
      stallTimeoutMs: config.MODEL_POOL_STALL_TIMEOUT_MS,
      healthRedisPrefix: config.REDIS_PREFIX,
      healthPolicy: {
        failureThreshold: config.MODEL_POOL_BREAKER_THRESHOLD,
        transientCooldownMs: config.MODEL_POOL_BREAKER_OPEN_MS,
        inFlightLeaseMs: config.MODEL_POOL_INFLIGHT_LEASE_MS,
      },
      sse: sseLimitsOf(config),
      usageHeartbeatMs: config.USAGE_HEARTBEAT_MS,
      publicApi: config.DATABASE_URL !== undefined,
      streams: { maxPerKey: config.SSE_MAX_STREAMS_PER_KEY, maxPerRun: config.SSE_MAX_STREAMS_PER_KEY },
    });
  },
);
