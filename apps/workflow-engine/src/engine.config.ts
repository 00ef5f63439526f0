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
    // runs wait on LLM calls (seconds each) far more than they compute: a replica keeps many in flight
    ENGINE_CONCURRENCY: env.positiveInt(256),
  })
  .superRefine(checkHttpEnv);
export type EngineConfig = z.infer<typeof engineConfigSchema>;

export const loadEngineConfig = (e: Record<string, string | undefined>) => parseConfig(engineConfigSchema, e);
