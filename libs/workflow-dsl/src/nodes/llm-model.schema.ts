// What the LLM-calling nodes (llm, question-classifier, parameter-extractor) share: Dify's `model`,
// `vision` and `memory` fields, as checked at import and as the runtime reads them.
import { z } from 'zod';
import type { NodeReference } from './node-definition';

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

/** Dify's `vision` on LLM, question-classifier and parameter-extractor nodes. */
export const llmVisionSchema = z
  .looseObject({
    enabled: z.boolean().nullish(),
    configs: z.looseObject({ variable_selector: z.array(z.string()).nullish(), detail: z.enum(['high', 'low']).nullish() }).nullish(),
  })
  .nullish();

/** Dify's `memory` on LLM, question-classifier and parameter-extractor nodes. */
export const llmMemorySchema = z
  .looseObject({
    window: z.looseObject({ enabled: z.boolean().nullish(), size: z.number().int().min(1).max(10_000).nullish() }).nullish(),
    role_prefix: z.looseObject({ user: z.string().max(1_000).nullish(), assistant: z.string().max(1_000).nullish() }).nullish(),
    query_prompt_template: z.string().nullish(),
  })
  .nullish();

/** Dify's `model` on LLM, question-classifier and parameter-extractor nodes. */
export const llmModelSchema = z.looseObject({
  provider: z.string().nullish(),
  name: z.string().min(1),
  mode: z.enum(['chat', 'completion']).nullish(),
  completion_params: completionParamsSchema.nullish(),
});

/** The model config as the runtime reads it. */
export function normalizeLlmModel(m: z.infer<typeof llmModelSchema>): LlmModelConfig {
  const model: LlmModelConfig = { name: m.name, mode: m.mode ?? 'chat', completion_params: normalizeParams(m.completion_params) };
  if (m.provider) model.provider = m.provider;
  return model;
}

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

/** Dify's vision settings: the files' selector (sys.files by default) and the detail asked for. */
export interface LlmVisionConfig {
  selector: readonly string[];
  detail: 'high' | 'low';
}

/** The vision settings of a node's data when vision is enabled, or null. */
export function llmVisionOf(data: { vision?: unknown }): LlmVisionConfig | null {
  const v = data.vision as { enabled?: unknown; configs?: { variable_selector?: unknown; detail?: unknown } | null } | null | undefined;
  if (!v || v.enabled !== true) return null;
  const selector = v.configs?.variable_selector;
  return {
    selector: Array.isArray(selector) && selector.length >= 2 ? (selector as string[]) : ['sys', 'files'],
    detail: v.configs?.detail === 'low' ? 'low' : 'high',
  };
}

/** The vision selector's reference when vision is enabled with a selector of its own. */
export function llmVisionReferences(parsed: { vision?: unknown }): NodeReference[] {
  const vision = llmVisionOf(parsed);
  return vision ? [{ path: ['vision', 'configs', 'variable_selector'], selector: vision.selector }] : [];
}
