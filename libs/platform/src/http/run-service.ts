// A distributed service's entry point: parse its config (a bad value stops it, naming the
// variable), configure logging, wire PlatformModule with the service's feature module, listen.
import { Module, type DynamicModule } from '@nestjs/common';
import { configureRootLogger } from '../logging/logger';
import { PlatformModule, type PlatformOptions } from '../platform.module';
import { rateLimitDefaultsOf, type TrustProxy } from '../config/parse-config';
import { createHttpApp, exitOnBootFailure, httpServerOptions, listen } from './bootstrap';

export interface ServiceConfig {
  PORT: number;
  HOST: string;
  LOG_LEVEL: string;
  REDIS_URL: string;
  REDIS_PREFIX: string;
  SHOAL_INTERNAL_TOKEN: string;
  HTTP_HEADERS_TIMEOUT_MS: number;
  HTTP_REQUEST_TIMEOUT_MS: number;
  HTTP_KEEP_ALIVE_TIMEOUT_MS: number;
  HTTP_CONNECTION_TIMEOUT_MS: number;
  TRUST_PROXY: TrustProxy;
  DATABASE_URL?: string;
  DATABASE_POOL_SIZE?: number;
  DATABASE_STATEMENT_TIMEOUT_MS?: number;
  AUTH_FAILURES_PER_IP?: number;
  AUTH_FAILURE_WINDOW_MS?: number;
  RATE_LIMIT_KEY_RPM?: number;
  RATE_LIMIT_KEY_TPM?: number;
  RATE_LIMIT_TENANT_RPM?: number;
  RATE_LIMIT_TENANT_TPM?: number;
  RUN_EVENTS_MAX_BYTES_PER_RUN?: number;
  RUN_EVENT_FIELD_MAX_BYTES?: number;
  RUN_EVENTS_FINISHED_TTL_SECONDS?: number;
}

/** The PlatformModule options a service's parsed config describes. */
export function platformOptionsOf(config: ServiceConfig): PlatformOptions {
  return {
    ...(config.DATABASE_URL
      ? {
          database: {
            url: config.DATABASE_URL,
            maxConnections: config.DATABASE_POOL_SIZE,
            statementTimeoutMs: config.DATABASE_STATEMENT_TIMEOUT_MS,
          },
        }
      : {}),
    redis: { url: config.REDIS_URL, prefix: config.REDIS_PREFIX },
    internalToken: config.SHOAL_INTERNAL_TOKEN,
    ...(config.AUTH_FAILURES_PER_IP && config.AUTH_FAILURE_WINDOW_MS
      ? { auth: { failuresPerIp: config.AUTH_FAILURES_PER_IP, windowMs: config.AUTH_FAILURE_WINDOW_MS } }
      : {}),
    rateLimits: rateLimitDefaultsOf(config),
    runEvents: {
      ...(config.RUN_EVENTS_MAX_BYTES_PER_RUN ? { maxBytesPerRun: config.RUN_EVENTS_MAX_BYTES_PER_RUN } : {}),
      ...(config.RUN_EVENT_FIELD_MAX_BYTES ? { fieldMaxBytes: config.RUN_EVENT_FIELD_MAX_BYTES } : {}),
      ...(config.RUN_EVENTS_FINISHED_TTL_SECONDS ? { finishedTtlSeconds: config.RUN_EVENTS_FINISHED_TTL_SECONDS } : {}),
    },
  };
}

export function runService<C extends ServiceConfig>(service: string, load: () => C, feature: (config: C) => DynamicModule): void {
  const start = async () => {
    const config = load();
    configureRootLogger({ service, level: config.LOG_LEVEL });
    @Module({ imports: [PlatformModule.forRoot(platformOptionsOf(config)), feature(config)] })
    class ServiceModule {}
    const app = await createHttpApp(ServiceModule, { http: httpServerOptions(config) });
    await listen(app, { port: config.PORT, host: config.HOST });
  };
  start().catch(exitOnBootFailure(service));
}
