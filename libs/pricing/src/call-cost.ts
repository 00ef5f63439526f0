// The cost of one LLM call as it is recorded: priced where the call is made, from the price in
// force when it started, to the ledger's 12 decimal places, so a run's total (a sum of its calls)
// equals the sum of its ledger rows exactly.
import Decimal from 'decimal.js';
import { costOf, type TokenUsage } from './cost';
import { formatMoney } from './money';
import { priceFromRow, type Price, type PriceRow } from './price';
import type { PriceCatalog } from './price-catalog';

/** Digits after the point the ledger keeps (Postgres numeric(24, 12)). */
export const LEDGER_SCALE = 12;

export interface CallCost {
  /** prompt tokens, cached ones included */
  input: string;
  output: string;
  /** input + output, exactly */
  total: string;
  currency: string;
  /** false: no price was known for the model, and the call is recorded at zero */
  priced: boolean;
}

export interface CallToPrice {
  /** the public model name the caller asked for */
  model: string;
  /** what the provider was asked for: its price wins over an alias's */
  upstreamModel: string;
  startedAt: Date;
  usage: TokenUsage;
  /** a deployment's own price, per million tokens, instead of the catalog's */
  priceOverride?: Omit<PriceRow, 'model' | 'effectiveFrom'> | null;
}

/** @throws PricingError for token counts that cannot be priced (negative, cached > prompt, …) */
export function callCost(catalog: PriceCatalog, call: CallToPrice): CallCost {
  const price = priceOf(catalog, call);
  if (!price) {
    costOf(call.usage, ZERO_PRICE); // still validates the counts
    return { input: '0', output: '0', total: '0', currency: 'USD', priced: false };
  }
  const c = costOf(call.usage, price);
  const input = round(c.input.plus(c.cachedInput));
  const output = round(c.output);
  return {
    input: formatMoney(input),
    output: formatMoney(output),
    total: formatMoney(input.plus(output)),
    currency: price.currency,
    priced: true,
  };
}

function priceOf(catalog: PriceCatalog, call: CallToPrice): Price | undefined {
  if (call.priceOverride) return priceFromRow({ ...call.priceOverride, model: call.model, effectiveFrom: new Date(0) });
  return catalog.priceAt(call.upstreamModel, call.startedAt) ?? catalog.priceAt(call.model, call.startedAt);
}

function round(d: Decimal): Decimal {
  return d.toDecimalPlaces(LEDGER_SCALE, Decimal.ROUND_HALF_EVEN);
}

const ZERO_PRICE: Price = priceFromRow({ model: 'none', inputPerMillion: '0', outputPerMillion: '0', effectiveFrom: new Date(0) });
