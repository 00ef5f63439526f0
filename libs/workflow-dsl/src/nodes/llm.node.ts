// The LLM node: renders a prompt from variables and asks a model.
import { z } from 'zod';
import type { LocalIssue } from '../zod-issues';
import { parseVariableReferences } from '../variable-reference';
import { baseDataShape, normalizeData, type BaseNodeData, type NodeDefinition, type NodeReference } from './node-definition';

export type LlmMessageRole = 'system' | 'user' | 'assistant';

export interface LlmPromptMessage {
  role: LlmMessageRole;
  text: string;
}

export interface LlmCompletionParams {
  temperature?: number;
  top_p?: number;
  max_tokens?: number;
  presence_penalty?: number;
  frequency_penalty?: number;
  stop?: string[];
}

export interface LlmModelConfig {
  provider?: string;
  name: string;
  /** Both modes are sent as chat; `completion` is kept so Dify exports round-trip. */
  mode: 'chat' | 'completion';
  completion_params: LlmCompletionParams;
}

export interface LlmNodeData extends BaseNodeData {
  type: 'llm';
  model: LlmModelConfig;
  /** Always a message list; Dify's completion-mode `{ text }` becomes one user message. */
  prompt_template: LlmPromptMessage[];
  /**
   * Dify's context: when enabled, the string at variable_selector replaces `{{#context#}}` in the
   * prompt. Kept as read (Dify writes it disabled with an empty selector on every LLM node).
   */
  context?: unknown;
  /** Accepted from Dify exports, not used yet. */
  vision?: unknown;
  /** Dify's chat memory: `{ window: { enabled, size }, role_prefix?, query_prompt_template? }` (the runtime reads it). */
  memory?: unknown;
  /** Dify's `reasoning_format`: 'tagged' (the default) keeps `<think>` blocks in the text, 'separated' splits them off. */
  reasoning_format?: 'tagged' | 'separated' | null;
}

/** The selector of an LLM node's enabled context, or null (disabled, or no selector). */
export function llmContextSelector(data: { context?: unknown }): readonly string[] | null {
  const c = data.context as { enabled?: unknown; variable_selector?: unknown } | null | undefined;
  if (!c || c.enabled !== true || !Array.isArray(c.variable_selector) || c.variable_selector.length < 2) return null;
  return c.variable_selector as string[];
}

/** What an LLM node writes to the variable pool. */
export const LLM_OUTPUT_FIELDS = ['text', 'reasoning_content', 'usage', 'finish_reason'] as const;

// the ranges providers accept (OpenAI, DeepSeek), so a bad value fails at save time, not mid-run
const between = (min: number, max: number) =>
  z.number().min(min, `must be between ${min} and ${max}`).max(max, `must be between ${min} and ${max}`).nullish();
const completionParamsSchema = z.looseObject({
  temperature: between(0, 2),
  top_p: between(0, 1),
  max_tokens: z.number().int().positive().nullish(),
  presence_penalty: between(-2, 2),
  frequency_penalty: between(-2, 2),
  n: z.number().int().min(1, 'must be 1').max(1, 'must be 1: an LLM node uses one choice').nullish(),
  stop: z.array(z.string()).nullish(),
});

const messageSchema = z.looseObject({
  role: z.enum(['system', 'user', 'assistant']),
  text: z.string(),
  edition_type: z.string().nullish(),
});
const completionPromptSchema = z.looseObject({ text: z.string(), edition_type: z.string().nullish() });

const schema = z.looseObject({
  ...baseDataShape,
  type: z.literal('llm'),
  model: z.looseObject({
    provider: z.string().nullish(),
    name: z.string().min(1),
    mode: z.enum(['chat', 'completion']).nullish(),
    completion_params: completionParamsSchema.nullish(),
  }),
  prompt_template: z.union([z.array(messageSchema).min(1), completionPromptSchema]),
  context: z.looseObject({ enabled: z.boolean().nullish(), variable_selector: z.array(z.string()).nullish() }).nullish(),
  memory: z
    .looseObject({
      window: z.looseObject({ enabled: z.boolean().nullish(), size: z.number().int().min(1).max(10_000).nullish() }).nullish(),
      role_prefix: z.looseObject({ user: z.string().max(1_000).nullish(), assistant: z.string().max(1_000).nullish() }).nullish(),
      query_prompt_template: z.string().nullish(),
    })
    .nullish(),
  reasoning_format: z.enum(['tagged', 'separated']).nullish(),
});
type ParsedLlm = z.infer<typeof schema>;

function normalizeParams(p: z.infer<typeof completionParamsSchema> | null | undefined): LlmCompletionParams {
  const out: LlmCompletionParams = {};
  if (!p) return out;
  if (p.temperature != null) out.temperature = p.temperature;
  if (p.top_p != null) out.top_p = p.top_p;
  if (p.max_tokens != null) out.max_tokens = p.max_tokens;
  if (p.presence_penalty != null) out.presence_penalty = p.presence_penalty;
  if (p.frequency_penalty != null) out.frequency_penalty = p.frequency_penalty;
  if (p.stop != null && p.stop.length > 0) out.stop = p.stop;
  return out;
}

function templateTexts(parsed: ParsedLlm): Array<{ path: Array<string | number>; text: string; editionType: string | null | undefined }> {
  const t = parsed.prompt_template;
  if (Array.isArray(t)) return t.map((m, i) => ({ path: ['prompt_template', i, 'text'], text: m.text, editionType: m.edition_type }));
  return [{ path: ['prompt_template', 'text'], text: t.text, editionType: t.edition_type }];
}

function check(parsed: ParsedLlm): LocalIssue[] {
  // Jinja2 prompts would render as literal template source, which is worse than refusing them.
  return templateTexts(parsed)
    .filter((t) => t.editionType != null && t.editionType !== 'basic')
    .map((t) => ({
      path: [...t.path.slice(0, -1), 'edition_type'],
      code: 'unsupported' as const,
      detail: `'${String(t.editionType)}' is not supported yet; only 'basic' ({{#node.field#}}) prompts are`,
    }));
}

export const llmNodeDefinition: NodeDefinition<LlmNodeData, ParsedLlm> = {
  type: 'llm',
  schema,
  normalize: (parsed, nodeId) => {
    const m = parsed.model;
    const model: LlmModelConfig = { name: m.name, mode: m.mode ?? 'chat', completion_params: normalizeParams(m.completion_params) };
    if (m.provider) model.provider = m.provider;
    const t = parsed.prompt_template;
    const prompt_template: LlmPromptMessage[] = Array.isArray(t)
      ? t.map((msg) => ({ role: msg.role, text: msg.text }))
      : [{ role: 'user', text: t.text }];
    return normalizeData(parsed, 'llm', nodeId, { model, prompt_template });
  },
  check,
  references: (parsed) => {
    const refs: NodeReference[] = [];
    for (const { path, text } of templateTexts(parsed)) {
      for (const ref of parseVariableReferences(text)) refs.push({ path, selector: ref.selector, raw: ref.raw });
    }
    const context = llmContextSelector(parsed);
    if (context) refs.push({ path: ['context', 'variable_selector'], selector: context });
    const query = parsed.memory?.query_prompt_template;
    if (query)
      for (const ref of parseVariableReferences(query))
        refs.push({ path: ['memory', 'query_prompt_template'], selector: ref.selector, raw: ref.raw });
    return refs;
  },
  outputFields: () => LLM_OUTPUT_FIELDS,
};
