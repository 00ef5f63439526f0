import { type DynamicModule, Module } from '@nestjs/common';
import { PricesRepository } from './prices/prices.repository';
import { PriceBook } from './prices/price-book';
import { UsageLedgerRepository } from './usage/usage-ledger.repository';
import { IngestUsageService } from './usage/ingest-usage.service';
import { UsageConsumer } from './usage/usage.consumer';
import { RunCostController } from './usage/run-cost.controller';
import { RunCostService } from './usage/run-cost.service';
import { UsageRecordsController } from './usage/usage-records.controller';

export interface BillingOptions {
  usageConcurrency: number;
}

/** Billing's controllers, consumers and services; infrastructure comes from PlatformModule. */
@Module({})
export class BillingModule {
  static register(opts: BillingOptions): DynamicModule {
    return {
      module: BillingModule,
      controllers: [RunCostController, UsageRecordsController],
      providers: [
        { provide: 'USAGE_CONCURRENCY', useValue: opts.usageConcurrency },
        PricesRepository,
        PriceBook,
        UsageLedgerRepository,
        IngestUsageService,
        UsageConsumer,
        RunCostService,
      ],
    };
  }
}
