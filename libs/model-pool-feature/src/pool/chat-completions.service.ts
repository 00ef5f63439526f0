// One chat completion through the pool: pick a deployment, call it, fail over before the first
// byte, pass the provider's answer through, and emit exactly one usage event per call. This is the
// ChatCompletionsPort model-pool serves: in process (standalone) and behind its HTTP routes.
import { Inject, Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import type {
  ChatCallContext,
  ChatCompletionRequest,
  ChatCompletionsAnswer,
  ChatCompletionsPort,
  ModelListEntry,
  UsageEvent,
} from '@shoal/contracts';
import {
  AllDeploymentsFailedError,
  ModelRouter,
  UnknownModelError,
  classifyProviderError,
  normalizeUsage,
  redactKeyPatterns,
  runWithFailover,
  type Deployment,
  type NormalizedUsage,
} from '@shoal/model-routing';
import { ApiError, createLogger } from '@shoal/platform';
import { ProviderHttpClient } from './provider-http.client';
import { SsePassThrough } from './sse-pass-through';
import { UsageEmitter } from './usage.emitter';
import { readJsonAnswer, withAliasModel } from './json-answer';

export const POOL_OPTIONS = Symbol('POOL_OPTIONS');
export const POOL_SSE_LIMITS = Symbol('POOL_SSE_LIMITS');
export interface PoolOptions {
  maxAttempts: number;
}

export type ChatBody = ChatCompletionRequest;

const STREAM_INTERRUPTED = `data: ${JSON.stringify({ error: { message: 'The upstream stream was interrupted before the answer was complete', type: 'api_error', param: null, code: 'upstream_stream_interrupted' } })}\n\n`;

@Injectable()
export class ChatCompletionsService implements ChatCompletionsPort {
  private readonly log = createLogger('ChatCompletionsService');
  constructor(
    @Inject(ProviderHttpClient) private readonly provider: ProviderHttpClient,
    @Inject(ModelRouter) private readonly router: ModelRouter,
    @Inject(UsageEmitter) private readonly usage: UsageEmitter,
    @Inject(POOL_OPTIONS) private readonly opts: PoolOptions,
  ) {}

  chatCompletions(ctx: ChatCallContext, body: ChatBody, signal: AbortSignal): Promise<ChatCompletionsAnswer> {
    return body.stream ? this.stream(ctx, body, signal) : this.complete(ctx, body, signal);
  }

  async models(): Promise<ModelListEntry[]> {
    return this.router.models().map((m) => ({ id: m.name, object: 'model' as const, created: 0, owned_by: 'shoal' }));
  }

  async complete(ctx: ChatCallContext, body: ChatBody, signal: AbortSignal): Promise<ChatCompletionsAnswer> {
    const startedAt = new Date();
    // A caller that leaves stops further attempts, but not the call in flight: the provider bills
    // those tokens either way, so let it finish and meter it exactly.
    const { value, deployment } = await this.route(body.model, signal, async (d) =>
      readJsonAnswer(await this.provider.post(d, upstreamBody(body, d, false), undefined)),
    );
    const usage = normalizeUsage(deployment.provider, value.parsed.usage);
    await this.emit(ctx, body, deployment, usage, 'succeeded', false, startedAt);
    return {
      status: 200,
      kind: 'json',
      headers: { 'content-type': 'application/json', 'x-shoal-call-id': ctx.callId, 'x-shoal-deployment': deployment.id },
      body: withAliasModel(value, body.model),
    };
  }

  /** Fails over until the provider's first chunk; after that a break is an explicit error event in the stream. */
  async stream(ctx: ChatCallContext, body: ChatBody, signal: AbortSignal): Promise<ChatCompletionsAnswer> {
    const startedAt = new Date();
    const sse = new SsePassThrough({ alias: body.model, clientWantsUsage: body.stream_options?.include_usage === true });
    const { value, deployment } = await this.route(body.model, signal, async (d) => {
      const res = await this.provider.post(d, upstreamBody(body, d, true), signal);
      const upstream = res.body[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
      try {
        // failover is still possible until the first event arrives
        let first = '';
        while (!first) {
          const next = await upstream.next();
          if (next.done) {
            first = sse.flush();
            break;
          }
          first = sse.push(next.value);
        }
        return { upstream, body: res.body, first };
      } catch (err) {
        res.body.destroy();
        throw err;
      }
    });
    return {
      status: 200,
      kind: 'stream',
      headers: { 'content-type': 'text/event-stream; charset=utf-8', 'x-shoal-call-id': ctx.callId, 'x-shoal-deployment': deployment.id },
      body: this.relay(ctx, body, deployment, sse, value, signal, startedAt),
    };
  }

  // pulled by the consumer: the provider's stream is read no faster than the client takes it
  private async *relay(
    ctx: ChatCallContext,
    body: ChatBody,
    deployment: Deployment,
    sse: SsePassThrough,
    provider: { upstream: AsyncIterator<Uint8Array>; body: Readable; first: string },
    signal: AbortSignal,
    startedAt: Date,
  ): AsyncGenerator<Uint8Array> {
    let status: UsageEvent['status'] = 'interrupted';
    try {
      if (provider.first) yield Buffer.from(provider.first);
      for (;;) {
        const next = await provider.upstream.next();
        if (next.done) break;
        const out = sse.push(next.value);
        if (out) yield Buffer.from(out);
      }
      const rest = sse.flush() + (sse.sawDone ? '' : 'data: [DONE]\n\n');
      status = 'succeeded';
      yield Buffer.from(rest);
    } catch (err) {
      if (!signal.aborted) {
        const failure = classifyProviderError(err);
        await this.router.reportFailure(deployment, failure);
        this.log.warn(
          { deployment: deployment.id, kind: failure.kind, message: redactKeyPatterns(failure.message ?? '') },
          'stream broke after the first chunk',
        );
        yield Buffer.from(STREAM_INTERRUPTED);
      }
    } finally {
      provider.body.destroy();
      // A stream that broke, or a provider that ignores include_usage, leaves no usage chunk. The
      // provider still bills the prompt: estimate it (4 characters a token), and the completion from
      // what was streamed (providers send about one token per chunk).
      const promptTokens = estimatePromptTokens(body.messages);
      const billed =
        sse.usage !== undefined
          ? normalizeUsage(deployment.provider, sse.usage)
          : {
              promptTokens,
              completionTokens: sse.contentChunks,
              totalTokens: promptTokens + sse.contentChunks,
              cachedPromptTokens: 0,
              reasoningTokens: 0,
            };
      await this.emit(ctx, body, deployment, billed, status, true, startedAt);
    }
  }

  private async route<T>(
    model: string,
    signal: AbortSignal,
    attempt: (d: Deployment) => Promise<T>,
  ): Promise<{ value: T; deployment: Deployment }> {
    try {
      return await runWithFailover({ model, router: this.router, attempt, signal, maxAttempts: this.opts.maxAttempts });
    } catch (err) {
      throw this.toApiError(err, model);
    }
  }

  private toApiError(err: unknown, model: string): unknown {
    if (err instanceof UnknownModelError)
      return new ApiError('model_not_found', `The model '${model}' does not exist or is not configured in the pool`, { param: 'model' });
    if (err instanceof AllDeploymentsFailedError) {
      const retryAfterSeconds = err.retryAfterMs === undefined ? undefined : Math.max(1, Math.ceil(err.retryAfterMs / 1000));
      const code =
        err.clientStatus === 429
          ? 'rate_limited'
          : err.clientStatus === 503
            ? 'upstream_unavailable'
            : err.clientStatus === 504
              ? 'timeout'
              : 'upstream_error';
      return new ApiError(code, err.message, { status: err.clientStatus, retryAfterSeconds });
    }
    if (err instanceof Error && err.name === 'AbortError') return err;
    // not worth failing over (the request itself is at fault): the provider's status and message, minus anything key-like
    const failure = classifyProviderError(err);
    const message = redactKeyPatterns(failure.message ?? 'The provider rejected the request');
    return new ApiError(failure.clientStatus >= 500 ? 'upstream_error' : 'invalid_request', message, {
      status: failure.clientStatus,
      ...(failure.param ? { param: failure.param } : {}),
    });
  }

  private async emit(
    ctx: ChatCallContext,
    body: ChatBody,
    d: Deployment,
    u: NormalizedUsage,
    status: UsageEvent['status'],
    stream: boolean,
    startedAt: Date,
  ): Promise<void> {
    await this.usage.emit({
      callId: ctx.callId,
      tenantId: ctx.tenantId,
      apiKeyId: ctx.apiKeyId,
      runId: ctx.runId,
      nodeId: ctx.nodeId,
      deploymentId: d.id,
      provider: d.provider,
      model: body.model,
      upstreamModel: d.upstreamModel,
      promptTokens: u.promptTokens,
      completionTokens: u.completionTokens,
      cachedPromptTokens: u.cachedPromptTokens,
      reasoningTokens: u.reasoningTokens,
      priceOverride: d.priceOverride ? { ...d.priceOverride } : null,
      status,
      stream,
      latencyMs: Date.now() - startedAt.getTime(),
      startedAt: startedAt.toISOString(),
      ...(ctx.traceparent ? { traceparent: ctx.traceparent } : {}),
    });
  }
}

/** The request as the provider gets it: the caller's fields, the deployment's model name, usage asked for when streaming. */
function upstreamBody(body: ChatBody, d: Deployment, stream: boolean): string {
  return JSON.stringify(
    stream
      ? { ...body, model: d.upstreamModel, stream: true, stream_options: { ...body.stream_options, include_usage: true } }
      : { ...body, model: d.upstreamModel, stream: false },
  );
}

/** A rough token count of the prompt, for calls whose provider reported no usage. */
export function estimatePromptTokens(messages: unknown): number {
  if (!Array.isArray(messages)) return 0;
  let chars = 0;
  for (const m of messages as Array<{ content?: unknown }>) {
    const content = m?.content;
    if (typeof content === 'string') chars += content.length;
    else if (Array.isArray(content))
      for (const part of content as Array<{ text?: unknown }>) if (typeof part?.text === 'string') chars += part.text.length;
  }
  return Math.ceil(chars / 4);
}
