import { z } from 'zod';
import { env, parseConfig } from '@shoal/platform';

export const gatewayConfigSchema = z.object({
  PORT: env.port(8080),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: env.url(['postgres', 'postgresql']),
  DATABASE_POOL_SIZE: env.positiveInt(10),
  REDIS_URL: env.url(['redis', 'rediss']),
  REDIS_PREFIX: z.string().default('shoal:'),
  MODEL_POOL_URL: env.url(['http', 'https']),
  BILLING_URL: env.url(['http', 'https']),
  SHOAL_INTERNAL_TOKEN: env.secret(),
  SHOAL_BOOTSTRAP_KEY: z.string().min(20, 'must be at least 20 characters').optional(),
  RUN_BLOCKING_TIMEOUT_MS: env.positiveInt(300_000),
  LOG_LEVEL: env.logLevel(),
});
export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;

export const loadGatewayConfig = (e: Record<string, string | undefined>) => parseConfig(gatewayConfigSchema, e);
