import { z } from 'zod';
import { outboundHttpEnv } from '@shoal/outbound-http';
import {
  checkHttpEnv,
  codeSandboxEnv,
  databaseEnv,
  env,
  parseConfig,
  runEventsEnv,
  secretsEnv,
  serviceEnv,
  workflowLimitsEnv,
} from '@shoal/platform';

export const engineConfigSchema = z
  .object({
    PORT: env.port(8081),
    ...serviceEnv,
    ...databaseEnv,
    ...runEventsEnv,
    ...workflowLimitsEnv,
    ...codeSandboxEnv,
    ...secretsEnv,
    ...outboundHttpEnv,
    MODEL_POOL_URL: env.url(['http', 'https']),
    ENGINE_CONCURRENCY: env.positiveInt(16),
  })
  .superRefine(checkHttpEnv);
export type EngineConfig = z.infer<typeof engineConfigSchema>;

export const loadEngineConfig = (e: Record<string, string | undefined>) => parseConfig(engineConfigSchema, e);
