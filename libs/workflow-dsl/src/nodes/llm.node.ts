// The LLM node: renders a prompt from variables and asks a model.
import { z } from 'zod';
import type { LocalIssue } from '../zod-issues';
import { parseVariableReferences } from '../variable-reference';
import { schemaPatternIssues } from './schema-patterns';
import {
  baseDataShape,
  normalizeData,
  selectorSchema,
  variableNameSchema,
  type BaseNodeData,
  type NodeDefinition,
  type NodeReference,
} from './node-definition';
import {
  llmMemorySchema,
  llmModelSchema,
  llmVisionReferences,
  llmVisionSchema,
  normalizeLlmModel,
  type LlmModelConfig,
} from './llm-model.schema';

export type { LlmCompletionParams, LlmModelConfig } from './llm-model.schema';

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
  /** Dify's vision: image files at `configs.variable_selector` (sys.files by default) sent with the last user message. */
  vision?: unknown;
  /** Dify's chat memory: `{ window: { enabled, size }, role_prefix?, query_prompt_template? }` (the runtime reads it). */
  memory?: unknown;
  /** Dify's `reasoning_format`: 'tagged' (the default) keeps `<think>` blocks in the text, 'separated' splits them off. */
  reasoning_format?: 'tagged' | 'separated' | null;
  /** Dify's `prompt_config`: the variables of the node's Jinja2 messages. */
  prompt_config?: { jinja2_variables: LlmJinja2Variable[] };
  /** Dify's structured output: set when `structured_output_enabled` (or graphon's `structured_output_switch_on`) and a schema is given. */
  structured_output_schema?: Record<string, unknown>;
}

/** The selector of an LLM node's enabled context, or null (disabled, or no selector). */
export function llmContextSelector(data: { context?: unknown }): readonly string[] | null {
  const c = data.context as { enabled?: unknown; variable_selector?: unknown } | null | undefined;
  if (!c || c.enabled !== true || !Array.isArray(c.variable_selector) || c.variable_selector.length < 2) return null;
  return c.variable_selector as string[];
}

/** What an LLM node writes to the variable pool (and `structured_output` when it has a schema). */
export const LLM_OUTPUT_FIELDS = ['text', 'reasoning_content', 'usage', 'finish_reason'] as const;

/** Bounds on a structured output schema: its JSON text and nesting. */
export const MAX_STRUCTURED_OUTPUT_SCHEMA_CHARS = 64 * 1024;
export const MAX_STRUCTURED_OUTPUT_SCHEMA_DEPTH = 32;

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
  model: llmModelSchema,
  prompt_template: z.union([z.array(messageSchema).min(1), completionPromptSchema]),
  context: z.looseObject({ enabled: z.boolean().nullish(), variable_selector: z.array(z.string()).nullish() }).nullish(),
  memory: llmMemorySchema,
  vision: llmVisionSchema,
  structured_output_enabled: z.boolean().nullish(),
  structured_output_switch_on: z.boolean().nullish(),
  structured_output: z.looseObject({ schema: z.unknown().optional() }).nullish(),
  reasoning_format: z.enum(['tagged', 'separated']).nullish(),
  prompt_config: z
    .looseObject({ jinja2_variables: z.array(z.looseObject({ variable: variableNameSchema, value_selector: selectorSchema })).nullish() })
    .nullish(),
});
type ParsedLlm = z.infer<typeof schema>;

function templateTexts(
  parsed: ParsedLlm,
): Array<{ path: Array<string | number>; text: string; editionType: string | null | undefined; jinja2: string | null | undefined }> {
  const t = parsed.prompt_template;
  if (Array.isArray(t))
    return t.map((m, i) => ({ path: ['prompt_template', i, 'text'], text: m.text, editionType: m.edition_type, jinja2: m.jinja2_text }));
  return [{ path: ['prompt_template', 'text'], text: t.text, editionType: t.edition_type, jinja2: t.jinja2_text }];
}

const isJinja2 = (t: { editionType: string | null | undefined }) => t.editionType === 'jinja2';

/** The schema of an enabled structured output (Dify's `structured_output_enabled` + `structured_output.schema`), or null. */
function structuredOutputSchemaOf(parsed: ParsedLlm): unknown {
  const on = parsed.structured_output_enabled ?? parsed.structured_output_switch_on ?? false;
  return on && parsed.structured_output ? (parsed.structured_output.schema ?? null) : null;
}

function schemaDepth(value: unknown, depth = 0): number {
  if (depth > MAX_STRUCTURED_OUTPUT_SCHEMA_DEPTH || value === null || typeof value !== 'object') return depth;
  let max = depth;
  for (const v of Object.values(value)) max = Math.max(max, schemaDepth(v, depth + 1));
  return max;
}

function checkStructuredOutput(parsed: ParsedLlm): LocalIssue[] {
  const on = parsed.structured_output_enabled ?? parsed.structured_output_switch_on ?? false;
  if (!on) return [];
  const schema = structuredOutputSchemaOf(parsed);
  const path = ['structured_output', 'schema'];
  if (schema === null || typeof schema !== 'object' || Array.isArray(schema))
    return [{ path, code: 'required', detail: 'must be a JSON schema object when structured_output_enabled is true' }];
  if (JSON.stringify(schema).length > MAX_STRUCTURED_OUTPUT_SCHEMA_CHARS)
    return [{ path, code: 'too_big', detail: `must be at most ${MAX_STRUCTURED_OUTPUT_SCHEMA_CHARS} characters of JSON` }];
  if (schemaDepth(schema) > MAX_STRUCTURED_OUTPUT_SCHEMA_DEPTH)
    return [{ path, code: 'too_big', detail: `must nest at most ${MAX_STRUCTURED_OUTPUT_SCHEMA_DEPTH} levels deep` }];
  const patterns = schemaPatternIssues(schema, path, MAX_STRUCTURED_OUTPUT_SCHEMA_DEPTH);
  if (patterns.length) return patterns;
  const type = (schema as { type?: unknown }).type;
  if (type !== undefined && type !== 'object')
    return [
      {
        path: [...path, 'type'],
        code: 'invalid_value',
        detail: `must be 'object': structured_output is an object (got ${JSON.stringify(type)})`,
      },
    ];
  return [];
}

function check(parsed: ParsedLlm): LocalIssue[] {
  const issues: LocalIssue[] = checkStructuredOutput(parsed);
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
    const model = normalizeLlmModel(parsed.model);
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
    const schema = structuredOutputSchemaOf(parsed);
    return normalizeData(parsed, 'llm', nodeId, {
      model,
      prompt_template,
      ...(schema && typeof schema === 'object' ? { structured_output_schema: schema as Record<string, unknown> } : {}),
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
    refs.push(...llmVisionReferences(parsed));
    const query = parsed.memory?.query_prompt_template;
    if (query)
      for (const ref of parseVariableReferences(query))
        refs.push({ path: ['memory', 'query_prompt_template'], selector: ref.selector, raw: ref.raw });
    return refs;
  },
  outputFields: (parsed) => (structuredOutputSchemaOf(parsed) ? [...LLM_OUTPUT_FIELDS, 'structured_output'] : LLM_OUTPUT_FIELDS),
};
