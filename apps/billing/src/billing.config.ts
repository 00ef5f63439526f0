import { z } from 'zod';
import { env, parseConfig } from '@shoal/platform';

export const billingConfigSchema = z.object({
  PORT: env.port(8083),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: env.url(['postgres', 'postgresql']),
  DATABASE_POOL_SIZE: env.positiveInt(10),
  REDIS_URL: env.url(['redis', 'rediss']),
  REDIS_PREFIX: z.string().default('shoal:'),
  SHOAL_INTERNAL_TOKEN: env.secret(),
  USAGE_CONCURRENCY: env.positiveInt(16),
  LOG_LEVEL: env.logLevel(),
});
export type BillingConfig = z.infer<typeof billingConfigSchema>;

export const loadBillingConfig = (e: Record<string, string | undefined>) => parseConfig(billingConfigSchema, e);
