// llm: renders the prompt from the pool, calls the LLM port, outputs text and usage.
import {
  compileTemplate,
  llmContextSelector,
  llmVisionOf,
  type LlmVisionConfig,
  renderCompiledTemplate,
  stringifyValue,
  type CompiledTemplate,
  type LlmNode,
  type LlmNodeData,
} from '@shoal/workflow-dsl';
import type { NodeExecutor, NodeRunContext, NodeRunResult } from '../node-executor';
import type { LlmChatRequest, LlmChatResult, LlmMessage, LlmRole } from '../ports';
import { finalTexts, reasoningFormatOf, ReasoningStream, type ReasoningFormat } from '../llm-reasoning';
import { historyMessages, historyText, llmMemoryOf, memoryWindow, withCompletionHistory, type LlmMemoryConfig } from '../llm-memory';
import { renderJinja2 } from './jinja2.renderer';
import { visionParts, withImages } from '../llm/llm-vision';
import { LlmCallTally } from '../llm/llm-call';
import { callWithStructuredOutput } from '../llm/structured-output.runner';

/** Where Dify puts the node's context in a prompt. */
const CONTEXT_MARK = '{{#context#}}';

/** A message text's template, and for each of its parts the reference it reads (-1 for a literal part). */
interface MessagePart {
  template: CompiledTemplate;
  slots: number[];
}

interface CompiledPrompt {
  /** Each message's text split at `{{#context#}}` (when context is enabled), so the context is never re-read as a template. */
  messages: Array<{ role: LlmRole; parts: MessagePart[]; jinja2?: string }>;
  context: readonly string[] | null;
  memory: LlmMemoryConfig | null;
  /** The memory's query template (sys.query when it has none). */
  query: CompiledTemplate | null;
  /** Every distinct reference, keyed as Dify keys LLM node inputs: `#start.question#`. */
  references: Array<{ key: string; selector: readonly string[] }>;
  hasJinja2: boolean;
  reasoningFormat: ReasoningFormat;
  vision: LlmVisionConfig | null;
}

// Graph versions are immutable and reused across runs, so each prompt is compiled once per loaded graph.
const compiled = new WeakMap<LlmNodeData, CompiledPrompt>();

function compile(data: LlmNodeData): CompiledPrompt {
  let prompt = compiled.get(data);
  if (prompt) return prompt;
  const context = llmContextSelector(data);
  // a Jinja2 message (Dify's `jinja2` edition) is rendered from its own source over prompt_config's variables
  const templates = data.prompt_template.map((m) =>
    m.edition_type === 'jinja2' ? null : (context ? m.text.split(CONTEXT_MARK) : [m.text]).map(compileTemplate),
  );
  const references = new Map<string, readonly string[]>();
  for (const parts of templates)
    for (const part of parts ?? []) for (const ref of part.references) references.set(referenceKey(ref.selector), ref.selector);
  const slotOf = new Map([...references.keys()].map((key, i) => [key, i]));
  const messages = data.prompt_template.map((m, i) => {
    const parts = templates[i];
    return parts === null
      ? { role: m.role, parts: [], jinja2: m.jinja2_text ?? '' }
      : {
          role: m.role,
          parts: parts.map((template) => ({
            template,
            slots: template.parts.map((part) => (typeof part === 'string' ? -1 : (slotOf.get(referenceKey(part)) as number))),
          })),
        };
  });
  const memory = llmMemoryOf(data.memory);
  const query = memory ? compileTemplate(memory.queryPromptTemplate || '{{#sys.query#}}') : null;
  prompt = {
    messages,
    context,
    memory,
    query,
    references: [...references].map(([key, selector]) => ({ key, selector })),
    hasJinja2: messages.some((m) => m.jinja2 !== undefined),
    reasoningFormat: reasoningFormatOf((data as { reasoning_format?: unknown }).reasoning_format),
    vision: llmVisionOf(data),
  };
  compiled.set(data, prompt);
  return prompt;
}

/** What an LLM node sends: its prompt rendered from the pool, and its inputs as Dify records them. */
interface PreparedCall {
  prompt: CompiledPrompt;
  inputs: Record<string, unknown>;
  request: LlmChatRequest;
}

// execute() is no async function: the plain call goes on in one `then` (an async function's suspended
// state, kept per node, cost more), and the work before and after the call is in plain functions.
export const llmNodeExecutor: NodeExecutor<LlmNode> = {
  callsLlm: true,
  execute(node, ctx) {
    const call = prepareCall(node, ctx);
    const schema = node.data.structured_output_schema;
    // not streamed: a repaired answer would follow the wrong one on the stream
    if (schema) return structuredCall(node, ctx, call, schema);
    const stream = ctx.emitTextChunk ? streamTo(call.request, call.prompt.reasoningFormat, ctx.emitTextChunk, node.id) : null;
    return ctx.llm.chat(call.request).then((result) => plainResult(node, call, result, stream));
  },
};

async function structuredCall(
  node: LlmNode,
  ctx: NodeRunContext,
  call: PreparedCall,
  schema: Record<string, unknown>,
): Promise<NodeRunResult> {
  const tally = new LlmCallTally();
  const outcome = await callWithStructuredOutput(ctx.llm, call.request, schema, tally);
  return nodeResult(node, call, outcome.result, outcome.structured, outcome.messages, tally);
}

function plainResult(node: LlmNode, call: PreparedCall, result: LlmChatResult, stream: ReasoningStream | null): NodeRunResult {
  const tally = new LlmCallTally();
  tally.add(result);
  stream?.end();
  return nodeResult(node, call, result, null, call.request.messages, tally);
}

