// One usage shape for billing, whatever the provider reported. Never throws: a provider that sends
// garbage must not turn a successful, already-streamed answer into an error.
"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
function _export(target, all) {
    for(var name in all)Object.defineProperty(target, name, {
        enumerable: true,
        get: Object.getOwnPropertyDescriptor(all, name).get
    });
}
_export(exports, {
    get ZERO_USAGE () {
        return ZERO_USAGE;
    },
    get normalizeUsage () {
        return normalizeUsage;
    }
});
const ZERO_USAGE = Object.freeze({
    promptTokens: 0,
    completionTokens: 0,
    totalTokens: 0,
    cachedPromptTokens: 0,
    reasoningTokens: 0
});
function field(source, key) {
    return typeof source === 'object' && source !== null ? source[key] : undefined;
}
/** A token count, or undefined if the value is not one (negative, fractional, NaN, a string). */ function count(value) {
    return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}
function normalizeUsage(provider, usage) {
    if (typeof usage !== 'object' || usage === null || Array.isArray(usage)) return ZERO_USAGE;
    const cacheHit = count(field(usage, 'prompt_cache_hit_tokens'));
    const cacheMiss = count(field(usage, 'prompt_cache_miss_tokens'));
    const promptTokens = count(field(usage, 'prompt_tokens')) ?? count(field(usage, 'input_tokens')) ?? (cacheHit !== undefined || cacheMiss !== undefined ? (cacheHit ?? 0) + (cacheMiss ?? 0) : 0);
    const completionTokens = count(field(usage, 'completion_tokens')) ?? count(field(usage, 'output_tokens')) ?? 0;
    const openAiCached = count(field(field(usage, 'prompt_tokens_details'), 'cached_tokens')) ?? count(field(field(usage, 'input_tokens_details'), 'cached_tokens'));
    const cached = provider === 'deepseek' ? cacheHit ?? openAiCached : openAiCached ?? cacheHit;
    const reasoning = count(field(field(usage, 'completion_tokens_details'), 'reasoning_tokens')) ?? count(field(field(usage, 'output_tokens_details'), 'reasoning_tokens')) ?? 0;
    return {
        promptTokens,
        completionTokens,
        totalTokens: count(field(usage, 'total_tokens')) ?? promptTokens + completionTokens,
        // Clamped so billing never computes a negative count of uncached prompt tokens.
        cachedPromptTokens: Math.min(cached ?? 0, promptTokens),
        reasoningTokens: Math.min(reasoning, completionTokens)
    };
}

//# sourceMappingURL=usage.normalizer.js.map