// The LLM node: renders a prompt from variables and asks a model.
import { z } from 'zod';
import type { LocalIssue } from '../zod-issues';
import { parseVariableReferences } from '../variable-reference';
import {
  baseDataShape,
  normalizeData,
  selectorSchema,
  variableNameSchema,
  type BaseNodeData,
  type NodeDefinition,
  type NodeReference,
} from './node-definition';

export type LlmMessageRole = 'system' | 'user' | 'assistant';

export interface LlmPromptMessage {
  role: LlmMessageRole;
  text: string;
  /** Dify's `jinja2` edition: the message is rendered from `jinja2_text` over `prompt_config.jinja2_variables`; `text` is ignored. */
  edition_type?: 'jinja2';
  jinja2_text?: string;
}

/** The variables a Jinja2 prompt reads: each `variable` is the `value_selector`'s value. */
export interface LlmJinja2Variable {
  variable: string;
  value_selector: string[];
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
  /** Dify's `prompt_config`: the variables of the node's Jinja2 messages. */
  prompt_config?: { jinja2_variables: LlmJinja2Variable[] };
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
  jinja2_text: z.string().nullish(),
});
const completionPromptSchema = z.looseObject({ text: z.string(), edition_type: z.string().nullish(), jinja2_text: z.string().nullish() });

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
  prompt_config: z
    .looseObject({ jinja2_variables: z.array(z.looseObject({ variable: variableNameSchema, value_selector: selectorSchema })).nullish() })
    .nullish(),
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

function templateTexts(
  parsed: ParsedLlm,
): Array<{ path: Array<string | number>; text: string; editionType: string | null | undefined; jinja2: string | null | undefined }> {
  const t = parsed.prompt_template;
  if (Array.isArray(t))
    return t.map((m, i) => ({ path: ['prompt_template', i, 'text'], text: m.text, editionType: m.edition_type, jinja2: m.jinja2_text }));
  return [{ path: ['prompt_template', 'text'], text: t.text, editionType: t.edition_type, jinja2: t.jinja2_text }];
}

const isJinja2 = (t: { editionType: string | null | undefined }) => t.editionType === 'jinja2';

function check(parsed: ParsedLlm): LocalIssue[] {
  const issues: LocalIssue[] = [];
  for (const t of templateTexts(parsed)) {
    if (t.editionType != null && t.editionType !== 'basic' && t.editionType !== 'jinja2')
      issues.push({
        path: [...t.path.slice(0, -1), 'edition_type'],
        code: 'unsupported',
        detail: `'${String(t.editionType)}' is not an edition Shoal knows; 'basic' ({{#node.field#}}) and 'jinja2' are`,
      });
    // a Jinja2 message without its source would send the literal `text`, which is worse than refusing it
    else if (isJinja2(t) && typeof t.jinja2 !== 'string')
      issues.push({ path: [...t.path.slice(0, -1), 'jinja2_text'], code: 'required', detail: "is required when edition_type is 'jinja2'" });
  }
  return issues;
}

export const llmNodeDefinition: NodeDefinition<LlmNodeData, ParsedLlm> = {
  type: 'llm',
  schema,
  normalize: (parsed, nodeId) => {
    const m = parsed.model;
    const model: LlmModelConfig = { name: m.name, mode: m.mode ?? 'chat', completion_params: normalizeParams(m.completion_params) };
    if (m.provider) model.provider = m.provider;
    const t = parsed.prompt_template;
    const message = (
      role: LlmMessageRole,
      m: { text: string; edition_type?: string | null; jinja2_text?: string | null },
    ): LlmPromptMessage =>
      m.edition_type === 'jinja2'
        ? { role, text: m.text, edition_type: 'jinja2', jinja2_text: m.jinja2_text ?? '' }
        : { role, text: m.text };
    const prompt_template: LlmPromptMessage[] = Array.isArray(t) ? t.map((msg) => message(msg.role, msg)) : [message('user', t)];
    const jinja2 = parsed.prompt_config?.jinja2_variables;
    return normalizeData(parsed, 'llm', nodeId, {
      model,
      prompt_template,
      ...(jinja2
        ? { prompt_config: { jinja2_variables: jinja2.map((v) => ({ variable: v.variable, value_selector: v.value_selector })) } }
        : {}),
    });
  },
  check,
  references: (parsed) => {
    const refs: NodeReference[] = [];
    // a Jinja2 message's `text` is not read; its variables are prompt_config's
    for (const t of templateTexts(parsed)) {
      if (isJinja2(t)) continue;
      for (const ref of parseVariableReferences(t.text)) refs.push({ path: t.path, selector: ref.selector, raw: ref.raw });
    }
    (parsed.prompt_config?.jinja2_variables ?? []).forEach((v, i) =>
      refs.push({ path: ['prompt_config', 'jinja2_variables', i, 'value_selector'], selector: v.value_selector }),
    );
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
