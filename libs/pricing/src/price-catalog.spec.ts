import { costOf } from './cost';
import { DEFAULT_PRICE_CATALOG, DEFAULT_PRICES } from './default-prices';
import { formatMoney } from './money';
import { PriceCatalog } from './price-catalog';

const rows = [
  { model: 'm', inputPerMillion: '2', outputPerMillion: '4', effectiveFrom: '2025-03-01T00:00:00Z' },
  { model: 'm', inputPerMillion: '1', outputPerMillion: '2', effectiveFrom: '2025-01-01T00:00:00Z' },
  { model: 'other', currency: 'EUR', inputPerMillion: '9', outputPerMillion: '9', effectiveFrom: '2025-02-01T00:00:00Z' },
];

describe('PriceCatalog.priceAt', () => {
  const catalog = new PriceCatalog(rows);
  const inputAt = (model: string, iso: string) => {
    const price = catalog.priceAt(model, new Date(iso));
    return price && formatMoney(price.inputPerMillion);
  };

  it('picks the latest row that is already in force, whatever the row order', () => {
    expect(inputAt('m', '2025-02-15T12:00:00Z')).toBe('1');
    expect(inputAt('m', '2026-01-01T00:00:00Z')).toBe('2');
  });

  it('switches to a new row exactly at its effectiveFrom', () => {
    expect(inputAt('m', '2025-02-28T23:59:59.999Z')).toBe('1');
    expect(inputAt('m', '2025-03-01T00:00:00Z')).toBe('2');
  });

  it('has no price before the first row or for an unknown model', () => {
    expect(catalog.priceAt('m', new Date('2024-12-31T23:59:59Z'))).toBeUndefined();
    expect(catalog.priceAt('gpt-unknown', new Date('2025-06-01T00:00:00Z'))).toBeUndefined();
  });

  it('keeps the currency and defaults it to USD', () => {
    expect(catalog.priceAt('other', new Date('2025-06-01T00:00:00Z'))?.currency).toBe('EUR');
    expect(catalog.priceAt('m', new Date('2025-06-01T00:00:00Z'))?.currency).toBe('USD');
  });

  it('refuses an invalid date', () => {
    expect(() => catalog.priceAt('m', new Date('nope'))).toThrow(expect.objectContaining({ code: 'INVALID_DATE' }));
  });

  it('hands out prices that cannot be edited in place', () => {
    const price = catalog.priceAt('m', new Date('2025-06-01T00:00:00Z'));
    expect(() => Object.assign(price ?? {}, { model: 'x' })).toThrow(TypeError);
    expect(catalog.models()).toEqual(['m', 'other']);
  });
});

describe('PriceCatalog construction', () => {
  const base = { model: 'm', inputPerMillion: '1', outputPerMillion: '1', effectiveFrom: '2025-01-01T00:00:00Z' };

  it.each([
    [{ ...base, inputPerMillion: '-1' }, 'INVALID_AMOUNT', 'rows[0].inputPerMillion'],
    [{ ...base, outputPerMillion: '1e-6' }, 'INVALID_AMOUNT', 'rows[0].outputPerMillion'],
    [{ ...base, cachedInputPerMillion: 'free' }, 'INVALID_AMOUNT', 'rows[0].cachedInputPerMillion'],
    [{ ...base, currency: 'usd' }, 'INVALID_CURRENCY', 'rows[0].currency'],
    [{ ...base, effectiveFrom: '2025-01-01' }, 'INVALID_DATE', 'rows[0].effectiveFrom'],
    [{ ...base, effectiveFrom: '2025-13-01T00:00:00Z' }, 'INVALID_DATE', 'rows[0].effectiveFrom'],
    [{ ...base, model: ' ' }, 'INVALID_MODEL', 'rows[0].model'],
  ])('rejects %j with %s', (row, code, field) => {
    expect(() => new PriceCatalog([row])).toThrow(expect.objectContaining({ code, field }));
  });

  it('rejects two rows for the same model and instant', () => {
    expect(() => new PriceCatalog([base, { ...base, effectiveFrom: new Date('2025-01-01T00:00:00Z'), inputPerMillion: '2' }])).toThrow(
      expect.objectContaining({ code: 'DUPLICATE_PRICE', field: 'rows[1].effectiveFrom' }),
    );
  });
});

describe('DEFAULT_PRICES', () => {
  const at = new Date('2025-06-01T00:00:00Z');

  it('prices the mock provider model at its made-up rates', () => {
    const price = DEFAULT_PRICE_CATALOG.priceAt('mock-chat', at);
    expect(price).toBeDefined();
    const cost = costOf({ promptTokens: 1_000_000, cachedPromptTokens: 500_000, completionTokens: 1_000_000 }, price!);
    // 0.5 × 0.27 + 0.5 × 0.07 + 1 × 1.10
    expect(formatMoney(cost.total)).toBe('1.27');
  });

  it('covers the DeepSeek and OpenAI models Shoal ships with, from 2025-01-01', () => {
    expect(DEFAULT_PRICE_CATALOG.models()).toEqual([
      'deepseek-flash',
      'deepseek-v4-pro',
      'gpt-4o',
      'gpt-4o-mini',
      'mock-chat',
      'mock-embed',
      'text-embedding-3-large',
      'text-embedding-3-small',
    ]);
    expect(DEFAULT_PRICE_CATALOG.priceAt('gpt-4o', new Date('2024-12-31T23:59:59Z'))).toBeUndefined();
    const gpt4oMini = DEFAULT_PRICE_CATALOG.priceAt('gpt-4o-mini', at)!;
    expect([gpt4oMini.inputPerMillion, gpt4oMini.cachedInputPerMillion, gpt4oMini.outputPerMillion].map(String)).toEqual([
      '0.15',
      '0.075',
      '0.6',
    ]);
  });

  it('bills DeepSeek at the peak rate for now, whatever the time of day', () => {
    const flash = DEFAULT_PRICE_CATALOG.priceAt('deepseek-flash', at)!;
    const sundayNight = costOf({ promptTokens: 1_000_000, completionTokens: 0 }, flash);
    expect(formatMoney(sundayNight.total)).toBe('0.3');
    expect(flash.windows?.length).toBeGreaterThan(0);
  });

  it('cannot be modified by a caller', () => {
    expect(Object.isFrozen(DEFAULT_PRICES)).toBe(true);
    expect(Object.isFrozen(DEFAULT_PRICES[0])).toBe(true);
  });
});