function prepareCall(node: LlmNode, ctx: NodeRunContext): PreparedCall {
  const { data } = node;
  const prompt = compile(data);
  const inputs: Record<string, unknown> = {};
  // each reference read once: for the inputs, and for rendering the messages
  const values: unknown[] = new Array<unknown>(prompt.references.length);
  for (let i = 0; i < values.length; i++) {
    const { key, selector } = prompt.references[i];
    const value = ctx.pool.get(selector);
    values[i] = value;
    inputs[key] = value ?? null;
  }
  const context = prompt.context ? contextText(ctx.pool.get(prompt.context)) : '';
  if (prompt.context) inputs['#context#'] = context;
  const jinja2Variables = prompt.hasJinja2 ? jinja2VariablesOf(data, ctx, inputs) : null;
  let messages: LlmMessage[] = [];
  for (const m of prompt.messages)
    messages.push({
      role: m.role,
      content: m.jinja2 !== undefined ? renderJinja2(m.jinja2, jinja2Variables ?? {}) : renderParts(m.parts, values, context),
    });
  if (prompt.memory && prompt.query) messages = withMemory(data, messages, prompt.memory, prompt.query, ctx.history, ctx.pool.lookup);
  if (prompt.vision) messages = withImages(messages, visionParts(ctx.pool.get(prompt.vision.selector), prompt.vision));
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
  return { prompt, inputs, request };
}

function nodeResult(
  node: LlmNode,
  call: PreparedCall,
  result: LlmChatResult,
  structured: Record<string, unknown> | null,
  prompts: LlmMessage[],
  tally: LlmCallTally,
): NodeRunResult {
  const { model } = node.data;
  const { text, reasoning } = finalTexts(call.prompt.reasoningFormat, result.text, result.reasoningContent ?? '');
  const outputs: Record<string, unknown> = {
    text,
    reasoning_content: reasoning,
    usage: tally.usage(),
    finish_reason: result.finishReason,
  };
  if (structured) outputs.structured_output = structured;
  const processData = {
    model_mode: model.mode,
    model_provider: model.provider ?? null,
    model_name: model.name,
    prompts,
  };
  return tally.result(call.inputs, outputs, processData);
}

/** Streams the call's text (and reasoning, per reasoning_format) to the node's text chunks. */
function streamTo(
  request: LlmChatRequest,
  format: ReasoningFormat,
  emit: NonNullable<NodeRunContext['emitTextChunk']>,
  nodeId: string,
): ReasoningStream {
  const selector: [string, string] = [nodeId, 'text'];
  const s = new ReasoningStream(format, (text) => emit(text, selector));
  request.onChunk = (delta) => s.text(delta);
  request.onReasoningChunk = (delta) => s.reasoning(delta);
  return s;
}

/** Dify's key of a reference in an LLM node's inputs: `#start.question#`. */
function referenceKey(selector: readonly string[]): string {
  return `#${selector.join('.')}#`;
}

/** A message's parts rendered and joined by the context (one part, no join, when context is off). */
function renderParts(parts: readonly MessagePart[], values: readonly unknown[], context: string): string {
  if (parts.length === 1) return renderPart(parts[0], values);
  let out = '';
  for (let i = 0; i < parts.length; i++) out += (i === 0 ? '' : context) + renderPart(parts[i], values);
  return out;
}

/** As renderCompiledTemplate, over the values already read for the node's inputs. */
function renderPart({ template, slots }: MessagePart, values: readonly unknown[]): string {
  const { parts } = template;
  if (parts.length === 1 && typeof parts[0] === 'string') return parts[0];
  let out = '';
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if (typeof part === 'string') out += part;
    else {
      const value = values[slots[i]];
      // As Dify renders a reference it cannot resolve: the selector text without the braces.
      out += value === undefined ? part.join('.') : stringifyValue(value);
    }
  }
  return out;
}

/** The prompt with the conversation's earlier turns and the query, as Dify's fetch_prompt_messages builds it. */
function withMemory(
  data: LlmNodeData,
  messages: LlmMessage[],
  memory: LlmMemoryConfig,
  queryTemplate: CompiledTemplate,
  history: NodeRunContext['history'],
  lookup: NodeRunContext['pool']['lookup'],
): LlmMessage[] {
  const turns = memoryWindow(history, memory);
  const query = renderCompiledTemplate(queryTemplate, lookup);
  if (data.model.mode === 'completion') {
    // Dify refuses a completion model's memory without role prefixes (MemoryRolePrefixRequiredError)
    if (!memory.rolePrefix) throw new LlmMemoryError('Memory role prefix is required for completion model.');
    const [first, ...rest] = messages;
    const content = withCompletionHistory(String(first.content), historyText(turns, memory.rolePrefix), query);
    return [{ role: first.role, content }, ...rest];
  }
  const out = [...messages, ...historyMessages(turns)];
  if (query) out.push({ role: 'user', content: query });
  return out;
}

export class LlmMemoryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MemoryRolePrefixRequiredError';
  }
}

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

/** The values of prompt_config's Jinja2 variables (recorded in the node's inputs under their names, as Dify does). */
function jinja2VariablesOf(data: LlmNodeData, ctx: NodeRunContext, inputs: Record<string, unknown>): Record<string, unknown> {
  const variables: Record<string, unknown> = {};
  for (const { variable, value_selector } of data.prompt_config?.jinja2_variables ?? []) {
    variables[variable] = ctx.pool.get(value_selector) ?? null;
    inputs[variable] = variables[variable];
  }
  return variables;
}
