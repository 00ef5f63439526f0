import { z } from 'zod';
import { databaseEnv, env, parseConfig, serviceEnv } from '@shoal/platform';

export const gatewayConfigSchema = z.object({
  PORT: env.port(8080),
  ...serviceEnv,
  ...databaseEnv,
  MODEL_POOL_URL: env.url(['http', 'https']),
  BILLING_URL: env.url(['http', 'https']),
  SHOAL_BOOTSTRAP_KEY: z.string().min(20, 'must be at least 20 characters').optional(),
  RUN_BLOCKING_TIMEOUT_MS: env.positiveInt(300_000),
});
export type GatewayConfig = z.infer<typeof gatewayConfigSchema>;

export const loadGatewayConfig = (e: Record<string, string | undefined>) => parseConfig(gatewayConfigSchema, e);
