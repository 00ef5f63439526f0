// llm: renders the prompt from the pool, calls the LLM port, outputs text and usage.
import { compileTemplate, renderCompiledTemplate, type CompiledTemplate, type LlmNode, type LlmNodeData } from '@shoal/workflow-dsl';
import type { NodeExecutor } from '../node-executor';
import type { LlmChatRequest, LlmRole } from '../ports';

interface CompiledPrompt {
  messages: Array<{ role: LlmRole; template: CompiledTemplate }>;
  /** Every distinct reference, keyed as Dify keys LLM node inputs: `#start.question#`. */
  references: Array<{ key: string; selector: readonly string[] }>;
}

// Graph versions are immutable and reused across runs, so each prompt is compiled once per loaded graph.
const compiled = new WeakMap<LlmNodeData, CompiledPrompt>();

function compile(data: LlmNodeData): CompiledPrompt {
  let prompt = compiled.get(data);
  if (prompt) return prompt;
  const messages = data.prompt_template.map((m) => ({ role: m.role, template: compileTemplate(m.text) }));
  const references = new Map<string, readonly string[]>();
  for (const m of messages) for (const ref of m.template.references) references.set(`#${ref.selector.join('.')}#`, ref.selector);
  prompt = { messages, references: [...references].map(([key, selector]) => ({ key, selector })) };
  compiled.set(data, prompt);
  return prompt;
}

export const llmNodeExecutor: NodeExecutor<LlmNode> = {
  callsLlm: true,
  async execute(node, ctx) {
    const { data } = node;
    const prompt = compile(data);
    const inputs: Record<string, unknown> = {};
    for (const { key, selector } of prompt.references) inputs[key] = ctx.pool.get(selector) ?? null;
    const messages = prompt.messages.map((m) => ({ role: m.role, content: renderCompiledTemplate(m.template, ctx.pool.lookup) }));
    const request: LlmChatRequest = {
      callId: ctx.callId,
      runId: ctx.runId,
      nodeId: node.id,
      model: data.model.name,
      messages,
      params: data.model.completion_params,
      signal: ctx.signal,
    };
    if (data.model.provider) request.provider = data.model.provider;
    const emit = ctx.emitTextChunk;
    if (emit) {
      const selector: [string, string] = [node.id, 'text'];
      request.onChunk = (delta) => emit(delta, selector);
    }
    const result = await ctx.llm.chat(request);
    const { promptTokens, completionTokens, totalTokens } = result.usage;
    return {
      inputs,
      outputs: {
        text: result.text,
        reasoning_content: result.reasoningContent ?? '',
        usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: totalTokens },
        finish_reason: result.finishReason,
      },
      processData: {
        model_mode: data.model.mode,
        model_provider: data.model.provider ?? null,
        model_name: data.model.name,
        prompts: messages,
      },
      tokens: { prompt: promptTokens, completion: completionTokens, total: totalTokens },
    };
  },
};
