import { RunCost, addAmounts } from './run-cost';

describe('run cost', () => {
  it.each([
    ['0', '0', '0'],
    ['0.00000849', '0.00000849', '0.00001698'],
    ['0.1', '0.2', '0.3'],
    ['1', '0.000000000001', '1.000000000001'],
    ['0.5', '0.5', '1'],
    ['999999999999.999999999999', '0.000000000001', '1000000000000'],
  ])('adds %s and %s exactly to %s', (a, b, sum) => {
    expect(addAmounts(a, b)).toBe(sum);
  });

  it('refuses what is not a plain non-negative decimal', () => {
    expect(() => addAmounts('1e-7', '1')).toThrow(/plain/);
    expect(() => addAmounts('-1', '1')).toThrow(/plain/);
  });

  it("sums a run's node costs in the first currency and counts the others apart", () => {
    const run = new RunCost();
    run.add(null);
    run.add({ amount: '0.00000849', currency: 'USD' });
    run.add({ amount: '0.000019', currency: 'EUR' });
    run.add({ amount: '0.00000849', currency: 'USD' });
    expect([run.amount, run.currency, run.otherCurrencies]).toEqual(['0.00001698', 'USD', 1]);
  });
});
