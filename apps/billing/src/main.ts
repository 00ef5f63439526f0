// billing: prices usage events and keeps the ledger.
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { PlatformModule, configureRootLogger, createHttpApp, exitOnBootFailure, listen } from '@shoal/platform';
import { loadBillingConfig } from './billing.config';
import { BillingModule } from './billing.module';

async function main(): Promise<void> {
  const config = loadBillingConfig(process.env);
  configureRootLogger({ service: 'billing', level: config.LOG_LEVEL });

  @Module({
    imports: [
      PlatformModule.forRoot({
        database: { url: config.DATABASE_URL, maxConnections: config.DATABASE_POOL_SIZE },
        redis: { url: config.REDIS_URL, prefix: config.REDIS_PREFIX },
        internalToken: config.SHOAL_INTERNAL_TOKEN,
      }),
      BillingModule.register({ usageConcurrency: config.USAGE_CONCURRENCY }),
    ],
  })
  class BillingAppModule {}

  const app = await createHttpApp(BillingAppModule);
  await listen(app, { port: config.PORT, host: config.HOST });
}

main().catch(exitOnBootFailure('billing'));
