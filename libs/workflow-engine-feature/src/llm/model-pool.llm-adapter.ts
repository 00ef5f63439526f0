// The runtime's LLM port over model-pool, through the `openai` SDK: model-pool speaks the OpenAI
// API, and the call id, tenant and run travel in the signed call context.
import OpenAI from 'openai';
import { ROUTE_PREFIX } from '@shoal/contracts';
import { internalHeaders } from '@shoal/platform';
import type { LlmChatRequest, LlmChatResult, LlmPort } from '@shoal/workflow-runtime';

export class ModelPoolLlmAdapter implements LlmPort {
  private readonly client: OpenAI;

  constructor(
    baseUrl: string,
    private readonly internalToken: string,
    private readonly caller: { tenantId: string; apiKeyId: string | null; traceparent?: string },
  ) {
    // SDK retries stay on for the hop to model-pool (connection resets, 5xx of model-pool itself);
    // model-pool does its own provider failover behind that.
    this.client = new OpenAI({ apiKey: internalToken, baseURL: `${baseUrl}${ROUTE_PREFIX.modelPool}/v1`, maxRetries: 2, timeout: 600_000 });
  }

  async chat(req: LlmChatRequest): Promise<LlmChatResult> {
    const headers = internalHeaders(
      this.internalToken,
      { tenantId: this.caller.tenantId, apiKeyId: this.caller.apiKeyId, runId: req.runId, callId: req.callId, nodeId: req.nodeId },
      { traceparent: this.caller.traceparent },
    );
    const params = { model: req.model, messages: req.messages, ...req.params };
    if (!req.onChunk) {
      const res = await this.client.chat.completions.create({ ...params, stream: false }, { headers, signal: req.signal });
      const choice = res.choices[0];
      const reasoning = (choice?.message as { reasoning_content?: string } | undefined)?.reasoning_content;
      return {
        text: choice?.message?.content ?? '',
        ...(reasoning ? { reasoningContent: reasoning } : {}),
        usage: {
          promptTokens: res.usage?.prompt_tokens ?? 0,
          completionTokens: res.usage?.completion_tokens ?? 0,
          totalTokens: res.usage?.total_tokens ?? 0,
        },
        model: res.model,
        finishReason: choice?.finish_reason ?? null,
      };
    }
    const stream = await this.client.chat.completions.create(
      { ...params, stream: true, stream_options: { include_usage: true } },
      { headers, signal: req.signal },
    );
    let text = '';
    let reasoning = '';
    let finishReason: string | null = null;
    let usage = { promptTokens: 0, completionTokens: 0, totalTokens: 0 };
    let model = req.model;
    for await (const chunk of stream) {
      // model-pool reports a stream broken after its first byte as an error event
      const error = (chunk as unknown as { error?: { message?: string } }).error;
      if (error) throw new Error(error.message ?? 'the model stream was interrupted');
      model = chunk.model ?? model;
      const choice = chunk.choices[0];
      const delta = choice?.delta?.content;
      const r = (choice?.delta as { reasoning_content?: string } | undefined)?.reasoning_content;
      if (r) {
        reasoning += r;
        req.onReasoningChunk?.(r);
      }
      if (delta) {
        text += delta;
        req.onChunk(delta);
      }
      if (choice?.finish_reason) finishReason = choice.finish_reason;
      if (chunk.usage)
        usage = {
          promptTokens: chunk.usage.prompt_tokens,
          completionTokens: chunk.usage.completion_tokens,
          totalTokens: chunk.usage.total_tokens,
        };
    }
    return { text, ...(reasoning ? { reasoningContent: reasoning } : {}), usage, model, finishReason };
  }
}
