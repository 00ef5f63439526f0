// One usage shape for billing, whatever the provider reported. Never throws: a provider that sends
// garbage must not turn a successful, already-streamed answer into an error.
import type { ProviderKind } from './deployment';

export interface NormalizedUsage {
  readonly promptTokens: number;
  readonly completionTokens: number;
  readonly totalTokens: number;
  /** Prompt tokens served from the provider's cache (billed cheaper); part of promptTokens. */
  readonly cachedPromptTokens: number;
  /** Thinking tokens; part of completionTokens, as both OpenAI and DeepSeek count them. */
  readonly reasoningTokens: number;
}

export const ZERO_USAGE: NormalizedUsage = Object.freeze({
  promptTokens: 0,
  completionTokens: 0,
  totalTokens: 0,
  cachedPromptTokens: 0,
  reasoningTokens: 0,
});

function field(source: unknown, key: string): unknown {
  return typeof source === 'object' && source !== null ? (source as Record<string, unknown>)[key] : undefined;
}

/** A token count, or undefined if the value is not one (negative, fractional, NaN, a string). */
function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

/**
 * Reads OpenAI's usage (`prompt_tokens_details.cached_tokens`,
 * `completion_tokens_details.reasoning_tokens`), DeepSeek's (`prompt_cache_hit_tokens`,
 * `prompt_cache_miss_tokens`) and the Responses-style `input_tokens`/`output_tokens` that some
 * OpenAI-compatible servers send. Fields are read by shape rather than by `provider`, since an
 * `openai-compatible` endpoint is often DeepSeek or OpenAI behind a proxy; `provider` only decides
 * which cache field wins when a server sends both. Missing fields are 0.
 */
export function normalizeUsage(provider: ProviderKind | string, usage: unknown): NormalizedUsage {
  if (typeof usage !== 'object' || usage === null || Array.isArray(usage)) return ZERO_USAGE;

  const cacheHit = count(field(usage, 'prompt_cache_hit_tokens'));
  const cacheMiss = count(field(usage, 'prompt_cache_miss_tokens'));
  const promptTokens =
    count(field(usage, 'prompt_tokens')) ??
    count(field(usage, 'input_tokens')) ??
    (cacheHit !== undefined || cacheMiss !== undefined ? (cacheHit ?? 0) + (cacheMiss ?? 0) : 0);
  const completionTokens = count(field(usage, 'completion_tokens')) ?? count(field(usage, 'output_tokens')) ?? 0;

  const openAiCached =
    count(field(field(usage, 'prompt_tokens_details'), 'cached_tokens')) ??
    count(field(field(usage, 'input_tokens_details'), 'cached_tokens'));
  const cached = provider === 'deepseek' ? (cacheHit ?? openAiCached) : (openAiCached ?? cacheHit);
  const reasoning =
    count(field(field(usage, 'completion_tokens_details'), 'reasoning_tokens')) ??
    count(field(field(usage, 'output_tokens_details'), 'reasoning_tokens')) ??
    0;

  return {
    promptTokens,
    completionTokens,
    totalTokens: count(field(usage, 'total_tokens')) ?? promptTokens + completionTokens,
    // Clamped so billing never computes a negative count of uncached prompt tokens.
    cachedPromptTokens: Math.min(cached ?? 0, promptTokens),
    reasoningTokens: Math.min(reasoning, completionTokens),
  };
}
