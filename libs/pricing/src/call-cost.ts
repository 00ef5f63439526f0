// The cost of one LLM call as it is recorded: priced where the call is made, from the price in
// force when it started, to the ledger's 12 decimal places, so a run's total (a sum of its calls)
// equals the sum of its ledger rows exactly.
import Decimal from 'decimal.js';
import { costOf, validatedUsage, type TokenUsage } from './cost';
import { fixedRatesOf, formatLedgerUnits, ledgerUnits } from './fixed-point';
import { formatMoney } from './money';
import { priceFromRow, type Price, type PriceRow } from './price';
import type { PriceCatalog } from './price-catalog';
import { LEDGER_SCALE } from './scale';

export { LEDGER_SCALE };

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
  const rates = fixedRatesOf(price);
  if (rates) {
    // in integers (fixed-point.ts): the same strings as the decimal path below, for far less
    const u = validatedUsage(call.usage);
    const input = ledgerUnits(u.prompt - u.cached, rates.input, u.cached, rates.cachedInput);
    const output = ledgerUnits(u.completion - u.reasoning, rates.output, u.reasoning, rates.reasoning);
    return {
      input: formatLedgerUnits(input),
      output: formatLedgerUnits(output),
      total: formatLedgerUnits(input + output),
      currency: price.currency,
      priced: true,
    };
  }
  return decimalCallCost(price, call.usage);
}

/** callCost's arithmetic in decimal.js: for rates the integer path does not take, and the reference its test holds it to. */
export function decimalCallCost(price: Price, usage: TokenUsage): CallCost {
  const c = costOf(usage, price);
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
