// One chat completion through the pool: pick a deployment, call it, fail over before the first
// byte, pass the provider's answer through, and meter every provider attempt (usage.emitter.ts):
// an intent before the provider is contacted, the priced usage entry when the attempt ends. This is the
// ChatCompletionsPort model-pool serves: in process (standalone) and behind its HTTP routes.
import { Inject, Injectable } from '@nestjs/common';
import type { Readable } from 'node:stream';
import {
  SHOAL_COST_FIELD,
  type ChatCallContext,
  type ChatCompletionRequest,
  type ChatCompletionsAnswer,
  type ChatCompletionsPort,
  type ModelListEntry,
  type ShoalCost,
  type UsageEvent,
} from '@shoal/contracts';
import type { CallCost } from '@shoal/pricing';
import {
  AllDeploymentsFailedError,
  ModelRouter,
  UnknownModelError,
  classifyProviderError,
  normalizeUsage,
  redactKeyPatterns,
  runWithFailover,
  type Deployment,
  type Lease,
  type NormalizedUsage,
} from '@shoal/model-routing';
import { ApiError, createLogger } from '@shoal/platform';
import { ProviderHttpClient } from './provider-http.client';
import { SsePassThrough } from './sse-pass-through';
import { MeteringUnavailableError, UsageEmitter, type MeteredAttempt } from './usage.emitter';
import { readJsonAnswer, withAliasModel, type JsonAnswer } from './json-answer';

export const POOL_OPTIONS = Symbol('POOL_OPTIONS');
export const POOL_SSE_LIMITS = Symbol('POOL_SSE_LIMITS');
export interface PoolOptions {
  maxAttempts: number;
}

export type ChatBody = ChatCompletionRequest;

