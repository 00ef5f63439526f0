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
  ModelRouter,
  aliasesVisibleTo,
  classifyProviderError,
  normalizeUsage,
  redactKeyPatterns,
  upstreamChatRequest,
  type Deployment,
  type NormalizedUsage,
  type UpstreamChatRequest,
} from '@shoal/model-routing';
import { createLogger } from '@shoal/platform';
import { PoolRouters } from '../pool-config/pool-routers';
import { ProviderHttpClient } from './provider-http.client';
import { SsePassThrough } from './sse-pass-through';
import { UsageEmitter, type MeteredAttempt } from './usage.emitter';
import { BlankJsonAnswerError, isBlankAnswer } from './blank-json-answer';
import { assertModelVisible, routePoolCall } from './pool-failover';
import { readJsonAnswer, withAliasModel, type JsonAnswer } from './json-answer';
import { estimateCompletionTokens, estimatePromptTokens, estimatedUsage, estimatedUsageChunk } from './usage-estimate';
import {
  DEFAULT_STALL_TIMEOUT_MS,
  DEFAULT_TTFT_TIMEOUT_MS,
  StreamCutError,
  StreamStalledError,
  TtftTimeoutError,
  nextWithin,
  readToFirstContent,
  streamErrorCode,
  streamErrorEvent,
} from './stream-guard';

export const POOL_OPTIONS = Symbol('POOL_OPTIONS');
export const POOL_SSE_LIMITS = Symbol('POOL_SSE_LIMITS');
export interface PoolOptions {
  maxAttempts: number;
  /** A stream's first content token must come within this (an alias's `ttftTimeoutMs` wins); default 30 s. */
  ttftTimeoutMs?: number;
  /** After the first token, the most a stream may stay silent (an alias's `stallTimeoutMs` wins); default 60 s. */
  stallTimeoutMs?: number;
}

export type ChatBody = ChatCompletionRequest;

@Injectable()
export class ChatCompletionsService implements Omit<ChatCompletionsPort, 'embeddings'> {
  private readonly log = createLogger('ChatCompletionsService');
  constructor(
    @Inject(ProviderHttpClient) private readonly provider: ProviderHttpClient,
    @Inject(PoolRouters) private readonly pools: PoolRouters,
    @Inject(UsageEmitter) private readonly usage: UsageEmitter,
    @Inject(POOL_OPTIONS) private readonly opts: PoolOptions,
  ) {}

  async chatCompletions(ctx: ChatCallContext, body: ChatBody, signal: AbortSignal): Promise<ChatCompletionsAnswer> {
    // the tenant's view of the pool at this moment: a reload during the call does not change its router
    const router = this.pools.routerFor(ctx.tenantId);
    assertModelVisible(router, ctx.tenantId, body.model);
    return body.stream ? this.stream(ctx, body, signal, router) : this.complete(ctx, body, signal, router);
  }

  /** The aliases the caller's tenant may call: the shared ones and its own. */
  async models(ctx: Pick<ChatCallContext, 'tenantId'>): Promise<ModelListEntry[]> {
    return aliasesVisibleTo(this.pools.aliasesFor(ctx.tenantId), ctx.tenantId).map((m) => ({
      id: m.name,
      object: 'model' as const,
      created: 0,
      owned_by: m.tenantId ? 'tenant' : 'shoal',
    }));
  }

  async complete(ctx: ChatCallContext, body: ChatBody, signal: AbortSignal, router: ModelRouter): Promise<ChatCompletionsAnswer> {
    // A caller that leaves (a cancelled run, a client gone) stops the call in flight too: the
    // provider bills the prompt, so the attempt is metered as interrupted with estimated usage.
    const { value, deployment, release } = await this.route(
      router,
      body.model,
      signal,
      this.metered(ctx, body, false, (d, meter, request) => this.answerOf(d, meter, request, body, signal), signal),
      { keepInFlight: true, promptTokens: estimatePromptTokens(body.messages) },
    );
    const { answer, usage, estimated } = value.result;
    router.recordTokens(deployment, usage.totalTokens);
    // the in-flight slot ends here, its tokens into the deployment's TPM window on every replica
    release(usage.totalTokens);
    const cost = await value.meter.complete(usage, 'succeeded', undefined, { estimated });
    return {
      status: 200,
      kind: 'json',
      headers: { 'content-type': 'application/json', 'x-shoal-call-id': ctx.callId, 'x-shoal-deployment': deployment.id },
      body: ctx.runId ? withCost(answer, body.model, costField(ctx, cost)) : withAliasModel(answer, body.model),
    };
  }

