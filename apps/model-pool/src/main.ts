// model-pool: routes every LLM call across providers and keys.
import 'reflect-metadata';
import { createLogger, runService } from '@shoal/platform';
import { loadModelPoolConfig } from './model-pool.config';
import { ModelPoolModule } from '@shoal/model-pool-feature';

runService(
  'model-pool',
  () => loadModelPoolConfig(process.env),
  ({ deployments, MODEL_POOL_MAX_ATTEMPTS, SSE_MAX_BUFFER_BYTES, SSE_STALL_TIMEOUT_MS }) => {
    createLogger('model-pool').info(
      { models: deployments.models.map((m) => m.name), deployments: deployments.deployments.length },
      'deployments loaded',
    );
    return ModelPoolModule.register({
      deployments,
      maxAttempts: MODEL_POOL_MAX_ATTEMPTS,
      sse: { maxBufferedBytes: SSE_MAX_BUFFER_BYTES, stallTimeoutMs: SSE_STALL_TIMEOUT_MS },
    });
  },
);
