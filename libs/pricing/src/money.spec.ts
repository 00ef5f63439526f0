import Decimal from 'decimal.js';
import { formatMoney, Money, sumMoney, toMoney } from './money';
import { PricingError } from './pricing.error';

describe('sumMoney', () => {
  it('sums decimal strings and Decimals exactly', () => {
    expect(formatMoney(sumMoney(['0.1', '0.2']))).toBe('0.3');
    expect(formatMoney(sumMoney([new Decimal('0.00000027'), '0.00000073', '1']))).toBe('1.000001');
  });

  it('keeps more than the 20 significant digits plain decimal.js would', () => {
    expect(formatMoney(sumMoney(['12345678901234567890.123456789', '0.000000001']))).toBe('12345678901234567890.12345679');
  });

  it('is 0 for an empty list', () => {
    expect(formatMoney(sumMoney([]))).toBe('0');
  });

  it.each(['1e5', 'NaN', '', ' 1', '0,5', 'Infinity'])('refuses the amount %j', (value) => {
    expect(() => sumMoney(['1', value])).toThrow(expect.objectContaining({ code: 'INVALID_AMOUNT', field: 'values[1]' }));
  });

  it('refuses a float smuggled past the types', () => {
    const values = [0.1] as unknown as string[];
    expect(() => sumMoney(values)).toThrow(PricingError);
  });
});

describe('formatMoney', () => {
  it('never uses exponent notation', () => {
    expect(formatMoney(new Decimal('2.7e-7'))).toBe('0.00000027');
    expect(formatMoney(new Decimal('1e25'))).toBe('10000000000000000000000000');
  });

  it('drops trailing zeros and prints zero as 0', () => {
    expect(formatMoney(new Decimal('10.500'))).toBe('10.5');
    expect(formatMoney(new Decimal('-0'))).toBe('0');
  });
});

describe('Money', () => {
  it('serializes amounts as plain decimal strings in JSON', () => {
    expect(JSON.stringify({ a: new Money('0.00000027'), b: toMoney('1000.000') })).toBe('{"a":"0.00000027","b":"1000"}');
  });
});