  /**
   * One non-streamed provider call, and its usage (Shoal's estimate, flagged, when the provider sent
   * none). A JSON-mode answer that came back blank (DeepSeek may answer one) is billed and asked once
   * more on the same deployment; blank twice is an error saying so, metered with both calls' usage.
   */
  private async answerOf(
    d: Deployment,
    meter: MeteredAttempt,
    request: UpstreamChatRequest,
    body: ChatBody,
    signal: AbortSignal,
  ): Promise<{ answer: JsonAnswer; usage: NormalizedUsage; estimated: boolean }> {
    const payload = JSON.stringify(request.body);
    const first = await readJsonAnswer(await this.provider.post(d, request.url, payload, signal));
    const firstUsage = usageOfAnswer(d, first, body);
    if (!request.jsonMode || !isBlankAnswer(first.parsed)) return { answer: first, ...firstUsage };
    this.log.warn({ deployment: d.id }, 'blank answer to a JSON-mode request: asking once more');
    let second: JsonAnswer;
    try {
      second = await readJsonAnswer(await this.provider.post(d, request.url, payload, signal));
    } catch (err) {
      await meter.complete(firstUsage.usage, 'failed', undefined, { estimated: firstUsage.estimated });
      throw err;
    }
    const secondUsage = usageOfAnswer(d, second, body);
    const usage = addUsage(firstUsage.usage, secondUsage.usage);
    const estimated = firstUsage.estimated || secondUsage.estimated;
    if (!isBlankAnswer(second.parsed)) return { answer: second, usage, estimated };
    await meter.complete(usage, 'failed', undefined, { estimated });
    throw new BlankJsonAnswerError();
  }

