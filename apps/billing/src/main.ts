// billing: prices usage events and keeps the ledger.
import 'reflect-metadata';
import { runService } from '@shoal/platform';
import { loadBillingConfig } from './billing.config';
import { BillingModule } from '@shoal/billing-feature';

runService(
  'billing',
  () => loadBillingConfig(process.env),
  (config) => BillingModule.register({ usageConcurrency: config.USAGE_CONCURRENCY }),
);
