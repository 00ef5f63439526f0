import { type DynamicModule, Module } from '@nestjs/common';
import { PricesRepository } from './prices/prices.repository';
import { PriceBook } from './prices/price-book';
import { UsageLedgerRepository } from './usage/usage-ledger.repository';
import { DEFAULT_USAGE_CONSUMER_OPTIONS, USAGE_CONSUMER_OPTIONS, UsageConsumer, type UsageConsumerOptions } from './usage/usage.consumer';
import { UsageRecordsController } from './usage/usage-records.controller';

export type BillingOptions = Partial<UsageConsumerOptions>;

/** Billing's controllers, consumers and services; infrastructure comes from PlatformModule. */
@Module({})
export class BillingModule {
  static register(opts: BillingOptions = {}): DynamicModule {
    return {
      module: BillingModule,
      controllers: [UsageRecordsController],
      providers: [
        { provide: USAGE_CONSUMER_OPTIONS, useValue: { ...DEFAULT_USAGE_CONSUMER_OPTIONS, ...stripUndefined(opts) } },
        PricesRepository,
        PriceBook,
        UsageLedgerRepository,
        UsageConsumer,
      ],
    };
  }
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
