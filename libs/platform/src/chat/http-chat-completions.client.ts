// The ChatCompletionsPort over HTTP, for distributed mode: a keep-alive pool of connections to
// model-pool's internal routes, the signed call context on every call, the answer's bytes passed
// through as they come (no re-parse of JSON, SSE relayed chunk by chunk).
import type { OnApplicationShutdown } from '@nestjs/common';
import { Pool } from 'undici';
import {
  INTERNAL_HEADERS,
  ROUTE_PREFIX,
  type ChatCallContext,
  type ChatCompletionRequest,
  type ChatCompletionsAnswer,
  type ChatCompletionsPort,
  type EmbeddingsRequest,
  type ModelListEntry,
} from '@shoal/contracts';
import { internalHeaders } from '../auth/internal-context';
import { ApiError } from '../errors/api-error';
import { createLogger } from '../logging/logger';

export interface ModelPoolHttpOptions {
  baseUrl: string;
  internalToken: string;
}

const PASSED_HEADERS = [
  'content-type',
  'retry-after',
  'x-request-id',
  INTERNAL_HEADERS.callId,
  INTERNAL_HEADERS.callNotMade,
  'x-shoal-deployment',
];
const CALL_TIMEOUT_MS = 600_000;
const MAX_JSON_BYTES = 64 * 1024 * 1024;

/**
 * model-pool died or its connection broke while it answered: unlike a refused connection, the call
 * may have reached the provider (and is billed under its call id), so it must not be sent again
 * under the same call id.
 */
export class ModelPoolBrokeOffError extends ApiError {
  constructor() {
    super('upstream_unavailable', 'The model service broke off its answer; retry shortly', { retryAfterSeconds: 1 });
  }
}

export class HttpChatCompletionsClient implements ChatCompletionsPort, OnApplicationShutdown {
  private readonly log = createLogger('HttpChatCompletionsClient');
  private readonly pool: Pool;
  private readonly prefix: string;

  constructor(private readonly opts: ModelPoolHttpOptions) {
    const url = new URL(opts.baseUrl);
    this.prefix = `${url.pathname.replace(/\/+$/, '')}${ROUTE_PREFIX.modelPool}/v1`;
    this.pool = new Pool(url.origin, {
      connections: 256,
      keepAliveTimeout: 30_000,
      headersTimeout: CALL_TIMEOUT_MS,
      bodyTimeout: CALL_TIMEOUT_MS,
    });
  }

  async chatCompletions(ctx: ChatCallContext, body: ChatCompletionRequest, signal: AbortSignal): Promise<ChatCompletionsAnswer> {
    return this.call(ctx, 'POST', '/chat/completions', JSON.stringify(body), signal);
  }

  async embeddings(ctx: ChatCallContext, body: EmbeddingsRequest, signal: AbortSignal): Promise<ChatCompletionsAnswer> {
    return this.call(ctx, 'POST', '/embeddings', JSON.stringify(body), signal);
  }

  async models(ctx: ChatCallContext, signal?: AbortSignal): Promise<ModelListEntry[]> {
    const answer = await this.call(ctx, 'GET', '/models', undefined, signal);
    if (answer.kind !== 'json' || answer.status !== 200)
      throw new ApiError('upstream_error', `The model service answered ${answer.status} to a model listing`);
    const list = JSON.parse(Buffer.from(answer.body).toString('utf8')) as { data?: ModelListEntry[] };
    return Array.isArray(list.data) ? list.data : [];
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool.close();
  }

  private async call(
    ctx: ChatCallContext,
    method: 'GET' | 'POST',
    path: string,
    body: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<ChatCompletionsAnswer> {
    const headers = internalHeaders(
      this.opts.internalToken,
      { tenantId: ctx.tenantId, apiKeyId: ctx.apiKeyId, runId: ctx.runId, callId: ctx.callId, nodeId: ctx.nodeId },
      { traceparent: ctx.traceparent },
    );
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res;
    try {
      res = await this.pool.request({ method, path: `${this.prefix}${path}`, headers, body, signal });
    } catch (err) {
      if (signal?.aborted) throw new ApiError('client_closed', 'The client closed the request');
      this.log.error({ err }, 'model-pool unreachable');
      // a connection that was never made carried no call; one that closed after the request went out may have
      if (!neverConnected(err)) throw new ModelPoolBrokeOffError();
      throw new ApiError('upstream_unavailable', 'The model service is unavailable; retry shortly', { retryAfterSeconds: 1 });
    }
    if (res.statusCode === 401) {
      await res.body.dump();
      // model-pool refused this service itself: a deployment problem, not the caller's key
      this.log.error(
        'model-pool refused the internal call: SHOAL_INTERNAL_TOKEN differs between this service and model-pool, or their clocks differ by more than 30 s (the signed call context expired)',
      );
      throw new ApiError('upstream_error', 'The model service refused this service; the operator has to check its configuration');
    }
    const out: Record<string, string> = {};
    for (const h of PASSED_HEADERS) {
      const v = res.headers[h];
      if (typeof v === 'string') out[h] = v;
    }
    if (out['content-type']?.startsWith('text/event-stream'))
      return {
        status: res.statusCode,
        headers: out,
        kind: 'stream',
        body: res.body[Symbol.asyncIterator]() as AsyncIterableIterator<Uint8Array>,
      };
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of res.body) {
        size += (chunk as Buffer).length;
        if (size > MAX_JSON_BYTES) throw new ApiError('upstream_error', 'The model service sent an answer too large to relay');
        chunks.push(chunk as Buffer);
      }
    } catch (err) {
      res.body.destroy();
      if (err instanceof ApiError) throw err;
      if (signal?.aborted) throw new ApiError('client_closed', 'The client closed the request');
      this.log.error({ err }, 'model-pool answer broke off');
      throw new ModelPoolBrokeOffError();
    }
    return { status: res.statusCode, headers: out, kind: 'json', body: Buffer.concat(chunks, size) };
  }
}

const NOT_CONNECTED = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT']);

/** The request never left: the connection to model-pool could not be made. */
function neverConnected(err: unknown): boolean {
  for (let e = err as { code?: unknown; cause?: unknown } | undefined, depth = 0; e && depth < 4; e = e.cause as typeof e, depth++)
    if (typeof e.code === 'string' && NOT_CONNECTED.has(e.code)) return true;
  return false;
}
