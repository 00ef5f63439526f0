import type { Deployment } from './deployment';
import { InMemoryHealthStore } from './health.store';
import { ModelRouter } from './model.router';
import { dep, ManualClock } from './testing/fixtures';
import { WeightedStrategy } from './weighted.strategy';

const ctx = { model: 'm', attemptNo: 1 };

function countPicks(strategy: WeightedStrategy, candidates: Deployment[], n: number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const id = strategy.pick(candidates, ctx)!.id;
    counts[id] = (counts[id] ?? 0) + 1;
  }
  return counts;
}

describe('WeightedStrategy', () => {
  it('splits 3:1 exactly 300/100 over 400 picks', () => {
    expect(countPicks(new WeightedStrategy(), [dep('dep_a', 'm', 3), dep('dep_b', 'm', 1)], 400)).toEqual({ dep_a: 300, dep_b: 100 });
  });

  it('is exact over every window of sum(weights) picks, not just in the long run', () => {
    const strategy = new WeightedStrategy();
    const candidates = [dep('dep_a', 'm', 5), dep('dep_b', 'm', 2), dep('dep_c', 'm', 1)];
    for (let window = 0; window < 25; window++) {
      expect(countPicks(strategy, candidates, 8)).toEqual({ dep_a: 5, dep_b: 2, dep_c: 1 });
    }
  });

  it('interleaves smoothly, as nginx does (5:1:1 → a a b a c a a)', () => {
    const strategy = new WeightedStrategy();
    const candidates = [dep('dep_a', 'm', 5), dep('dep_b', 'm', 1), dep('dep_c', 'm', 1)];
    const order = Array.from({ length: 7 }, () => strategy.pick(candidates, ctx)!.id.slice(4));
    expect(order.join(' ')).toBe('a a b a c a a');
  });

  it('never picks weight 0, and picks nothing from nothing', () => {
    const strategy = new WeightedStrategy();
    expect(countPicks(strategy, [dep('dep_a', 'm', 1), dep('dep_z', 'm', 0)], 10)).toEqual({ dep_a: 10 });
    expect(strategy.pick([], ctx)).toBeUndefined();
    expect(strategy.pick([dep('dep_z', 'm', 0)], ctx)).toBeUndefined();
  });

  it('skips deployments that are cooling down, and takes them back afterwards', async () => {
    const clock = new ManualClock();
    const health = new InMemoryHealthStore({ clock: clock.now });
    const deployments = [dep('dep_a', 'm', 3), dep('dep_b', 'm', 1)];
    const router = new ModelRouter({
      deployments,
      models: [{ name: 'm', deploymentIds: ['dep_a', 'dep_b'], fallbacks: [] }],
      health,
      clock: clock.now,
    });
    const pickMany = async (n: number): Promise<Record<string, number>> => {
      const counts: Record<string, number> = {};
      for (let i = 0; i < n; i++) {
        const pick = await router.pick(['m'], new Set(), 1);
        const id = pick!.deployment!.id;
        counts[id] = (counts[id] ?? 0) + 1;
      }
      return counts;
    };

    await health.cooldown('dep_a', clock.nowMs + 5_000, 'rate_limited');
    expect(await pickMany(40)).toEqual({ dep_b: 40 });
    clock.advance(5_000);
    expect(await pickMany(400)).toEqual({ dep_a: 300, dep_b: 100 });
  });
});
