import { z } from 'zod';
import { checkHttpEnv, databaseEnv, env, parseConfig, serviceEnv } from '@shoal/platform';

export const billingConfigSchema = z
  .object({
    PORT: env.port(8083),
    ...serviceEnv,
    ...databaseEnv,
    USAGE_CONCURRENCY: env.positiveInt(16),
  })
  .superRefine(checkHttpEnv);
export type BillingConfig = z.infer<typeof billingConfigSchema>;

export const loadBillingConfig = (e: Record<string, string | undefined>) => parseConfig(billingConfigSchema, e);
