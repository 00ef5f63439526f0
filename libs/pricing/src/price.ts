// What a model costs: the `Price` used in arithmetic, and the `PriceRow` it is written as in
// catalogs, config and the database (rates as decimal strings).
import Decimal from 'decimal.js';
import { toMoney } from './money';
import { PricingError } from './pricing.error';

/**
 * Reserved for time-of-day pricing such as DeepSeek's off-peak discount. Windows are
 * validated and carried through the catalog but NOT applied yet: `costOf` bills the base
 * rates. Each rate given here would replace the base rate while the window is open.
 */
export interface PriceWindow {
  /** Days of the week the window applies, in UTC, 0 = Sunday; every day when absent. */
  daysUtc?: ReadonlyArray<number>;
  /** Minutes after 00:00 UTC; start inclusive, end exclusive. */
  startMinuteUtc: number;
  endMinuteUtc: number;
  inputPerMillion?: Decimal;
  cachedInputPerMillion?: Decimal;
  outputPerMillion?: Decimal;
  reasoningPerMillion?: Decimal;
}

/** Rates per 1,000,000 tokens, effective from a point in time until a later row replaces them. */
export interface Price {
  model: string;
  /** ISO 4217 code, e.g. 'USD'. */
  currency: 'USD' | string;
  inputPerMillion: Decimal;
  /** Rate for prompt tokens served from the provider's cache; `inputPerMillion` when absent. */
  cachedInputPerMillion?: Decimal;
  outputPerMillion: Decimal;
  /** Rate for reasoning tokens (part of the completion); `outputPerMillion` when absent. */
  reasoningPerMillion?: Decimal;
  effectiveFrom: Date;
  /** Not applied yet; see `PriceWindow`. */
  windows?: ReadonlyArray<PriceWindow>;
}

type RateInput = string | Decimal;

export interface PriceWindowRow {
  daysUtc?: ReadonlyArray<number>;
  startMinuteUtc: number;
  endMinuteUtc: number;
  inputPerMillion?: RateInput;
  cachedInputPerMillion?: RateInput;
  outputPerMillion?: RateInput;
  reasoningPerMillion?: RateInput;
}

/** A price as written down: rates as plain decimal strings (or Decimals), dates as ISO strings. */
export interface PriceRow {
  model: string;
  /** ISO 4217; 'USD' when absent. */
  currency?: string;
  inputPerMillion: RateInput;
  cachedInputPerMillion?: RateInput;
  outputPerMillion: RateInput;
  reasoningPerMillion?: RateInput;
  /** ISO 8601 with an offset (e.g. '2025-01-01T00:00:00Z'), or a Date. */
  effectiveFrom: string | Date;
  windows?: ReadonlyArray<PriceWindowRow>;
}

const CURRENCY = /^[A-Z]{3}$/;
// An ISO timestamp without an offset would be read in the machine's local zone.
const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** Validates a row and turns it into a `Price`. `where` prefixes field names in errors. */
export function priceFromRow(row: PriceRow, where = ''): Price {
  if (typeof row.model !== 'string' || row.model.trim() === '') {
    throw new PricingError('INVALID_MODEL', `${where}model must be a non-empty string`, `${where}model`);
  }
  const currency = row.currency ?? 'USD';
  if (!CURRENCY.test(currency)) {
    throw new PricingError(
      'INVALID_CURRENCY',
      `${where}currency must be an ISO 4217 code like "USD", got ${JSON.stringify(currency)}`,
      `${where}currency`,
    );
  }
  const price: Price = {
    model: row.model,
    currency,
    inputPerMillion: rate(row.inputPerMillion, `${where}inputPerMillion`),
    outputPerMillion: rate(row.outputPerMillion, `${where}outputPerMillion`),
    effectiveFrom: instant(row.effectiveFrom, `${where}effectiveFrom`),
  };
  if (row.cachedInputPerMillion !== undefined)
    price.cachedInputPerMillion = rate(row.cachedInputPerMillion, `${where}cachedInputPerMillion`);
  if (row.reasoningPerMillion !== undefined) price.reasoningPerMillion = rate(row.reasoningPerMillion, `${where}reasoningPerMillion`);
  if (row.windows !== undefined) price.windows = row.windows.map((w, i) => windowFromRow(w, `${where}windows[${i}].`));
  return price;
}

/** A rate: a finite, non-negative decimal. */
export function rate(value: RateInput, field: string): Decimal {
  const amount = toMoney(value, field);
  if (amount.isNegative() && !amount.isZero()) {
    throw new PricingError('INVALID_AMOUNT', `${field} must not be negative, got ${amount.toFixed()}`, field);
  }
  return amount;
}

function instant(value: string | Date, field: string): Date {
  if (typeof value === 'string' && !ISO_WITH_OFFSET.test(value)) {
    throw new PricingError(
      'INVALID_DATE',
      `${field} must be an ISO 8601 timestamp with an offset, like "2025-01-01T00:00:00Z", got ${JSON.stringify(value)}`,
      field,
    );
  }
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) {
    throw new PricingError('INVALID_DATE', `${field} is not a valid date`, field);
  }
  return date;
}

function windowFromRow(row: PriceWindowRow, where: string): PriceWindow {
  const minute = (v: number, field: string): number => {
    if (!Number.isInteger(v) || v < 0 || v > 1440) {
      throw new PricingError('INVALID_DATE', `${where}${field} must be a whole number of minutes from 0 to 1440`, `${where}${field}`);
    }
    return v;
  };
  const window: PriceWindow = {
    startMinuteUtc: minute(row.startMinuteUtc, 'startMinuteUtc'),
    endMinuteUtc: minute(row.endMinuteUtc, 'endMinuteUtc'),
  };
  if (row.daysUtc !== undefined) {
    if (!row.daysUtc.every((d) => Number.isInteger(d) && d >= 0 && d <= 6)) {
      throw new PricingError('INVALID_DATE', `${where}daysUtc must list days 0 (Sunday) to 6`, `${where}daysUtc`);
    }
    window.daysUtc = [...row.daysUtc];
  }
  for (const key of ['inputPerMillion', 'cachedInputPerMillion', 'outputPerMillion', 'reasoningPerMillion'] as const) {
    const value = row[key];
    if (value !== undefined) window[key] = rate(value, `${where}${key}`);
  }
  return window;
}
