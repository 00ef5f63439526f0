import { z } from 'zod';
import { checkHttpEnv, databaseEnv, env, parseConfig, serviceEnv } from '@shoal/platform';

export const billingConfigSchema = z
  .object({
    PORT: env.port(8083),
    ...serviceEnv,
    ...databaseEnv,
    /** batch loops per process */
    USAGE_CONCURRENCY: env.positiveInt(4),
    USAGE_BATCH_SIZE: env.positiveInt(1_000),
    USAGE_READ_BLOCK_MS: env.positiveInt(1_000),
    /** an entry delivered this long ago and never acknowledged is taken over (its consumer died) */
    USAGE_CLAIM_IDLE_MS: env.positiveInt(30_000),
    /** a usage intent without a heartbeat this long is a dead call, billed as an estimate */
    USAGE_INTENT_STALE_MS: env.positiveInt(120_000),
    USAGE_REAP_EVERY_MS: env.positiveInt(10_000),
  })
  .superRefine(checkHttpEnv);
export type BillingConfig = z.infer<typeof billingConfigSchema>;

export const loadBillingConfig = (e: Record<string, string | undefined>) => parseConfig(billingConfigSchema, e);
