import type { LiveLoad } from './live-load';
import { countPicks, dep, seededRandom } from './testing/fixtures';
import { headroom, UsageStrategy } from './usage.strategy';

const ctxOf = (loads: Record<string, LiveLoad>) => ({ model: 'm', attemptNo: 1, load: (id: string) => loads[id] ?? { inFlight: 0 } });

describe('UsageStrategy (RPM/TPM headroom)', () => {
  const a = { ...dep('dep_a', 'm'), rpm: 100 };
  const b = { ...dep('dep_b', 'm'), rpm: 100, tpm: 10_000 };

  it('headroom is the tighter limit: RPM half used, TPM 90% used → 0.1', () => {
    expect(headroom(b, { inFlight: 0, rpmUsed: 50, tpmUsed: 9_000 })).toBeCloseTo(0.1);
    expect(headroom(dep('dep_free', 'm'), { inFlight: 0, rpmUsed: 1_000 })).toBe(1);
  });

  it('shares traffic in proportion to headroom: 1.0 vs 0.5 → 2/3 vs 1/3 over 10,000 picks', () => {
    const s = new UsageStrategy({ random: seededRandom(5) });
    const counts = countPicks(
      () => s.pick([a, b], ctxOf({ dep_a: { inFlight: 0, rpmUsed: 0 }, dep_b: { inFlight: 0, rpmUsed: 50 } })),
      10_000,
    );
    expect(Math.abs(counts.dep_a / 10_000 - 2 / 3)).toBeLessThan(0.02);
  });

  it('never picks a deployment at its limit, and nothing when all are', () => {
    const s = new UsageStrategy({ random: seededRandom(6) });
    const atLimit = { dep_a: { inFlight: 0, rpmUsed: 100 }, dep_b: { inFlight: 0, rpmUsed: 10, tpmUsed: 10_000 } };
    expect(countPicks(() => s.pick([a, b, dep('dep_c', 'm')], ctxOf(atLimit)), 10_000)).toEqual({ dep_c: 10_000 });
    expect(s.pick([a, b], ctxOf(atLimit))).toBeUndefined();
  });
});
