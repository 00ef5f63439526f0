import { z } from 'zod';
import { DEFAULT_RUN_DURABILITY } from '@shoal/workflow-engine-feature';
import { mcpEnv, mcpFilesEnv, outboundHttpEnv } from '@shoal/outbound-http';
import {
  checkFileStoreEnv,
  checkHttpEnv,
  codeSandboxEnv,
  documentExtractorEnv,
  databaseEnv,
  env,
  fileStoreEnv,
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
    ...documentExtractorEnv,
    ...fileStoreEnv,
    ...secretsEnv,
    ...outboundHttpEnv,
    ...mcpEnv,
    ...mcpFilesEnv,
    MODEL_POOL_URL: env.url(['http', 'https']),
    // runs wait on LLM calls (seconds each) far more than they compute: a replica keeps many in flight
    ENGINE_CONCURRENCY: env.positiveInt(256),
    // takeover, outages and stranded runs (libs/workflow-engine-feature/src/runs/run-durability.options.ts)
    ENGINE_JOB_LOCK_MS: env.positiveInt(DEFAULT_RUN_DURABILITY.jobLockMs),
    ENGINE_STALL_CHECK_MS: env.positiveInt(DEFAULT_RUN_DURABILITY.stallCheckMs),
    ENGINE_MAX_TAKEOVERS: env.positiveInt(DEFAULT_RUN_DURABILITY.maxTakeovers),
    ENGINE_OUTAGE_RETRY_MS: env.positiveInt(DEFAULT_RUN_DURABILITY.outageRetryMs),
    ENGINE_SWEEP_EVERY_MS: env.positiveInt(DEFAULT_RUN_DURABILITY.sweepEveryMs),
    ENGINE_SWEEP_STALE_MS: env.positiveInt(DEFAULT_RUN_DURABILITY.sweepStaleMs),
    ENGINE_LLM_OUTAGE_RETRY_MS: env.positiveInt(DEFAULT_RUN_DURABILITY.llmOutageRetryMs),
  })
  .superRefine(checkHttpEnv)
  .superRefine(checkFileStoreEnv({ dirRequired: true }))
  .superRefine((c, ctx) => {
    // renewed at half the lock: a lock under 1 s would be renewed faster than a busy event loop can promise
    if (c.ENGINE_JOB_LOCK_MS < 1000) ctx.addIssue({ code: 'custom', path: ['ENGINE_JOB_LOCK_MS'], message: 'must be at least 1000 (ms)' });
  });
export type EngineConfig = z.infer<typeof engineConfigSchema>;

export const loadEngineConfig = (e: Record<string, string | undefined>) => parseConfig(engineConfigSchema, e);
