// Starting a Nest app on Fastify the same way in every service.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { PinoNestLogger, createLogger } from '../logging/logger';
import { HttpErrorFilter } from '../errors/error-style';
import { ConfigError } from '../config/parse-config';

export interface HttpAppOptions {
  port: number;
  host: string;
  /** largest accepted request body */
  bodyLimitBytes?: number;
}

/** `shutdownHooks: false` when the caller closes the app itself on SIGTERM (standalone mode, which has more to stop after it). */
export async function createHttpApp(module: unknown, opts: { shutdownHooks?: boolean } = {}): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({ bodyLimit: 10 * 1024 * 1024, trustProxy: true, return503OnClosing: true, forceCloseConnections: 'idle' });
  const app = await NestFactory.create<NestFastifyApplication>(module as never, adapter, { logger: new PinoNestLogger(), abortOnError: false });
  app.useGlobalFilters(new HttpErrorFilter());
  if (opts.shutdownHooks !== false) app.enableShutdownHooks();
  return app;
}

export async function listen(app: NestFastifyApplication, opts: HttpAppOptions): Promise<string> {
  await app.listen(opts.port, opts.host);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  const url = `http://${opts.host === '0.0.0.0' ? '127.0.0.1' : opts.host}:${port}`;
  createLogger('http').info({ url }, 'listening');
  return url;
}

/** Exit with a readable message when boot fails (bad config, unreachable database). */
export function exitOnBootFailure(service: string) {
  return (err: unknown): never => {
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`${service} failed to start: ${message}\n`);
    // a configuration error is fully said above; anything else gets its stack in the JSON log
    if (!(err instanceof ConfigError)) createLogger(service).fatal({ err }, 'boot failed');
    process.exit(1);
  };
}
