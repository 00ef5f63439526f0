import { Inject, Injectable } from '@nestjs/common';
import { Readable } from 'node:stream';
import { ROUTE_PREFIX, newId } from '@shoal/contracts';
import { ApiError, createLogger, internalHeaders, type RequestContext } from '@shoal/platform';

export interface ModelPoolClientOptions {
  baseUrl: string;
  internalToken: string;
}
export const MODEL_POOL_OPTIONS = Symbol('MODEL_POOL_OPTIONS');

export interface ProxiedResponse {
  status: number;
  headers: Record<string, string>;
  body: Readable | null;
}

const PASSED_HEADERS = ['content-type', 'retry-after', 'x-request-id', 'x-shoal-call-id', 'x-shoal-deployment'];

/**
 * The gateway's door to model-pool. It passes bodies through as bytes (no re-parse, no re-serialise),
 * streaming included, and adds who is calling and a fresh call id.
 */
@Injectable()
export class ModelPoolClient {
  private readonly log = createLogger('ModelPoolClient');
  constructor(@Inject(MODEL_POOL_OPTIONS) private readonly opts: ModelPoolClientOptions) {}

  async chatCompletions(ctx: RequestContext, body: unknown, signal: AbortSignal): Promise<ProxiedResponse> {
    return this.forward(ctx, 'POST', '/v1/chat/completions', JSON.stringify(body), signal);
  }

  async models(ctx: RequestContext): Promise<ProxiedResponse> {
    return this.forward(ctx, 'GET', '/v1/models', undefined, undefined);
  }

  /**
   * The aliases model-pool serves, or null when it cannot say within `timeoutMs` (callers that only
   * want them for warnings go on without them).
   */
  async modelNames(ctx: RequestContext, timeoutMs: number): Promise<string[] | null> {
    try {
      const res = await this.forward(ctx, 'GET', '/v1/models', undefined, AbortSignal.timeout(timeoutMs));
      if (res.status !== 200 || !res.body) return null;
      const chunks: Buffer[] = [];
      for await (const chunk of res.body) chunks.push(Buffer.from(chunk as Uint8Array));
      const list = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { data?: Array<{ id?: unknown }> };
      return Array.isArray(list.data) ? list.data.flatMap((m) => (typeof m?.id === 'string' ? [m.id] : [])) : null;
    } catch (err) {
      this.log.warn({ err }, 'could not list the models model-pool serves');
      return null;
    }
  }

  private async forward(
    ctx: RequestContext,
    method: string,
    path: string,
    body: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<ProxiedResponse> {
    const headers = internalHeaders(
      this.opts.internalToken,
      { tenantId: ctx.tenantId, apiKeyId: ctx.apiKeyId, runId: null, callId: newId('chatcmpl'), nodeId: null },
      { traceparent: ctx.traceparent },
    );
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(`${this.opts.baseUrl}${ROUTE_PREFIX.modelPool}${path}`, { method, headers, body, signal });
    } catch (err) {
      if (signal?.aborted) throw new ApiError('client_closed', 'The client closed the request');
      this.log.error({ err }, 'model-pool unreachable');
      throw new ApiError('upstream_unavailable', 'The model service is unavailable; retry shortly', { retryAfterSeconds: 1 });
    }
    if (res.status === 401) {
      // model-pool refused the gateway itself: a deployment problem, not the caller's key
      this.log.error(
        'model-pool refused the internal call: SHOAL_INTERNAL_TOKEN differs between gateway and model-pool, or their clocks differ by more than 30 s (the signed call context expired)',
      );
      throw new ApiError('upstream_error', 'The model service refused this gateway; the operator has to check its configuration');
    }
    const out: Record<string, string> = {};
    for (const h of PASSED_HEADERS) {
      const v = res.headers.get(h);
      if (v) out[h] = v;
    }
    return { status: res.status, headers: out, body: res.body ? Readable.fromWeb(res.body as never) : null };
  }
}
