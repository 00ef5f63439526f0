// A distributed service's entry point: parse its config (a bad value stops it, naming the
// variable), configure logging, wire PlatformModule with the service's feature module, listen.
import { Module, type DynamicModule } from '@nestjs/common';
import { configureRootLogger } from '../logging/logger';
import { PlatformModule, type PlatformOptions } from '../platform.module';
import { createHttpApp, exitOnBootFailure, listen } from './bootstrap';

export interface ServiceConfig {
  PORT: number;
  HOST: string;
  LOG_LEVEL: string;
  REDIS_URL: string;
  REDIS_PREFIX: string;
  SHOAL_INTERNAL_TOKEN: string;
  DATABASE_URL?: string;
  DATABASE_POOL_SIZE?: number;
}

export function runService<C extends ServiceConfig>(service: string, load: () => C, feature: (config: C) => DynamicModule): void {
  const start = async () => {
    const config = load();
    configureRootLogger({ service, level: config.LOG_LEVEL });
    const platform: PlatformOptions = {
      ...(config.DATABASE_URL ? { database: { url: config.DATABASE_URL, maxConnections: config.DATABASE_POOL_SIZE } } : {}),
      redis: { url: config.REDIS_URL, prefix: config.REDIS_PREFIX },
      internalToken: config.SHOAL_INTERNAL_TOKEN,
    };
    @Module({ imports: [PlatformModule.forRoot(platform), feature(config)] })
    class ServiceModule {}
    const app = await createHttpApp(ServiceModule);
    await listen(app, { port: config.PORT, host: config.HOST });
  };
  start().catch(exitOnBootFailure(service));
}
