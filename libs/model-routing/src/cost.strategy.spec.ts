import { CostStrategy } from './cost.strategy';
import type { Deployment } from './deployment';
import { countPicks, dep } from './testing/fixtures';

const ctx = { model: 'm', attemptNo: 1 };
const priced = (id: string, input: string, output: string, weight = 1): Deployment => ({
  ...dep(id, 'm', weight),
  priceOverride: { inputPerMillion: input, outputPerMillion: output, currency: 'USD' },
});

describe('CostStrategy', () => {
  it('always picks the cheapest by price per token', () => {
    const s = new CostStrategy();
    const counts = countPicks(() => s.pick([priced('dep_dear', '2.5', '10'), priced('dep_cheap', '0.27', '1.1')], ctx), 10_000);
    expect(counts).toEqual({ dep_cheap: 10_000 });
  });

  it("reads the catalog's price through the port; a deployment's override wins over it", () => {
    const catalog = new Map([
      ['dep_a', 5],
      ['dep_b', 1],
      ['dep_c', 0.1],
    ]);
    const s = new CostStrategy((d) => catalog.get(d.id));
    expect(s.pick([dep('dep_a', 'm'), dep('dep_b', 'm')], ctx)?.id).toBe('dep_b');
    expect(s.pick([priced('dep_c', '3', '3'), dep('dep_b', 'm')], ctx)?.id).toBe('dep_b');
  });

  it('shares equally cheap deployments by weight (3:1 → 7,500 / 2,500 of 10,000)', () => {
    const s = new CostStrategy();
    const counts = countPicks(
      () => s.pick([priced('dep_a', '1', '1', 3), priced('dep_b', '1', '1'), priced('dep_x', '9', '9')], ctx),
      10_000,
    );
    expect(counts).toEqual({ dep_a: 7_500, dep_b: 2_500 });
  });

  it('puts unpriced deployments last, but still picks among them when nothing is priced', () => {
    const s = new CostStrategy();
    expect(countPicks(() => s.pick([dep('dep_u', 'm'), priced('dep_p', '9', '9')], ctx), 100)).toEqual({ dep_p: 100 });
    expect(countPicks(() => s.pick([dep('dep_u', 'm'), dep('dep_v', 'm')], ctx), 100)).toEqual({ dep_u: 50, dep_v: 50 });
  });
});
