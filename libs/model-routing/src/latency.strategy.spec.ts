import { LatencyStrategy } from './latency.strategy';
import type { LiveLoad } from './live-load';
import { countPicks, dep, seededRandom } from './testing/fixtures';

const ctxOf = (loads: Record<string, LiveLoad>) => ({ model: 'm', attemptNo: 1, load: (id: string) => loads[id] ?? { inFlight: 0 } });

describe('LatencyStrategy (power of two choices on TTFT EWMA)', () => {
  const [fast, mid, slow] = [dep('dep_fast', 'm'), dep('dep_mid', 'm'), dep('dep_slow', 'm')];
  const loads = {
    dep_fast: { inFlight: 0, ttftEwmaMs: 100 },
    dep_mid: { inFlight: 0, ttftEwmaMs: 200 },
    dep_slow: { inFlight: 0, ttftEwmaMs: 900 },
  };

  it('over 10,000 picks of three: the fastest ~2/3, the middle ~1/3, the slowest never', () => {
    const s = new LatencyStrategy({ random: seededRandom(1) });
    const counts = countPicks(() => s.pick([fast, mid, slow], ctxOf(loads)), 10_000);
    expect(counts.dep_fast / 10_000).toBeCloseTo(2 / 3, 1);
    expect(counts.dep_mid / 10_000).toBeCloseTo(1 / 3, 1);
    expect(counts.dep_slow).toBeUndefined();
  });

  it('reads whole-call latency when no TTFT was measured, and tries an unmeasured deployment first', () => {
    const s = new LatencyStrategy({ random: seededRandom(2) });
    const counts = countPicks(
      () => s.pick([fast, slow], ctxOf({ dep_fast: { inFlight: 0, latencyEwmaMs: 50 }, dep_slow: { inFlight: 0, latencyEwmaMs: 500 } })),
      10_000,
    );
    expect(counts).toEqual({ dep_fast: 10_000 });
    expect(s.pick([fast, dep('dep_new', 'm')], ctxOf(loads))?.id).toBe('dep_new');
  });

  it('splits evenly (within 3 points) between equally fast deployments', () => {
    const s = new LatencyStrategy({ random: seededRandom(3) });
    const counts = countPicks(() => s.pick([fast, mid], ctxOf({})), 10_000);
    expect(Math.abs(counts.dep_fast / 10_000 - 0.5)).toBeLessThan(0.03);
  });

  it('draws by weight: weight 3 among 3+1+1 equals is in the pair 90% of the time, picked 45%', () => {
    const s = new LatencyStrategy({ random: seededRandom(4) });
    const heavy = dep('dep_heavy', 'm', 3);
    const counts = countPicks(() => s.pick([heavy, fast, mid], ctxOf({})), 10_000);
    // in the pair: 3/5 first, else 3/4 second → 0.9; a coin between equals → 0.45 (uniform draws: 1/3)
    expect(Math.abs(counts.dep_heavy / 10_000 - 0.45)).toBeLessThan(0.03);
  });
});
