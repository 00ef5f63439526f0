import { normalizeUsage, ZERO_USAGE } from './usage.normalizer';

describe('normalizeUsage', () => {
  it('reads OpenAI usage with cached and reasoning details', () => {
    expect(
      normalizeUsage('openai', {
        prompt_tokens: 1200,
        completion_tokens: 300,
        total_tokens: 1500,
        prompt_tokens_details: { cached_tokens: 1024, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 128, audio_tokens: 0 },
      }),
    ).toEqual({ promptTokens: 1200, completionTokens: 300, totalTokens: 1500, cachedPromptTokens: 1024, reasoningTokens: 128 });
  });

  it('reads DeepSeek usage with cache hit/miss and reasoning tokens', () => {
    expect(
      normalizeUsage('deepseek', {
        prompt_tokens: 900,
        completion_tokens: 410,
        total_tokens: 1310,
        prompt_cache_hit_tokens: 640,
        prompt_cache_miss_tokens: 260,
        completion_tokens_details: { reasoning_tokens: 380 },
      }),
    ).toEqual({ promptTokens: 900, completionTokens: 410, totalTokens: 1310, cachedPromptTokens: 640, reasoningTokens: 380 });
  });

  it('reads DeepSeek fields behind an openai-compatible endpoint too', () => {
    expect(normalizeUsage('openai-compatible', { prompt_cache_hit_tokens: 10, prompt_cache_miss_tokens: 5, completion_tokens: 2 })).toEqual(
      { promptTokens: 15, completionTokens: 2, totalTokens: 17, cachedPromptTokens: 10, reasoningTokens: 0 },
    );
  });

  it('reads Responses-style input/output tokens', () => {
    expect(
      normalizeUsage('openai-compatible', {
        input_tokens: 50,
        output_tokens: 20,
        input_tokens_details: { cached_tokens: 30 },
        output_tokens_details: { reasoning_tokens: 5 },
      }),
    ).toEqual({ promptTokens: 50, completionTokens: 20, totalTokens: 70, cachedPromptTokens: 30, reasoningTokens: 5 });
  });

  it('fills missing fields with 0 and derives the total', () => {
    expect(normalizeUsage('openai', { prompt_tokens: 7 })).toEqual({ ...ZERO_USAGE, promptTokens: 7, totalTokens: 7 });
    expect(normalizeUsage('openai', { prompt_tokens: 7, completion_tokens: 3, prompt_tokens_details: null })).toEqual({
      ...ZERO_USAGE,
      promptTokens: 7,
      completionTokens: 3,
      totalTokens: 10,
    });
  });

  it.each([
    [undefined],
    [null],
    ['12'],
    [42],
    [[1, 2]],
    [{ prompt_tokens: 'many', completion_tokens: -4, total_tokens: Number.NaN }],
    [{ prompt_tokens: 1.5 }],
  ])('turns garbage (%p) into zeros without throwing', (garbage) => {
    expect(normalizeUsage('deepseek', garbage)).toEqual(ZERO_USAGE);
  });

  it('never reports more cached tokens than prompt tokens', () => {
    expect(normalizeUsage('openai', { prompt_tokens: 10, prompt_tokens_details: { cached_tokens: 50 } }).cachedPromptTokens).toBe(10);
  });
});
