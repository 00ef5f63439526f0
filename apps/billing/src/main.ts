// billing: prices usage events and keeps the ledger.
import 'reflect-metadata';
import { runService } from '@shoal/platform';
import { loadBillingConfig } from './billing.config';
import { BillingModule } from '@shoal/billing-feature';

runService(
  'billing',
  () => loadBillingConfig(process.env),
  (config) =>
    BillingModule.register({
      concurrency: config.USAGE_CONCURRENCY,
      batchSize: config.USAGE_BATCH_SIZE,
      blockMs: config.USAGE_READ_BLOCK_MS,
      claimIdleMs: config.USAGE_CLAIM_IDLE_MS,
      intentStaleMs: config.USAGE_INTENT_STALE_MS,
      reapEveryMs: config.USAGE_REAP_EVERY_MS,
    }),
);
