// callCost's arithmetic in integers. A rate with d digits after the point is R / 10^d, so a call's
// cost in the ledger's unit (10^-12) is a sum of token count × R scaled by powers of ten: exact in
// BigInt, and rounded (half to even, as the decimal path rounds) only where a rate has more than
// six places (it is per million tokens). decimal.js did the same in a few microseconds per call, on
// every chat; this gives the same strings (a property test holds the two paths equal) for far less.
import Decimal from 'decimal.js';
import { LEDGER_SCALE } from './scale';
import type { Price } from './price';

interface FixedRate {
  units: bigint;
  places: number;
}

export interface FixedRates {
  input: FixedRate;
  cachedInput: FixedRate;
  output: FixedRate;
  reasoning: FixedRate;
}

/** Rates with more places than this take the decimal path (no price has them; nothing is refused). */
const MAX_PLACES = 30;
const POW10: bigint[] = Array.from({ length: MAX_PLACES + LEDGER_SCALE + 1 }, (_, i) => 10n ** BigInt(i));
// a catalog's prices live as long as the catalog: their integer rates are worked out once
const known = new WeakMap<Price, FixedRates | null>();

/** The price's rates as integers, or null where one is not a plain non-negative decimal (the decimal path decides). */
export function fixedRatesOf(price: Price): FixedRates | null {
  let rates = known.get(price);
  if (rates === undefined) {
    rates = build(price);
    known.set(price, rates);
  }
  return rates;
}

function build(price: Price): FixedRates | null {
  const input = fixed(price.inputPerMillion);
  const output = fixed(price.outputPerMillion);
  const cachedInput = price.cachedInputPerMillion === undefined ? input : fixed(price.cachedInputPerMillion);
  const reasoning = price.reasoningPerMillion === undefined ? output : fixed(price.reasoningPerMillion);
  return input && output && cachedInput && reasoning ? { input, cachedInput, output, reasoning } : null;
}

function fixed(rate: unknown): FixedRate | null {
  if (!Decimal.isDecimal(rate) || !rate.isFinite() || rate.isNegative()) return null;
  const places = rate.decimalPlaces();
  if (places > MAX_PLACES) return null;
  return { units: BigInt(rate.toFixed(places).replace('.', '')), places };
}

/** count1 at rate1 plus count2 at rate2, per million tokens, in the ledger's unit, rounded half to even. */
export function ledgerUnits(count1: number, rate1: FixedRate, count2: number, rate2: FixedRate): bigint {
  const places = Math.max(rate1.places, rate2.places);
  const sum = BigInt(count1) * rate1.units * POW10[places - rate1.places] + BigInt(count2) * rate2.units * POW10[places - rate2.places];
  // sum / 10^places per million tokens is sum × 10^(LEDGER_SCALE - 6 - places) ledger units
  const shift = LEDGER_SCALE - 6 - places;
  if (shift >= 0) return sum * POW10[shift];
  const divisor = POW10[-shift];
  const quotient = sum / divisor;
  const twice = (sum % divisor) * 2n;
  return twice > divisor || (twice === divisor && quotient % 2n === 1n) ? quotient + 1n : quotient;
}

/** Ledger units as the decimal path formats an amount: plain digits, no trailing zeros, '0' for zero. */
export function formatLedgerUnits(units: bigint): string {
  if (units === 0n) return '0';
  const digits = units.toString();
  const whole = digits.length > LEDGER_SCALE ? digits.slice(0, -LEDGER_SCALE) : '0';
  let fraction = digits.length > LEDGER_SCALE ? digits.slice(-LEDGER_SCALE) : digits.padStart(LEDGER_SCALE, '0');
  let end = fraction.length;
  while (end > 0 && fraction.charCodeAt(end - 1) === 48) end--;
  fraction = fraction.slice(0, end);
  return fraction ? `${whole}.${fraction}` : whole;
}
