// workflow-engine: BullMQ workers that execute workflow runs. Its HTTP port serves health only.
import 'reflect-metadata';
import { codeSettingsOf, documentSettingsOf, fileStoreSettingsOf, runService, secretBoxOf, workflowLimitsOf } from '@shoal/platform';
import { loadEngineConfig } from './engine.config';
import { EngineModule } from '@shoal/workflow-engine-feature';
import { mcpFileLimitsOf, mcpLimitsOf, outboundHttpSettingsOf } from '@shoal/outbound-http';

runService(
  'workflow-engine',
  () => loadEngineConfig(process.env),
  (config) =>
    EngineModule.register({
      modelPoolUrl: config.MODEL_POOL_URL,
      internalToken: config.SHOAL_INTERNAL_TOKEN,
      concurrency: config.ENGINE_CONCURRENCY,
      workflowLimits: workflowLimitsOf(config),
      secrets: secretBoxOf(config),
      outboundHttp: outboundHttpSettingsOf(config),
      mcp: mcpLimitsOf(config),
      toolFiles: mcpFileLimitsOf(config),
      code: codeSettingsOf(config),
      documents: documentSettingsOf(config),
      fileStore: fileStoreSettingsOf(config),
      durability: {
        jobLockMs: config.ENGINE_JOB_LOCK_MS,
        stallCheckMs: config.ENGINE_STALL_CHECK_MS,
        maxTakeovers: config.ENGINE_MAX_TAKEOVERS,
        outageRetryMs: config.ENGINE_OUTAGE_RETRY_MS,
        sweepEveryMs: config.ENGINE_SWEEP_EVERY_MS,
        sweepStaleMs: config.ENGINE_SWEEP_STALE_MS,
        llmOutageRetryMs: config.ENGINE_LLM_OUTAGE_RETRY_MS,
      },
    }),
);
