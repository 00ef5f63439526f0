import { z } from 'zod';
import { env, parseConfig } from '@shoal/platform';

export const engineConfigSchema = z.object({
  PORT: env.port(8081),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: env.url(['postgres', 'postgresql']),
  DATABASE_POOL_SIZE: env.positiveInt(10),
  REDIS_URL: env.url(['redis', 'rediss']),
  REDIS_PREFIX: z.string().default('shoal:'),
  MODEL_POOL_URL: env.url(['http', 'https']),
  BILLING_URL: env.url(['http', 'https']),
  SHOAL_INTERNAL_TOKEN: env.secret(),
  ENGINE_CONCURRENCY: env.positiveInt(16),
  LOG_LEVEL: env.logLevel(),
});
export type EngineConfig = z.infer<typeof engineConfigSchema>;

export const loadEngineConfig = (e: Record<string, string | undefined>) => parseConfig(engineConfigSchema, e);
