import Decimal from 'decimal.js';
import { costOf } from './cost';
import { formatMoney } from './money';
import { Price, priceFromRow } from './price';
import { PricingError } from './pricing.error';

const mockChat = priceFromRow({
  model: 'mock-chat',
  inputPerMillion: '0.27',
  cachedInputPerMillion: '0.07',
  outputPerMillion: '1.10',
  effectiveFrom: '2025-01-01T00:00:00Z',
});

function strings(cost: ReturnType<typeof costOf>): Record<string, string> {
  return {
    input: formatMoney(cost.input),
    cachedInput: formatMoney(cost.cachedInput),
    output: formatMoney(cost.output),
    total: formatMoney(cost.total),
  };
}

describe('costOf', () => {
  it('prices one token at 0.27 per million as exactly 0.00000027, also when serialized', () => {
    const cost = costOf({ promptTokens: 1, completionTokens: 0 }, mockChat);
    expect(formatMoney(cost.total)).toBe('0.00000027');
    expect(JSON.parse(JSON.stringify(cost))).toEqual({ input: '0.00000027', cachedInput: '0', output: '0', total: '0.00000027' });
  });

  it('adds components exactly where floats would drift (0.1 + 0.2 per million)', () => {
    const price = priceFromRow({ model: 'm', inputPerMillion: '0.1', outputPerMillion: '0.2', effectiveFrom: '2025-01-01T00:00:00Z' });
    const cost = costOf({ promptTokens: 1_000_000, completionTokens: 1_000_000 }, price);
    expect(0.1 + 0.2).not.toBe(0.3); // the float failure this lib exists to avoid
    expect(formatMoney(cost.total)).toBe('0.3');
  });

  it('stays exact for very large counts and long rates', () => {
    const price = priceFromRow({
      model: 'm',
      inputPerMillion: '0.000000000000000000001',
      outputPerMillion: '123456789.123456789',
      effectiveFrom: '2025-01-01T00:00:00Z',
    });
    const cost = costOf({ promptTokens: 9_007_199_254_740_991, completionTokens: 9_007_199_254_740_991 }, price);
    expect(formatMoney(cost.input)).toBe('0.000000000009007199254740991');
    // 9007199254740991 × 123456789.123456789 / 1e6, computed with Python's decimal at 100 digits.
    expect(formatMoney(cost.output)).toBe('1111999898985515673.411414775537899');
  });

  it('bills cached prompt tokens at the cached rate and the rest at the input rate', () => {
    const cost = costOf({ promptTokens: 1000, cachedPromptTokens: 400, completionTokens: 0 }, mockChat);
    expect(strings(cost)).toEqual({ input: '0.000162', cachedInput: '0.000028', output: '0', total: '0.00019' });
  });

  it('bills cached tokens at the input rate when the price has no cached rate', () => {
    const price: Price = { ...mockChat, cachedInputPerMillion: undefined };
    const cost = costOf({ promptTokens: 1000, cachedPromptTokens: 400, completionTokens: 0 }, price);
    expect(strings(cost)).toMatchObject({ input: '0.000162', cachedInput: '0.000108', total: '0.00027' });
  });

  it('bills reasoning tokens, part of the completion, at the reasoning rate', () => {
    const price: Price = { ...mockChat, reasoningPerMillion: new Decimal('3') };
    const cost = costOf({ promptTokens: 0, completionTokens: 1000, reasoningTokens: 600 }, price);
    // 400 visible at 1.10 + 600 reasoning at 3 = 0.00044 + 0.0018
    expect(formatMoney(cost.output)).toBe('0.00224');
    expect(formatMoney(cost.total)).toBe('0.00224');
  });

  it('bills reasoning tokens at the output rate when the price has no reasoning rate', () => {
    const withReasoning = costOf({ promptTokens: 10, completionTokens: 1000, reasoningTokens: 600 }, mockChat);
    const without = costOf({ promptTokens: 10, completionTokens: 1000 }, mockChat);
    expect(formatMoney(withReasoning.total)).toBe(formatMoney(without.total));
    expect(formatMoney(without.output)).toBe('0.0011');
  });

  it('costs nothing for zero tokens', () => {
    expect(strings(costOf({ promptTokens: 0, completionTokens: 0 }, mockChat))).toEqual({
      input: '0',
      cachedInput: '0',
      output: '0',
      total: '0',
    });
  });

  it.each([
    [{ promptTokens: -1, completionTokens: 0 }, 'INVALID_TOKENS', 'promptTokens'],
    [{ promptTokens: 1.5, completionTokens: 0 }, 'INVALID_TOKENS', 'promptTokens'],
    [{ promptTokens: 1, completionTokens: Number.NaN }, 'INVALID_TOKENS', 'completionTokens'],
    [{ promptTokens: 1, completionTokens: Number.POSITIVE_INFINITY }, 'INVALID_TOKENS', 'completionTokens'],
    [{ promptTokens: 1, completionTokens: 1, cachedPromptTokens: -2 }, 'INVALID_TOKENS', 'cachedPromptTokens'],
    [{ promptTokens: 10, completionTokens: 1, cachedPromptTokens: 11 }, 'CACHED_EXCEEDS_PROMPT', 'cachedPromptTokens'],
    [{ promptTokens: 10, completionTokens: 5, reasoningTokens: 6 }, 'REASONING_EXCEEDS_COMPLETION', 'reasoningTokens'],
  ])('rejects %j with %s', (usage, code, field) => {
    let caught: unknown;
    try {
      costOf(usage, mockChat);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(PricingError);
    expect(caught).toMatchObject({ code, field });
  });

  it('rejects a hand-built price with a negative rate', () => {
    const price: Price = { ...mockChat, outputPerMillion: new Decimal('-1') };
    expect(() => costOf({ promptTokens: 1, completionTokens: 1 }, price)).toThrow(
      expect.objectContaining({ code: 'INVALID_AMOUNT', field: 'price.outputPerMillion' }),
    );
  });
});
