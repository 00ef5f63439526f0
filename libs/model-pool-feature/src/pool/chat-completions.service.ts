// One chat completion through the pool: pick a deployment, call it, fail over before the first
// byte, stream through, and meter every provider attempt (usage.emitter.ts).
import { Inject, Injectable } from '@nestjs/common';
import type OpenAI from 'openai';
import type { ChatCompletion, ChatCompletionChunk } from 'openai/resources/chat/completions';
import { SHOAL_COST_FIELD, type ShoalCost, type UsageEvent } from '@shoal/contracts';
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
  type NormalizedUsage,
} from '@shoal/model-routing';
import { ApiError, createLogger } from '@shoal/platform';
import { ProviderClients } from './provider-clients';
import { UsageEmitter, type MeteredAttempt } from './usage.emitter';
import type { PoolCallContext } from './pool-call-context';

export const POOL_OPTIONS = Symbol('POOL_OPTIONS');
export const POOL_SSE_LIMITS = Symbol('POOL_SSE_LIMITS');
export interface PoolOptions {
  maxAttempts: number;
}

export type ChatBody = Record<string, unknown> & { model: string; stream?: boolean; stream_options?: { include_usage?: boolean } };

export interface StreamSink {
  start(headers: Record<string, string>): void;
  /** resolves when the client can take more (the next provider chunk is pulled only then) */
  write(data: string): Promise<void> | void;
  end(): void;
}

@Injectable()
export class ChatCompletionsService {
  private readonly log = createLogger('ChatCompletionsService');
  constructor(
    @Inject(ProviderClients) private readonly clients: ProviderClients,
    @Inject(ModelRouter) private readonly router: ModelRouter,
    @Inject(UsageEmitter) private readonly usage: UsageEmitter,
    @Inject(POOL_OPTIONS) private readonly opts: PoolOptions,
  ) {}

  async complete(
    ctx: PoolCallContext,
    body: ChatBody,
    signal: AbortSignal,
  ): Promise<{ completion: ChatCompletion; deployment: Deployment }> {
    // A caller that leaves stops further attempts, but not the call in flight: the provider bills
    // those tokens either way, so let it finish and meter it exactly.
    const { value, deployment } = await this.route(
      body.model,
      signal,
      this.metered(ctx, body, false, (d) =>
        this.client(d).chat.completions.create({
          ...(body as object),
          model: d.upstreamModel,
          stream: false,
        } as OpenAI.ChatCompletionCreateParamsNonStreaming),
      ),
    );
    const cost = await value.meter.complete(normalizeUsage(deployment.provider, value.result.usage), 'succeeded');
    return { completion: { ...value.result, model: body.model, ...costField(ctx, cost) }, deployment };
  }

