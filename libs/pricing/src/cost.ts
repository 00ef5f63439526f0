// The cost of one LLM call, exact to the last digit: no rounding happens here, so a ledger
// that sums many calls equals the sum of what each call cost.
import Decimal from 'decimal.js';
import { Money } from './money';
import { Price, rate } from './price';
import { PricingError } from './pricing.error';

/**
 * Token counts as providers report them (OpenAI and DeepSeek conventions): cached tokens are a
 * subset of `promptTokens`, reasoning tokens a subset of `completionTokens`.
 */
export interface TokenUsage {
  promptTokens: number;
  completionTokens: number;
  cachedPromptTokens?: number;
  reasoningTokens?: number;
}

export interface Cost {
  /** Prompt tokens not served from cache, at `inputPerMillion`. */
  input: Decimal;
  /** Prompt tokens served from cache, at `cachedInputPerMillion`. */
  cachedInput: Decimal;
  /** All completion tokens: visible ones at `outputPerMillion`, reasoning ones at `reasoningPerMillion`. */
  output: Decimal;
  /** input + cachedInput + output, in the price's currency. */
  total: Decimal;
}

const MILLION = new Money(1_000_000);

export function costOf(usage: TokenUsage, price: Price): Cost {
  const { prompt, completion, cached, reasoning } = validatedUsage(usage);

  // Re-validated here because a Price may be built by hand rather than read through the catalog.
  const inputRate = rate(price.inputPerMillion, 'price.inputPerMillion');
  const outputRate = rate(price.outputPerMillion, 'price.outputPerMillion');
  const cachedRate =
    price.cachedInputPerMillion === undefined ? inputRate : rate(price.cachedInputPerMillion, 'price.cachedInputPerMillion');
  const reasoningRate = price.reasoningPerMillion === undefined ? outputRate : rate(price.reasoningPerMillion, 'price.reasoningPerMillion');

  const input = perMillion(prompt - cached, inputRate);
  const cachedInput = perMillion(cached, cachedRate);
  const output = perMillion(completion - reasoning, outputRate).plus(perMillion(reasoning, reasoningRate));
  return { input, cachedInput, output, total: input.plus(cachedInput).plus(output) };
}

/** The counts of `usage`, checked: whole, non-negative, and each subset no larger than its whole. */
export function validatedUsage(usage: TokenUsage): { prompt: number; completion: number; cached: number; reasoning: number } {
  const prompt = tokens(usage.promptTokens, 'promptTokens');
  const completion = tokens(usage.completionTokens, 'completionTokens');
  const cached = tokens(usage.cachedPromptTokens ?? 0, 'cachedPromptTokens');
  const reasoning = tokens(usage.reasoningTokens ?? 0, 'reasoningTokens');
  if (cached > prompt) {
    throw new PricingError(
      'CACHED_EXCEEDS_PROMPT',
      `cachedPromptTokens (${cached}) is part of promptTokens and cannot exceed it (${prompt})`,
      'cachedPromptTokens',
    );
  }
  if (reasoning > completion) {
    throw new PricingError(
      'REASONING_EXCEEDS_COMPLETION',
      `reasoningTokens (${reasoning}) is part of completionTokens and cannot exceed it (${completion})`,
      'reasoningTokens',
    );
  }
  return { prompt, completion, cached, reasoning };
}

function perMillion(count: number, ratePerMillion: Decimal): Decimal {
  return new Money(count).times(ratePerMillion).dividedBy(MILLION);
}

function tokens(value: number, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new PricingError('INVALID_TOKENS', `${field} must be a non-negative whole number, got ${String(value)}`, field);
  }
  return value;
}
