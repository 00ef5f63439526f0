// gateway: the public edge (API keys, REST, the OpenAI-compatible API, run events).
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { PlatformModule, configureRootLogger, createHttpApp, exitOnBootFailure, listen } from '@shoal/platform';
import { loadGatewayConfig } from './gateway.config';
import { GatewayModule } from './gateway.module';

async function main(): Promise<void> {
  const config = loadGatewayConfig(process.env);
  configureRootLogger({ service: 'gateway', level: config.LOG_LEVEL });

  @Module({
    imports: [
      PlatformModule.forRoot({
        database: { url: config.DATABASE_URL, maxConnections: config.DATABASE_POOL_SIZE },
        redis: { url: config.REDIS_URL, prefix: config.REDIS_PREFIX },
        internalToken: config.SHOAL_INTERNAL_TOKEN,
      }),
      GatewayModule.register({
        modelPool: { baseUrl: config.MODEL_POOL_URL, internalToken: config.SHOAL_INTERNAL_TOKEN },
        billing: { baseUrl: config.BILLING_URL, internalToken: config.SHOAL_INTERNAL_TOKEN },
        bootstrapKey: config.SHOAL_BOOTSTRAP_KEY,
        blockingTimeoutMs: config.RUN_BLOCKING_TIMEOUT_MS,
      }),
    ],
  })
  class GatewayAppModule {}

  const app = await createHttpApp(GatewayAppModule);
  await listen(app, { port: config.PORT, host: config.HOST });
}

main().catch(exitOnBootFailure('gateway'));
