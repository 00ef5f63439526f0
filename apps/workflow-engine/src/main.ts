// workflow-engine: BullMQ workers that execute workflow runs. Its HTTP port serves health only.
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { PlatformModule, configureRootLogger, createHttpApp, exitOnBootFailure, listen } from '@shoal/platform';
import { loadEngineConfig } from './engine.config';
import { EngineModule } from './engine.module';

async function main(): Promise<void> {
  const config = loadEngineConfig(process.env);
  configureRootLogger({ service: 'workflow-engine', level: config.LOG_LEVEL });

  @Module({
    imports: [
      PlatformModule.forRoot({
        database: { url: config.DATABASE_URL, maxConnections: config.DATABASE_POOL_SIZE },
        redis: { url: config.REDIS_URL, prefix: config.REDIS_PREFIX },
        internalToken: config.SHOAL_INTERNAL_TOKEN,
      }),
      EngineModule.register({
        modelPoolUrl: config.MODEL_POOL_URL,
        billingUrl: config.BILLING_URL,
        internalToken: config.SHOAL_INTERNAL_TOKEN,
        concurrency: config.ENGINE_CONCURRENCY,
        costWaitMs: 10_000,
      }),
    ],
  })
  class EngineAppModule {}

  const app = await createHttpApp(EngineAppModule);
  await listen(app, { port: config.PORT, host: config.HOST });
}

main().catch(exitOnBootFailure('workflow-engine'));
