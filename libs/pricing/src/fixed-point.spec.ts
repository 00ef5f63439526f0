import fc from 'fast-check';
import { callCost, decimalCallCost } from './call-cost';
import { fixedRatesOf, formatLedgerUnits, ledgerUnits } from './fixed-point';
import { PriceCatalog } from './price-catalog';
import { priceFromRow } from './price';

const at = new Date('2026-03-01T12:00:00Z');
const price = (rates: { input: string; output: string; cached?: string; reasoning?: string }) =>
  priceFromRow({
    model: 'm',
    inputPerMillion: rates.input,
    outputPerMillion: rates.output,
    ...(rates.cached !== undefined ? { cachedInputPerMillion: rates.cached } : {}),
    ...(rates.reasoning !== undefined ? { reasoningPerMillion: rates.reasoning } : {}),
    effectiveFrom: '2026-01-01T00:00:00Z',
  });

// a plain decimal rate: up to a million, with up to 20 places (the ledger keeps 12; per million tokens that is 18)
const rate = fc
  .tuple(fc.bigInt({ min: 0n, max: 1_000_000n }), fc.integer({ min: 0, max: 20 }), fc.bigInt({ min: 0n, max: 10n ** 20n - 1n }))
  .map(([whole, places, fraction]) =>
    places === 0 ? whole.toString() : `${whole}.${(fraction % 10n ** BigInt(places)).toString().padStart(places, '0')}`,
  );
const count = fc.oneof(fc.integer({ min: 0, max: 10 }), fc.integer({ min: 0, max: 200_000 }), fc.integer({ min: 0, max: 2 ** 40 }));

describe('callCost in integers (fixed-point.ts)', () => {
  it('gives exactly the strings of the decimal.js path, for any rates and counts', () => {
    fc.assert(
      fc.property(
        rate,
        rate,
        fc.option(rate, { nil: undefined }),
        fc.option(rate, { nil: undefined }),
        count,
        count,
        count,
        count,
        (input, output, cached, reasoning, a, b, c, d) => {
          const p = price({ input, output, cached, reasoning });
          const usage = {
            promptTokens: Math.max(a, b),
            cachedPromptTokens: Math.min(a, b),
            completionTokens: Math.max(c, d),
            reasoningTokens: Math.min(c, d),
          };
          expect(fixedRatesOf(p)).not.toBeNull();
          const catalog = new PriceCatalog([]);
          const fast = callCost(catalog, { model: 'm', upstreamModel: 'm', startedAt: at, usage, priceOverride: rowOf(p) });
          expect(fast).toEqual(decimalCallCost(p, usage));
        },
      ),
      { numRuns: 3_000 },
    );
  });

  it('rounds a half ledger unit to the even neighbour, as the decimal path does', () => {
    // 0.0000005 per million tokens: 1 token costs 0.5e-12, 3 tokens 1.5e-12
    const half = fixedRatesOf(price({ input: '0.0000005', output: '0' }))!;
    expect(ledgerUnits(1, half.input, 0, half.input)).toBe(0n);
    expect(ledgerUnits(3, half.input, 0, half.input)).toBe(2n);
    expect(ledgerUnits(5, half.input, 0, half.input)).toBe(2n);
    expect(ledgerUnits(7, half.input, 0, half.input)).toBe(4n);
    const p = price({ input: '0.0000005', output: '0.0000005' });
    const usage = { promptTokens: 3, completionTokens: 5 };
    expect(callCost(new PriceCatalog([]), { model: 'm', upstreamModel: 'm', startedAt: at, usage, priceOverride: rowOf(p) })).toEqual(
      decimalCallCost(p, usage),
    );
  });

  it('formats ledger units as plain decimals without trailing zeros', () => {
    expect(formatLedgerUnits(0n)).toBe('0');
    expect(formatLedgerUnits(1n)).toBe('0.000000000001');
    expect(formatLedgerUnits(8_490_000n)).toBe('0.00000849');
    expect(formatLedgerUnits(12_000_000_000_000n)).toBe('12');
    expect(formatLedgerUnits(12_500_000_000_000n)).toBe('12.5');
  });

  it('leaves a rate it cannot hold in integers to the decimal path', () => {
    const p = price({ input: '0.27', output: '1.1' });
    expect(fixedRatesOf({ ...p, inputPerMillion: 'not a decimal' as never })).toBeNull();
    expect(fixedRatesOf({ ...p, outputPerMillion: p.outputPerMillion.negated() })).toBeNull();
  });
});

function rowOf(p: ReturnType<typeof price>) {
  return {
    inputPerMillion: p.inputPerMillion.toFixed(),
    outputPerMillion: p.outputPerMillion.toFixed(),
    ...(p.cachedInputPerMillion ? { cachedInputPerMillion: p.cachedInputPerMillion.toFixed() } : {}),
    ...(p.reasoningPerMillion ? { reasoningPerMillion: p.reasoningPerMillion.toFixed() } : {}),
  };
}
