// Test-only: a seeded generator (mulberry32) for this lib's property tests, so that a failure is
// the same on every run.

/** An integer in [0, n), from `seed` on. */
export function seededInt(seed: number): (n: number) => number {
  return (n) => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 2 ** 32) * n);
  };
}
