// `POST /v1/embeddings` through the pool: the same routing, failover and metering as a chat call
// (an intent before the provider is contacted, the priced usage entry after), one JSON answer.
import { Inject, Injectable } from '@nestjs/common';
import { SHOAL_COST_FIELD, type ChatCallContext, type ChatCompletionsAnswer, type EmbeddingsRequest } from '@shoal/contracts';
import {
  RequestRefusedError,
  endpointUrl,
  normalizeUsage,
  upstreamModelOf,
  type Deployment,
  type NormalizedUsage,
} from '@shoal/model-routing';
import { POOL_OPTIONS, type PoolOptions } from './chat-completions.service';
import { ProviderHttpClient, ProviderHttpError } from './provider-http.client';
import { MalformedProviderAnswerError, withAliasModel, type JsonAnswer } from './json-answer';
import { assertModelVisible, routePoolCall } from './pool-failover';
import { UsageEmitter } from './usage.emitter';
import { PoolRouters } from '../pool-config/pool-routers';

@Injectable()
export class EmbeddingsService {
  constructor(
    @Inject(ProviderHttpClient) private readonly provider: ProviderHttpClient,
    @Inject(PoolRouters) private readonly pools: PoolRouters,
    @Inject(UsageEmitter) private readonly usage: UsageEmitter,
    @Inject(POOL_OPTIONS) private readonly opts: PoolOptions,
  ) {}

  async embeddings(ctx: ChatCallContext, body: EmbeddingsRequest, signal: AbortSignal): Promise<ChatCompletionsAnswer> {
    const router = this.pools.routerFor(ctx.tenantId);
    assertModelVisible(router, ctx.tenantId, body.model);
    const promptTokenEstimate = estimateInputTokens(body.input);
    const { value, deployment } = await routePoolCall(router, this.opts.maxAttempts, body.model, signal, async (d, attempt) => {
      const url = embeddingsUrlOf(d);
      const meter = await this.usage.begin(ctx, { model: body.model, deployment: d, attempt, stream: false, promptTokenEstimate });
      try {
        return { answer: await this.call(d, url, body, signal), meter };
      } catch (err) {
        if (signal.aborted) await meter.complete(inputOnly(promptTokenEstimate), 'interrupted');
        else await meter.discard();
        throw err;
      }
    });
    const cost = await value.meter.complete(normalizeUsage(deployment.provider, value.answer.parsed.usage), 'succeeded');
    return {
      status: 200,
      kind: 'json',
      headers: { 'content-type': 'application/json', 'x-shoal-call-id': ctx.callId, 'x-shoal-deployment': deployment.id },
      body: ctx.runId
        ? Buffer.from(
            JSON.stringify({
              ...value.answer.parsed,
              model: body.model,
              [SHOAL_COST_FIELD]: { amount: cost.total, currency: cost.currency },
            }),
          )
        : withAliasModel(value.answer, body.model),
    };
  }

  private async call(d: Deployment, url: string, body: EmbeddingsRequest, signal: AbortSignal): Promise<JsonAnswer> {
    let answer: JsonAnswer;
    try {
      answer = await this.provider.postJson(d, url, JSON.stringify({ ...body, model: upstreamModelOf(d) }), signal);
    } catch (err) {
      // a chat model asked for embeddings: the caller's mistake, not a reason to cool the deployment down
      if (err instanceof ProviderHttpError && err.status === 404)
        throw new RequestRefusedError(`The model '${body.model}' does not serve embeddings (its provider answered 404)`, 'model');
      throw err;
    }
    const data = (answer.parsed as { data?: unknown }).data;
    if (!Array.isArray(data)) throw new MalformedProviderAnswerError('the provider answered an embeddings request without a data list');
    return answer;
  }
}

/** @throws RequestRefusedError for a provider without an embeddings endpoint */
function embeddingsUrlOf(d: Deployment): string {
  if (d.provider === 'deepseek')
    throw new RequestRefusedError(
      "DeepSeek serves no embeddings: ask for a model served by an 'openai' or OpenAI-compatible deployment",
      'model',
    );
  return endpointUrl(d.baseUrl, d.provider, 'embeddings');
}

function estimateInputTokens(input: EmbeddingsRequest['input']): number {
  if (typeof input === 'string') return Math.ceil(input.length / 4);
  let n = 0;
  for (const item of input) n += typeof item === 'number' ? 1 : typeof item === 'string' ? Math.ceil(item.length / 4) : item.length;
  return n;
}

function inputOnly(promptTokens: number): NormalizedUsage {
  return { promptTokens, completionTokens: 0, totalTokens: promptTokens, cachedPromptTokens: 0, reasoningTokens: 0 };
}