  /** Fails over until the provider's first chunk; after that a break is an explicit error event in the stream. */
  async stream(ctx: ChatCallContext, body: ChatBody, signal: AbortSignal, router: ModelRouter): Promise<ChatCompletionsAnswer> {
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
    const alias = router.alias(body.model);
    const ttftMs = alias?.ttftTimeoutMs ?? this.opts.ttftTimeoutMs ?? DEFAULT_TTFT_TIMEOUT_MS;
    const stallMs = alias?.stallTimeoutMs ?? this.opts.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
    const {
      value: metered,
      deployment,
      release,
    } = await this.route(
      router,
      body.model,
      signal,
      this.metered(
        ctx,
        body,
        true,
        async (d, meter, request) => {
          current.meter = meter;
          current.deployment = d;
          current.priced = undefined;
          // the TTFT limit covers the headers and everything up to the first content token
          const ttft = new AbortController();
          const timer = setTimeout(() => ttft.abort(new TtftTimeoutError(ttftMs)), ttftMs);
          const attemptSignal = AbortSignal.any([signal, ttft.signal]);
          let res: Awaited<ReturnType<ProviderHttpClient['post']>> | undefined;
          try {
            res = await this.provider.post(d, request.url, JSON.stringify(request.body), attemptSignal);
            const upstream = res.body[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
            const first = await readToFirstContent(upstream, sse);
            return { upstream, body: res.body, first };
          } catch (err) {
            res?.body.destroy();
            throw ttft.signal.aborted && !signal.aborted ? (ttft.signal.reason as Error) : err;
          } finally {
            clearTimeout(timer);
          }
        },
        // a caller gone before the first chunk (its engine died) leaves a call the provider had: billed as interrupted
        signal,
      ),
      { keepInFlight: true, promptTokens: estimatePromptTokens(body.messages), stream: true },
    );
    return {
      status: 200,
      kind: 'stream',
      headers: { 'content-type': 'text/event-stream; charset=utf-8', 'x-shoal-call-id': ctx.callId, 'x-shoal-deployment': deployment.id },
      body: this.relay(ctx, body, router, deployment, sse, metered.result, metered.meter, () => current.priced, signal, {
        stallMs,
        release,
      }),
    };
  }

  // pulled by the consumer: the provider's stream is read no faster than the client takes it
  private async *relay(
    ctx: ChatCallContext,
    body: ChatBody,
    router: ModelRouter,
    deployment: Deployment,
    sse: SsePassThrough,
    provider: { upstream: AsyncIterator<Uint8Array>; body: Readable; first: string },
    meter: MeteredAttempt,
    pricedUsage: () => { usage: NormalizedUsage; cost: CallCost } | undefined,
    signal: AbortSignal,
    { stallMs, release }: { stallMs: number; release: (tokens?: number) => void },
  ): AsyncGenerator<Uint8Array> {
    let status: UsageEvent['status'] = 'interrupted';
    // A stream that broke, or a provider that ignores include_usage, leaves no usage chunk. The
    // provider still bills the prompt: estimate it (4 characters a token), and the completion from
    // what was streamed (providers send about one token per chunk).
    const billed = (): NormalizedUsage => pricedUsage()?.usage ?? estimatedUsage(body.messages, sse.contentChunks);
    try {
      if (provider.first) yield Buffer.from(provider.first);
      for (;;) {
        const next = await nextWithin(provider.upstream, stallMs, () => new StreamStalledError(stallMs));
        if (next.done) break;
        const out = sse.push(next.value);
        meter.progress(sse.contentChunks);
        if (out) yield Buffer.from(out);
      }
      let rest = sse.flush();
      // the socket closed cleanly, but the answer never said it was over: a cut, not a success
      if (!sse.sawDone && !sse.sawFinish) throw new StreamCutError();
      // a run's call learns the usage it is billed for, and its cost, even when the provider sent no usage
      if (!pricedUsage() && ctx.runId)
        rest += `data: ${JSON.stringify(estimatedUsageChunk(body.model, billed(), costField(ctx, meter.price(billed()))))}\n\n`;
      rest += sse.sawDone ? '' : 'data: [DONE]\n\n';
      status = 'succeeded';
      yield Buffer.from(rest);
    } catch (err) {
      if (!signal.aborted) {
        const failure = classifyProviderError(err);
        const code = streamErrorCode(err);
        await router.reportFailure(deployment, failure);
        this.log.warn(
          { deployment: deployment.id, kind: failure.kind, code, message: redactKeyPatterns(failure.message ?? '') },
          'stream broke after the first chunk',
        );
        // a run's call learns what the broken stream still cost (it is billed), inside the error
        // object, which is what OpenAI clients surface (the SDK throws it as APIError.error)
        yield Buffer.from(streamErrorEvent(code, costField(ctx, meter.price(billed()))));
      }
    } finally {
      provider.body.destroy();
      const priced = pricedUsage();
      const usage = billed();
      release(usage.totalTokens);
      router.recordTokens(deployment, usage.totalTokens);
      // flagged estimated when the provider never sent its usage (a broken stream, or one that ignores include_usage)
      await meter.complete(usage, status, priced?.cost, { estimated: !priced });
    }
  }

  /**
   * Wraps one provider attempt in its metering: the intent is recorded before the provider is
   * contacted; an attempt the provider refused produced nothing it bills, so it leaves no row. One
   * the caller abandoned while the provider worked on it (`abandoned` aborted) is billed its prompt.
   * A request the deployment's provider would refuse (its rules, checked here) is refused before any of it.
   */
  private metered<T>(
    ctx: ChatCallContext,
    body: ChatBody,
    stream: boolean,
    call: (d: Deployment, meter: MeteredAttempt, request: UpstreamChatRequest) => Promise<T>,
    abandoned?: AbortSignal,
  ): (d: Deployment, attempt: number) => Promise<{ result: T; meter: MeteredAttempt }> {
    const promptTokenEstimate = estimatePromptTokens(body.messages);
    return async (deployment, attempt) => {
      const request = upstreamChatRequest(body, deployment, stream);
      const meter = await this.usage.begin(ctx, { model: body.model, deployment, attempt, stream, promptTokenEstimate });
      try {
        return { result: await call(deployment, meter, request), meter };
      } catch (err) {
        if (abandoned?.aborted) await meter.complete(estimatedUsage(body.messages, 0), 'interrupted', undefined, { estimated: true });
        else await meter.discard();
        throw err;
      }
    };
  }

  private route<T>(
    router: ModelRouter,
    model: string,
    signal: AbortSignal,
    attempt: (d: Deployment, attemptNo: number) => Promise<T>,
    options: { keepInFlight?: boolean; promptTokens?: number; stream?: boolean },
  ): Promise<{ value: T; deployment: Deployment; release: (tokens?: number) => void }> {
    return routePoolCall(router, this.opts.maxAttempts, model, signal, attempt, options);
  }
}

/** The call's cost for Shoal's own engine (a call made for a run); nothing for a public client. */
function costField(ctx: ChatCallContext, cost: CallCost): { [SHOAL_COST_FIELD]?: ShoalCost } {
  return ctx.runId ? { [SHOAL_COST_FIELD]: { amount: cost.total, currency: cost.currency } } : {};
}

/** A run call's JSON answer: the provider's completion with the caller's alias and Shoal's cost field (re-serialised: the engine reads it). */
function withCost(answer: JsonAnswer, alias: string, cost: object): Buffer {
  return Buffer.from(JSON.stringify({ ...answer.parsed, model: alias, ...cost }));
}

/** What a non-streamed answer used: as the provider reported it, else Shoal's estimate, flagged. */
function usageOfAnswer(d: Deployment, answer: JsonAnswer, body: ChatBody): { usage: NormalizedUsage; estimated: boolean } {
  const raw = answer.parsed.usage;
  if (typeof raw === 'object' && raw !== null) return { usage: normalizeUsage(d.provider, raw), estimated: false };
  return { usage: estimatedUsage(body.messages, estimateCompletionTokens(answer.parsed as { choices?: unknown })), estimated: true };
}

function addUsage(a: NormalizedUsage, b: NormalizedUsage): NormalizedUsage {
  return {
    promptTokens: a.promptTokens + b.promptTokens,
    completionTokens: a.completionTokens + b.completionTokens,
    totalTokens: a.totalTokens + b.totalTokens,
    cachedPromptTokens: a.cachedPromptTokens + b.cachedPromptTokens,
    reasoningTokens: a.reasoningTokens + b.reasoningTokens,
  };
}
