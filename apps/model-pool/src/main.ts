// model-pool: routes every LLM call across providers and keys.
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { PlatformModule, configureRootLogger, createHttpApp, createLogger, exitOnBootFailure, listen } from '@shoal/platform';
import { loadModelPoolConfig } from './model-pool.config';
import { ModelPoolModule } from './model-pool.module';

async function main(): Promise<void> {
  const { config, deployments } = loadModelPoolConfig(process.env);
  configureRootLogger({ service: 'model-pool', level: config.LOG_LEVEL });
  createLogger('model-pool').info({ models: deployments.models.map((m) => m.name), deployments: deployments.deployments.length }, 'deployments loaded');

  @Module({
    imports: [
      PlatformModule.forRoot({ redis: { url: config.REDIS_URL, prefix: config.REDIS_PREFIX }, internalToken: config.SHOAL_INTERNAL_TOKEN }),
      ModelPoolModule.register({ deployments, maxAttempts: config.MODEL_POOL_MAX_ATTEMPTS }),
    ],
  })
  class ModelPoolAppModule {}

  const app = await createHttpApp(ModelPoolAppModule);
  await listen(app, { port: config.PORT, host: config.HOST });
}

main().catch(exitOnBootFailure('model-pool'));
