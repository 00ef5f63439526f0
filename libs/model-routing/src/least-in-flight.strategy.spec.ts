import type { LiveLoad } from './live-load';
import { LeastInFlightStrategy } from './least-in-flight.strategy';
import { countPicks, dep, seededRandom } from './testing/fixtures';

const withLoad = (inFlight: Record<string, number>) => ({
  model: 'm',
  attemptNo: 1,
  load: (id: string): LiveLoad => ({ inFlight: inFlight[id] ?? 0 }),
});

describe('LeastInFlightStrategy', () => {
  const a = dep('dep_a', 'm');
  const b = dep('dep_b', 'm');
  const c = dep('dep_c', 'm');

  it('always picks the deployment with the fewest calls in flight', () => {
    const s = new LeastInFlightStrategy();
    expect(countPicks(() => s.pick([a, b, c], withLoad({ dep_a: 4, dep_b: 1, dep_c: 7 })), 10_000)).toEqual({ dep_b: 10_000 });
  });

  it('splits ties by weight, exactly', () => {
    const s = new LeastInFlightStrategy();
    const heavy = dep('dep_h', 'm', 3);
    expect(countPicks(() => s.pick([heavy, a], withLoad({})), 10_000)).toEqual({ dep_h: 7_500, dep_a: 2_500 });
  });

  it('counts load per unit of weight: weight 2 with 3 in flight beats weight 1 with 2', () => {
    const s = new LeastInFlightStrategy();
    expect(s.pick([a, dep('dep_w', 'm', 2)], withLoad({ dep_a: 2, dep_w: 3 }))?.id).toBe('dep_w');
  });

  it('keeps a fast and a slow deployment evenly loaded: the fast one serves more calls', () => {
    // a simulation: each tick one call starts (picked) and calls end by the deployment's speed
    const s = new LeastInFlightStrategy();
    const random = seededRandom(7);
    const inFlight: Record<string, number> = { dep_a: 0, dep_b: 0 };
    const endChance: Record<string, number> = { dep_a: 0.5, dep_b: 0.1 }; // a finishes five times faster
    const served: Record<string, number> = { dep_a: 0, dep_b: 0 };
    for (let tick = 0; tick < 10_000; tick++) {
      const picked = s.pick([a, b], withLoad(inFlight))!.id;
      inFlight[picked] += 1;
      served[picked] += 1;
      for (const id of ['dep_a', 'dep_b']) for (let n = inFlight[id]; n > 0; n--) if (random() < endChance[id]) inFlight[id] -= 1;
    }
    expect(served.dep_a / 10_000).toBeGreaterThan(0.7);
    expect(Math.abs(inFlight.dep_a - inFlight.dep_b)).toBeLessThanOrEqual(3);
  });

  it('picks nothing from nothing, and never weight 0', () => {
    const s = new LeastInFlightStrategy();
    expect(s.pick([], withLoad({}))).toBeUndefined();
    expect(s.pick([dep('dep_z', 'm', 0)], withLoad({}))).toBeUndefined();
  });
});