/** The error event of a stream that broke after its first byte (with a run call's cost inside). */
function streamInterrupted(cost: object): string {
  return `data: ${JSON.stringify({ error: { message: 'The upstream stream was interrupted before the answer was complete', type: 'api_error', param: null, code: 'upstream_stream_interrupted', ...cost } })}\n\n`;
}

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
    // A caller that leaves (a cancelled run, a client gone) stops the call in flight too: the
    // provider bills the prompt, so the attempt is metered as interrupted with estimated usage.
    const { value, deployment, lease } = await this.route(
      body.model,
      signal,
      false,
      this.metered(
        ctx,
        body,
        false,
        async (d) => readJsonAnswer(await this.provider.post(d, upstreamBody(body, d, false), signal)),
        signal,
      ),
    );
    const usage = normalizeUsage(deployment.provider, value.result.parsed.usage);
    await this.router.release(lease, usage.totalTokens);
    const cost = await value.meter.complete(usage, 'succeeded');
    return {
      status: 200,
      kind: 'json',
      headers: { 'content-type': 'application/json', 'x-shoal-call-id': ctx.callId, 'x-shoal-deployment': deployment.id },
      body: ctx.runId ? withCost(value.result, body.model, costField(ctx, cost)) : withAliasModel(value.result, body.model),
    };
  }

  /** Fails over until the provider's first chunk; after that a break is an explicit error event in the stream. */
  async stream(ctx: ChatCallContext, body: ChatBody, signal: AbortSignal): Promise<ChatCompletionsAnswer> {
    // each attempt sets its meter and deployment before its first byte is read (the usage chunk may
    // come in the first read); the pass-through adds the cost to the usage chunk of a run's call
    const current: { meter?: MeteredAttempt; deployment?: Deployment; priced?: { usage: NormalizedUsage; cost: CallCost } } = {};
    const sse = new SsePassThrough({
      alias: body.model,
      clientWantsUsage: body.stream_options?.include_usage === true,
      onUsage: (raw) => {
        if (!current.meter || !current.deployment) return undefined;
        const usage = normalizeUsage(current.deployment.provider, raw);
        current.priced = { usage, cost: current.meter.price(usage) };
        return costField(ctx, current.priced.cost);
      },
    });
    const {
      value: metered,
      deployment,
      lease,
    } = await this.route(
      body.model,
      signal,
      true,
      this.metered(
        ctx,
        body,
        true,
        async (d, meter) => {
          current.meter = meter;
          current.deployment = d;
          current.priced = undefined;
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
        },
        // a caller gone before the first chunk (its engine died) leaves a call the provider had: billed as interrupted
        signal,
      ),
    );
    return {
      status: 200,
      kind: 'stream',
      headers: { 'content-type': 'text/event-stream; charset=utf-8', 'x-shoal-call-id': ctx.callId, 'x-shoal-deployment': deployment.id },
      body: this.relay(ctx, body, { deployment, lease }, sse, metered.result, metered.meter, () => current.priced, signal),
    };
  }

  // pulled by the consumer: the provider's stream is read no faster than the client takes it
  private async *relay(
    ctx: ChatCallContext,
    body: ChatBody,
    { deployment, lease }: { deployment: Deployment; lease?: Lease },
    sse: SsePassThrough,
    provider: { upstream: AsyncIterator<Uint8Array>; body: Readable; first: string },
    meter: MeteredAttempt,
    pricedUsage: () => { usage: NormalizedUsage; cost: CallCost } | undefined,
    signal: AbortSignal,
  ): AsyncGenerator<Uint8Array> {
    let status: UsageEvent['status'] = 'interrupted';
    // A stream that broke, or a provider that ignores include_usage, leaves no usage chunk. The
    // provider still bills the prompt: estimate it (4 characters a token), and the completion from
    // what was streamed (providers send about one token per chunk).
    const billed = (): NormalizedUsage => pricedUsage()?.usage ?? estimatedUsage(body.messages, sse.contentChunks);
    try {
      if (provider.first) yield Buffer.from(provider.first);
      for (;;) {
        const next = await provider.upstream.next();
        if (next.done) break;
        const out = sse.push(next.value);
        meter.progress(sse.contentChunks);
        if (out) yield Buffer.from(out);
      }
      let rest = sse.flush();
      // a run's call learns the usage it is billed for, and its cost, even when the provider sent no usage
      if (!pricedUsage() && ctx.runId)
        rest += `data: ${JSON.stringify(estimatedUsageChunk(body.model, billed(), costField(ctx, meter.price(billed()))))}\n\n`;
      rest += sse.sawDone ? '' : 'data: [DONE]\n\n';
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
        // a run's call learns what the broken stream still cost (it is billed), inside the error
        // object, which is what OpenAI clients surface (the SDK throws it as APIError.error)
        yield Buffer.from(streamInterrupted(costField(ctx, meter.price(billed()))));
      }
    } finally {
      provider.body.destroy();
      const priced = pricedUsage();
      await this.router.release(lease, billed().totalTokens);
      await meter.complete(billed(), status, priced?.cost);
    }
  }

  /**
   * Wraps one provider attempt in its metering: the intent is recorded before the provider is
   * contacted; an attempt the provider refused produced nothing it bills, so it leaves no row. One
   * the caller abandoned while the provider worked on it (`abandoned` aborted) is billed its prompt.
   */
  private metered<T>(
    ctx: ChatCallContext,
    body: ChatBody,
    stream: boolean,
    call: (d: Deployment, meter: MeteredAttempt) => Promise<T>,
    abandoned?: AbortSignal,
  ): (d: Deployment, attempt: number) => Promise<{ result: T; meter: MeteredAttempt }> {
    const promptTokenEstimate = estimatePromptTokens(body.messages);
    return async (deployment, attempt) => {
      const meter = await this.usage.begin(ctx, { model: body.model, deployment, attempt, stream, promptTokenEstimate });
      try {
        return { result: await call(deployment, meter), meter };
      } catch (err) {
        if (abandoned?.aborted) await meter.complete(estimatedUsage(body.messages, 0), 'interrupted');
        else await meter.discard();
        throw err;
      }
    };
  }

  private async route<T>(
    model: string,
    signal: AbortSignal,
    stream: boolean,
    attempt: (d: Deployment, attemptNo: number) => Promise<T>,
  ): Promise<{ value: T; deployment: Deployment; lease?: Lease }> {
    try {
      return await runWithFailover({
        model,
        stream,
        router: this.router,
        attempt,
        signal,
        maxAttempts: this.opts.maxAttempts,
        // the usage log unreachable is no deployment's fault: no failover, no cooldown, the 503 goes up as it is
        classify: (err) =>
          err instanceof MeteringUnavailableError
            ? { kind: 'unknown', failover: false, cooldownMs: 0, clientStatus: 503 }
            : classifyProviderError(err, { now: this.router.now, policy: this.router.policy }),
      });
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
    if (err instanceof MeteringUnavailableError) return err;
    // not worth failing over (the request itself is at fault): the provider's status and message, minus anything key-like
    const failure = classifyProviderError(err);
    const message = redactKeyPatterns(failure.message ?? 'The provider rejected the request');
    return new ApiError(failure.clientStatus >= 500 ? 'upstream_error' : 'invalid_request', message, {
      status: failure.clientStatus,
      ...(failure.param ? { param: failure.param } : {}),
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

/** The call's cost for Shoal's own engine (a call made for a run); nothing for a public client. */
function costField(ctx: ChatCallContext, cost: CallCost): { [SHOAL_COST_FIELD]?: ShoalCost } {
  return ctx.runId ? { [SHOAL_COST_FIELD]: { amount: cost.total, currency: cost.currency } } : {};
}

/** A run call's JSON answer: the provider's completion with the caller's alias and Shoal's cost field (re-serialised: the engine reads it). */
function withCost(answer: JsonAnswer, alias: string, cost: object): Buffer {
  return Buffer.from(JSON.stringify({ ...answer.parsed, model: alias, ...cost }));
}

/** The usage chunk model-pool sends a run's call in place of one its provider did not send. */
function estimatedUsageChunk(model: string, u: NormalizedUsage, cost: object): object {
  return {
    object: 'chat.completion.chunk',
    model,
    choices: [],
    usage: { prompt_tokens: u.promptTokens, completion_tokens: u.completionTokens, total_tokens: u.totalTokens },
    ...cost,
  };
}

function estimatedUsage(messages: unknown, completionTokens: number): NormalizedUsage {
  const promptTokens = estimatePromptTokens(messages);
  return { promptTokens, completionTokens, totalTokens: promptTokens + completionTokens, cachedPromptTokens: 0, reasoningTokens: 0 };
}