  /** Streams SSE to `sink`. Fails over until the provider's first chunk; after that a break is an explicit error event. */
  async stream(ctx: PoolCallContext, body: ChatBody, sink: StreamSink, signal: AbortSignal): Promise<void> {
    const clientWantsUsage = body.stream_options?.include_usage === true;
    const { value: metered, deployment } = await this.route(
      body.model,
      signal,
      this.metered(ctx, body, true, async (d) => {
        const stream = await this.client(d).chat.completions.create(
          {
            ...(body as object),
            model: d.upstreamModel,
            stream: true,
            stream_options: { ...body.stream_options, include_usage: true },
          } as OpenAI.ChatCompletionCreateParamsStreaming,
          { signal },
        );
        const iterator = stream[Symbol.asyncIterator]();
        const first = await iterator.next(); // failover is still possible until this arrives
        return { iterator, first };
      }),
    );
    const { result: value, meter } = metered;

    sink.start({ 'x-shoal-deployment': deployment.id });
    let usage: NormalizedUsage | undefined;
    let cost: CallCost | undefined;
    let contentChunks = 0;
    let status: UsageEvent['status'] = 'succeeded';
    // A stream that broke, or a provider that ignores include_usage, leaves no usage chunk. The
    // provider still bills the prompt: estimate it (4 characters a token), and the completion from
    // what was streamed (providers send about one token per chunk).
    const billed = (): NormalizedUsage => usage ?? estimatedUsage(body.messages, contentChunks);
    const forward = async (chunk: ChatCompletionChunk) => {
      if (chunk.usage) {
        usage = normalizeUsage(deployment.provider, chunk.usage);
        cost = meter.price(usage);
        Object.assign(chunk, costField(ctx, cost));
      }
      if (chunk.choices?.some((c) => c.delta?.content || c.delta?.tool_calls)) meter.progress(++contentChunks);
      if (!clientWantsUsage) {
        if (chunk.choices.length === 0 && chunk.usage) return; // the usage-only chunk the client did not ask for
        delete (chunk as { usage?: unknown }).usage;
      }
      await sink.write(`data: ${JSON.stringify({ ...chunk, model: body.model })}\n\n`);
    };
    try {
      let next = value.first;
      while (!next.done) {
        await forward(next.value);
        next = await value.iterator.next();
      }
      // the SDK ends the iteration quietly when the caller aborts: that is an interrupted call, not a finished one
      if (signal.aborted) status = 'interrupted';
      else {
        // a run's call learns the usage it is billed for, and its cost, even when the provider sent no usage
        if (!usage && ctx.runId)
          await sink.write(`data: ${JSON.stringify(estimatedUsageChunk(body.model, billed(), costField(ctx, meter.price(billed()))))}\n\n`);
        await sink.write('data: [DONE]\n\n');
      }
    } catch (err) {
      status = 'interrupted';
      const failure = classifyProviderError(err);
      if (!signal.aborted) {
        await this.router.reportFailure(deployment, failure);
        this.log.warn(
          { deployment: deployment.id, kind: failure.kind, message: redactKeyPatterns(failure.message ?? '') },
          'stream broke after the first chunk',
        );
        // a run's call learns what the broken stream still cost (it is billed), inside the error
        // object, which is what OpenAI clients surface (the SDK throws it as APIError.error)
        await sink.write(
          `data: ${JSON.stringify({ error: { message: 'The upstream stream was interrupted before the answer was complete', type: 'api_error', param: null, code: 'upstream_stream_interrupted', ...costField(ctx, meter.price(billed())) } })}\n\n`,
        );
      }
    } finally {
      sink.end();
    }
    await meter.complete(billed(), status, usage ? cost : undefined);
  }

  models(): Array<{ id: string; object: 'model'; created: number; owned_by: string }> {
    return this.router.models().map((m) => ({ id: m.name, object: 'model' as const, created: 0, owned_by: 'shoal' }));
  }

  private client(d: Deployment): OpenAI {
    return this.clients.get(d);
  }

  /**
   * Wraps one provider attempt in its metering: the intent is recorded before the provider is
   * contacted; an attempt that fails produced nothing the provider bills, so it leaves no row.
   */
  private metered<T>(
    ctx: PoolCallContext,
    body: ChatBody,
    stream: boolean,
    call: (d: Deployment) => Promise<T>,
  ): (d: Deployment, attempt: number) => Promise<{ result: T; meter: MeteredAttempt }> {
    const promptTokenEstimate = estimatePromptTokens(body.messages);
    return async (deployment, attempt) => {
      const meter = await this.usage.begin(ctx, { model: body.model, deployment, attempt, stream, promptTokenEstimate });
      try {
        return { result: await call(deployment), meter };
      } catch (err) {
        await meter.discard();
        throw err;
      }
    };
  }

  private async route<T>(
    model: string,
    signal: AbortSignal,
    attempt: (d: Deployment, attemptNo: number) => Promise<T>,
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
}

/** The call's cost for Shoal's own engine (a call made for a run); nothing for a public client. */
function costField(ctx: PoolCallContext, cost: CallCost): { [SHOAL_COST_FIELD]?: ShoalCost } {
  return ctx.runId ? { [SHOAL_COST_FIELD]: { amount: cost.total, currency: cost.currency } } : {};
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
