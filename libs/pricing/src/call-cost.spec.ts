import { callCost } from './call-cost';
import { PriceCatalog } from './price-catalog';
import { PricingError } from './pricing.error';

const catalog = new PriceCatalog([
  {
    model: 'mock-chat',
    inputPerMillion: '0.27',
    cachedInputPerMillion: '0.07',
    outputPerMillion: '1.10',
    effectiveFrom: '2026-01-01T00:00:00Z',
  },
  { model: 'mock-chat', inputPerMillion: '0.5', outputPerMillion: '2', effectiveFrom: '2026-06-01T00:00:00Z' },
  { model: 'odd', inputPerMillion: '0.0000003', outputPerMillion: '0', effectiveFrom: '2026-01-01T00:00:00Z' },
]);
const at = new Date('2026-03-01T12:00:00Z');

describe('callCost (pricing at the call site)', () => {
  it('prices 7 prompt / 6 completion mock-chat tokens at 0.00000849 USD, input and output apart', () => {
    expect(
      callCost(catalog, { model: 'mock-chat', upstreamModel: 'mock-chat', startedAt: at, usage: { promptTokens: 7, completionTokens: 6 } }),
    ).toEqual({
      input: '0.00000189',
      output: '0.0000066',
      total: '0.00000849',
      currency: 'USD',
      priced: true,
    });
  });

  it('uses the price in force when the call started', () => {
    const later = callCost(catalog, {
      model: 'mock-chat',
      upstreamModel: 'mock-chat',
      startedAt: new Date('2026-06-01T00:00:00Z'),
      usage: { promptTokens: 1_000_000, completionTokens: 0 },
    });
    expect(later.total).toBe('0.5');
  });

  it('prices an alias by its upstream model, and a deployment override before the catalog', () => {
    expect(
      callCost(catalog, { model: 'alias', upstreamModel: 'mock-chat', startedAt: at, usage: { promptTokens: 7, completionTokens: 6 } })
        .total,
    ).toBe('0.00000849');
    const over = callCost(catalog, {
      model: 'mock-chat',
      upstreamModel: 'mock-chat',
      startedAt: at,
      usage: { promptTokens: 7, completionTokens: 6 },
      priceOverride: { inputPerMillion: '1', outputPerMillion: '2', currency: 'EUR' },
    });
    expect([over.total, over.currency]).toEqual(['0.000019', 'EUR']);
  });

  it('rounds to the ledger scale (12 places) so that a sum of calls equals a sum of ledger rows', () => {
    // 1 token at 0.0000003 per million is 3e-13: below the ledger's last digit
    const c = callCost(catalog, { model: 'odd', upstreamModel: 'odd', startedAt: at, usage: { promptTokens: 1, completionTokens: 0 } });
    expect(c.total).toBe('0');
    const five = callCost(catalog, { model: 'odd', upstreamModel: 'odd', startedAt: at, usage: { promptTokens: 5, completionTokens: 0 } });
    expect(five.total).toBe('0.000000000002'); // 1.5e-12, half to even
  });

  it('records a model without a price at zero, marked unpriced', () => {
    expect(
      callCost(catalog, { model: 'new', upstreamModel: 'new', startedAt: at, usage: { promptTokens: 7, completionTokens: 6 } }),
    ).toEqual({
      input: '0',
      output: '0',
      total: '0',
      currency: 'USD',
      priced: false,
    });
  });

  it('refuses counts that cannot be priced, priced or not', () => {
    expect(() =>
      callCost(catalog, {
        model: 'new',
        upstreamModel: 'new',
        startedAt: at,
        usage: { promptTokens: 1, completionTokens: 0, cachedPromptTokens: 2 },
      }),
    ).toThrow(PricingError);
  });
});
