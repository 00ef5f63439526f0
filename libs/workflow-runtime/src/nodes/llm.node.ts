// llm: renders the prompt from the pool, calls the LLM port, outputs text and usage.
import {
  compileTemplate,
  llmContextSelector,
  renderCompiledTemplate,
  type CompiledTemplate,
  type LlmNode,
  type LlmNodeData,
} from '@shoal/workflow-dsl';
import type { NodeExecutor } from '../node-executor';
import type { LlmChatRequest, LlmRole } from '../ports';

/** Where Dify puts the node's context in a prompt. */
const CONTEXT_MARK = '{{#context#}}';

interface CompiledPrompt {
  /** Each message's text split at `{{#context#}}` (when context is enabled), so the context is never re-read as a template. */
  messages: Array<{ role: LlmRole; parts: CompiledTemplate[] }>;
  context: readonly string[] | null;
  /** Every distinct reference, keyed as Dify keys LLM node inputs: `#start.question#`. */
  references: Array<{ key: string; selector: readonly string[] }>;
}

// Graph versions are immutable and reused across runs, so each prompt is compiled once per loaded graph.
const compiled = new WeakMap<LlmNodeData, CompiledPrompt>();

function compile(data: LlmNodeData): CompiledPrompt {
  let prompt = compiled.get(data);
  if (prompt) return prompt;
  const context = llmContextSelector(data);
  const messages = data.prompt_template.map((m) => ({
    role: m.role,
    parts: (context ? m.text.split(CONTEXT_MARK) : [m.text]).map(compileTemplate),
  }));
  const references = new Map<string, readonly string[]>();
  for (const m of messages)
    for (const part of m.parts) for (const ref of part.references) references.set(`#${ref.selector.join('.')}#`, ref.selector);
  prompt = { messages, context, references: [...references].map(([key, selector]) => ({ key, selector })) };
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
    const context = prompt.context ? contextText(ctx.pool.get(prompt.context)) : '';
    if (prompt.context) inputs['#context#'] = context;
    const messages = prompt.messages.map((m) => ({
      role: m.role,
      content: m.parts.map((part) => renderCompiledTemplate(part, ctx.pool.lookup)).join(context),
    }));
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
      ...(result.cost ? { cost: result.cost } : {}),
    };
  },
};

/**
 * Dify's LLMNode._fetch_context: a string is the context as it is; a list (knowledge retrieval
 * results) gives its strings and its items' `content`, one per line; anything else gives none.
 */
function contextText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (!Array.isArray(value)) return '';
  const lines: string[] = [];
  for (const item of value) {
    if (typeof item === 'string') lines.push(item);
    else if (item && typeof item === 'object' && typeof (item as { content?: unknown }).content === 'string')
      lines.push((item as { content: string }).content);
  }
  return lines.join('\n').trim();
}
