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
import { withAliasModel, type JsonAnswer } from './json-answer';
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
  type StreamStart,
} from './stream-guard';
import { StreamedAttemptUsage, addUsage } from './streamed-usage';

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

/** What every streamed attempt of one call shares. */
interface StreamedCall {
  body: ChatBody;
  /** one relay for the call, reset for each provider stream */
  sse: SsePassThrough;
  billing: StreamedAttemptUsage;
  signal: AbortSignal;
  ttftMs: number;
}

/** A provider stream read up to its first content token. */
interface OpenedStream {
  upstream: AsyncIterator<Uint8Array>;
  body: Readable;
  start: StreamStart;
}

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
    const first = await this.provider.postJson(d, request.url, payload, signal);
    const firstUsage = usageOfAnswer(d, first, body);
    if (!request.jsonMode || !isBlankAnswer(first.parsed)) return { answer: first, ...firstUsage };
    this.log.warn({ deployment: d.id }, 'blank answer to a JSON-mode request: asking once more');
    let second: JsonAnswer;
    try {
      second = await this.provider.postJson(d, request.url, payload, signal);
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
    // the pass-through adds the cost to the usage chunk of a run's call
    const billing = new StreamedAttemptUsage(body.messages);
    const sse = new SsePassThrough({
      alias: body.model,
      clientWantsUsage: body.stream_options?.include_usage === true,
      onUsage: (raw) => {
        const cost = billing.reported(raw);
        return cost && costField(ctx, cost);
      },
    });
    const alias = router.alias(body.model);
    const ttftMs = alias?.ttftTimeoutMs ?? this.opts.ttftTimeoutMs ?? DEFAULT_TTFT_TIMEOUT_MS;
    const stallMs = alias?.stallTimeoutMs ?? this.opts.stallTimeoutMs ?? DEFAULT_STALL_TIMEOUT_MS;
    const call: StreamedCall = { body, sse, billing, signal, ttftMs };
    const {
      value: metered,
      deployment,
      release,
    } = await this.route(
      router,
      body.model,
      signal,
      // a caller gone before the first chunk (its engine died) leaves a call the provider had: billed as interrupted
      this.metered(ctx, body, true, (d, meter, request) => this.streamAttempt(d, meter, request, call), signal),
      { keepInFlight: true, promptTokens: estimatePromptTokens(body.messages), stream: true },
    );
    return {
      status: 200,
      kind: 'stream',
      headers: { 'content-type': 'text/event-stream; charset=utf-8', 'x-shoal-call-id': ctx.callId, 'x-shoal-deployment': deployment.id },
      body: this.relay(ctx, router, deployment, call, metered.result, metered.meter, { stallMs, release }),
    };
  }

  /**
   * One streamed attempt, up to its first content token. A JSON-mode stream that ended blank
   * (DeepSeek may answer so) is billed and asked once more on the same deployment, nothing of it
   * sent on; blank twice is an error saying so, metered with both calls' usage.
   */
  private async streamAttempt(
    d: Deployment,
    meter: MeteredAttempt,
    request: UpstreamChatRequest,
    call: StreamedCall,
  ): Promise<OpenedStream> {
    const { sse, billing, signal } = call;
    billing.begin(meter, d);
    sse.reset({ jsonMode: request.jsonMode });
    const payload = JSON.stringify(request.body);
    const first = await this.openStream(d, request.url, payload, call);
    if (!first.start.blankJsonAnswer) return first;
    first.body.destroy();
    this.log.warn({ deployment: d.id }, 'blank answer to a JSON-mode stream: asking once more');
    const blank = billing.askedAgain(sse.contentChunks);
    sse.reset({ jsonMode: true });
    let second: OpenedStream;
    try {
      second = await this.openStream(d, request.url, payload, call);
    } catch (err) {
      // the blank answer stays billed; a caller gone while the provider worked on the second one leaves its prompt billed too
      if (signal.aborted) {
        const billed = billing.billed(sse.contentChunks);
        await meter.complete(billed.usage, 'interrupted', billed.cost, { estimated: billed.estimated });
      } else await meter.complete(blank.usage, 'failed', undefined, { estimated: blank.estimated });
      throw err;
    }
    if (!second.start.blankJsonAnswer) return second;
    second.body.destroy();
    const both = billing.billed(sse.contentChunks);
    await meter.complete(both.usage, 'failed', both.cost, { estimated: both.estimated });
    throw new BlankJsonAnswerError();
  }

  /** One provider stream read up to its first content token; the TTFT limit covers the headers and all of that. */
  private async openStream(d: Deployment, url: string, payload: string, { sse, signal, ttftMs }: StreamedCall): Promise<OpenedStream> {
    const ttft = new AbortController();
    const timer = setTimeout(() => ttft.abort(new TtftTimeoutError(ttftMs)), ttftMs);
    const attemptSignal = AbortSignal.any([signal, ttft.signal]);
    let res: Awaited<ReturnType<ProviderHttpClient['post']>> | undefined;
    try {
      res = await this.provider.post(d, url, payload, attemptSignal);
      const upstream = res.body[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
      return { upstream, body: res.body, start: await readToFirstContent(upstream, sse) };
    } catch (err) {
      res?.body.destroy();
      throw ttft.signal.aborted && !signal.aborted ? (ttft.signal.reason as Error) : err;
    } finally {
      clearTimeout(timer);
    }
  }

  // pulled by the consumer: the provider's stream is read no faster than the client takes it
  private async *relay(
    ctx: ChatCallContext,
    router: ModelRouter,
    deployment: Deployment,
    { body, sse, billing, signal }: StreamedCall,
    provider: OpenedStream,
    meter: MeteredAttempt,
    { stallMs, release }: { stallMs: number; release: (tokens?: number) => void },
  ): AsyncGenerator<Uint8Array> {
    let status: UsageEvent['status'] = 'interrupted';
    // A stream that broke, or a provider that ignores include_usage, leaves no usage chunk. The
    // provider still bills the prompt: estimate it (4 characters a token), and the completion from
    // what was streamed (providers send about one token per chunk).
    const billed = () => billing.billed(sse.contentChunks);
    try {
      if (provider.start.held) yield Buffer.from(provider.start.held);
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
      if (!billing.providerReported && ctx.runId) {
        const { usage } = billed();
        rest += `data: ${JSON.stringify(estimatedUsageChunk(body.model, usage, costField(ctx, meter.price(usage))))}\n\n`;
      }
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
        yield Buffer.from(streamErrorEvent(code, costField(ctx, meter.price(billed().usage))));
      }
    } finally {
      provider.body.destroy();
      const { usage, cost, estimated } = billed();
      release(usage.totalTokens);
      router.recordTokens(deployment, usage.totalTokens);
      // flagged estimated when a provider stream never sent its usage (a broken stream, or one that ignores include_usage)
      await meter.complete(usage, status, cost, { estimated });
    }
  }

  /**
   * Wraps one provider attempt in its metering: the intent is recorded before the provider is
   * contacted; an attempt the provider refused produced nothing it bills, so it leaves no row. One
   * the caller abandoned while the provider worked on it (`abandoned` aborted) is billed its prompt;
   * one it abandoned before the provider was asked leaves no row either.
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
      // A caller gone while the intent was written is never sent to the provider (its request
      // starts aborted), so the provider bills nothing: it leaves no row, like a refused attempt.
      const sent = abandoned?.aborted !== true;
      try {
        return { result: await call(deployment, meter, request), meter };
      } catch (err) {
        if (sent && abandoned?.aborted)
          await meter.complete(estimatedUsage(body.messages, 0), 'interrupted', undefined, { estimated: true });
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
