// Exact decimal money: a decimal.js constructor configured for amounts, and the small
// arithmetic helpers budgets need.
import Decimal from 'decimal.js';
import { PricingError } from './pricing.error';

/**
 * The Decimal constructor every amount of this lib is made with. Its instances are ordinary
 * `Decimal`s (same prototype), configured so that:
 * - 60 significant digits keep token × rate products and long ledger sums exact (the default 20
 *   would silently round a sum past 20 digits);
 * - `toString()`/`toJSON()` never switch to exponent notation, so `JSON.stringify` writes
 *   '0.00000027', not '2.7e-7', and the string round-trips through Postgres `numeric`;
 * - if rounding ever happens it is banker's rounding, which does not drift a long sum.
 */
export const Money = Decimal.clone({
  precision: 60,
  rounding: Decimal.ROUND_HALF_EVEN,
  toExpNeg: -9e15,
  toExpPos: 9e15,
});

// A plain decimal: no sign games, no exponent, no whitespace; what Postgres `numeric` prints.
const PLAIN_DECIMAL = /^-?\d+(\.\d+)?$/;

/**
 * Parses an amount given as a plain decimal string (or a Decimal) into a `Money` decimal.
 * Numbers are refused on purpose: a float has already lost the exact value.
 */
export function toMoney(value: Decimal | string, field = 'amount'): Decimal {
  if (typeof value === 'string') {
    if (!PLAIN_DECIMAL.test(value)) {
      throw new PricingError('INVALID_AMOUNT', `${field} must be a plain decimal string like "0.27", got ${JSON.stringify(value)}`, field);
    }
    return new Money(value);
  }
  if (Decimal.isDecimal(value) && value.isFinite()) {
    return new Money(value);
  }
  throw new PricingError('INVALID_AMOUNT', `${field} must be a finite Decimal or a decimal string, got ${describe(value)}`, field);
}

/** Exact sum of amounts; an empty list sums to 0. */
export function sumMoney(values: ReadonlyArray<Decimal | string>): Decimal {
  return values.reduce<Decimal>((sum, value, i) => sum.plus(toMoney(value, `values[${i}]`)), new Money(0));
}

/**
 * The amount as a plain decimal string: every significant digit, no exponent, no trailing
 * zeros ('0.00000027', '12.5', '0'). Round first (`toDecimalPlaces`) if a display needs cents.
 */
export function formatMoney(d: Decimal): string {
  const amount = toMoney(d);
  // -0 would print as '0' anyway, but a negative zero amount is never meaningful, so normalise.
  return amount.isZero() ? '0' : amount.toFixed();
}

function describe(value: unknown): string {
  if (typeof value === 'number') return `the number ${value} (pass a string; floats are not exact)`;
  if (Decimal.isDecimal(value)) return value.toString();
  return typeof value;
}
