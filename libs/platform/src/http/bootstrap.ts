// Starting a Nest app on Fastify the same way in every service.
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { PinoNestLogger, createLogger } from '../logging/logger';
import { HttpErrorFilter } from '../errors/error-style';
import { ConfigError, type TrustProxy } from '../config/parse-config';
import { EdgeAuth } from '../auth/edge-auth';
import { ApiError } from '../errors/api-error';
import { handleFrameworkError } from '../errors/framework-errors.handler';
import { checkBodyContentType } from './body-content-type.hook';
import { handleClientError, type ClientError } from './client-error.handler';
import { parseJsonBody } from './json-body.parser';
import { assertJsonSafe } from './json-safety';
import { RouteTable } from './route-table';
import { BODY_LIMIT_BYTES, MAX_URL_LENGTH } from './limits';

export { MAX_URL_LENGTH };

export interface HttpAppOptions {
  port: number;
  host: string;
}

/** The HTTP server's limits (see `httpEnv` for what each timeout applies to). */
export interface HttpServerOptions {
  headersTimeoutMs: number;
  requestTimeoutMs: number;
  keepAliveTimeoutMs: number;
  connectionTimeoutMs: number;
  trustProxy: TrustProxy;
  /** largest accepted request body */
  bodyLimitBytes: number;
}

export const DEFAULT_HTTP_SERVER_OPTIONS: HttpServerOptions = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  keepAliveTimeoutMs: 72_000,
  connectionTimeoutMs: 610_000,
  trustProxy: false,
  bodyLimitBytes: BODY_LIMIT_BYTES,
};

/** The server options an app's parsed `httpEnv` variables describe. */
export function httpServerOptions(c: {
  HTTP_HEADERS_TIMEOUT_MS: number;
  HTTP_REQUEST_TIMEOUT_MS: number;
  HTTP_KEEP_ALIVE_TIMEOUT_MS: number;
  HTTP_CONNECTION_TIMEOUT_MS: number;
  TRUST_PROXY: TrustProxy;
}): HttpServerOptions {
  return {
    ...DEFAULT_HTTP_SERVER_OPTIONS,
    headersTimeoutMs: c.HTTP_HEADERS_TIMEOUT_MS,
    requestTimeoutMs: c.HTTP_REQUEST_TIMEOUT_MS,
    keepAliveTimeoutMs: c.HTTP_KEEP_ALIVE_TIMEOUT_MS,
    connectionTimeoutMs: c.HTTP_CONNECTION_TIMEOUT_MS,
    trustProxy: c.TRUST_PROXY,
  };
}

/** `shutdownHooks: false` when the caller closes the app itself on SIGTERM (standalone mode, which has more to stop after it). */
export async function createHttpApp(
  module: unknown,
  opts: { shutdownHooks?: boolean; http?: Partial<HttpServerOptions> } = {},
): Promise<NestFastifyApplication> {
  const http = { ...DEFAULT_HTTP_SERVER_OPTIONS, ...opts.http };
  const adapter = new FastifyAdapter({
    bodyLimit: http.bodyLimitBytes,
    trustProxy: http.trustProxy,
    return503OnClosing: true,
    forceCloseConnections: 'idle',
    // Node applies headers and request timeouts to receiving the request only; it checks them at
    // this interval (30 s by default, too coarse for a 10 s headers timeout)
    http: {
      headersTimeout: http.headersTimeoutMs,
      requestTimeout: http.requestTimeoutMs,
      connectionsCheckingInterval: Math.max(100, Math.min(5000, Math.floor(Math.min(http.headersTimeoutMs, http.requestTimeoutMs) / 4))),
    },
    requestTimeout: http.requestTimeoutMs,
    keepAliveTimeout: http.keepAliveTimeoutMs,
    connectionTimeout: http.connectionTimeoutMs,
    // both answer in Shoal's error shapes: requests Node's parser refuses, and router errors
    clientErrorHandler: (err, socket) => handleClientError(err as unknown as ClientError, socket),
    frameworkErrors: handleFrameworkError,
  } as ConstructorParameters<typeof FastifyAdapter>[0]);
  hardenRequestHandling(adapter.getInstance<FastifyInstance>());
  // bodyParser: false keeps Nest from adding its own JSON and form parsers next to the ones above
  const app = await NestFactory.create<NestFastifyApplication>(module as never, adapter, {
    logger: new PinoNestLogger(),
    abortOnError: false,
    bodyParser: false,
  });
  app.useGlobalFilters(new HttpErrorFilter());
  // credentials are checked before the body is read (PlatformModule provides EdgeAuth; an app
  // without it, like a test's bare echo module, has no credentials to check)
  edgeAuthOf(app)?.install(app.getHttpAdapter().getInstance());
  if (opts.shutdownHooks !== false) app.enableShutdownHooks();
  return app;
}

/**
 * What every Shoal service does with a request before a controller sees it: routes are collected
 * (405s, tests), long URLs and unexpected body types are refused before the body is read, and JSON
 * bodies go through `parseJsonBody` (depth, NUL, lone surrogates, prototype keys).
 */
function hardenRequestHandling(fastify: FastifyInstance): void {
  RouteTable.attach(fastify);
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (err) {
      done(err as Error, undefined);
    }
  });
  // the hook below lets only a route's own types through; those other than JSON arrive as text
  fastify.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
  // an upload route streams its multipart body itself, with its own limits (the files routes): left unread here
  fastify.addContentTypeParser('multipart/form-data', (_req, _payload, done) => done(null, undefined));
  // one synchronous hook, not three async ones: it runs for every request
  fastify.addHook('onRequest', (req, _reply, done) => {
    try {
      if (req.url.length > MAX_URL_LENGTH)
        throw new ApiError('uri_too_long', `The URL is longer than ${MAX_URL_LENGTH} characters`, {
          issues: [{ path: 'url', message: `is longer than ${MAX_URL_LENGTH} characters` }],
        });
      checkBodyContentType(req);
      // ids and query values reach repositories as text: no NUL or lone surrogate there either
      assertJsonSafe(req.params, 'path');
      assertJsonSafe(req.query, 'query');
    } catch (err) {
      done(err as Error);
      return;
    }
    done();
  });
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

function edgeAuthOf(app: NestFastifyApplication): EdgeAuth | undefined {
  try {
    return app.get(EdgeAuth, { strict: false });
  } catch {
    return undefined;
  }
}
