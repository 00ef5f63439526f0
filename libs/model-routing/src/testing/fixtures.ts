// Test-only helpers shared by this lib's specs: deployments, a manual clock, a scripted random.
import type { Deployment, ProviderKind } from '../deployment';
import { Secret } from '../secrets';

export function dep(id: string, model: string, weight = 1, provider: ProviderKind = 'openai-compatible'): Deployment {
  return {
    id,
    model,
    provider,
    baseUrl: 'http://provider.test/v1',
    apiKey: new Secret(`sk-test-${id}-0123456789`),
    upstreamModel: model,
    weight,
    source: 'file',
  };
}

export class ManualClock {
  constructor(public nowMs = 1_700_000_000_000) {}
  readonly now = (): number => this.nowMs;
  advance(ms: number): void {
    this.nowMs += ms;
  }
}

/** A seeded PRNG in [0, 1) (mulberry32): distribution tests are random, but the same every run. */
export function seededRandom(seed = 42): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Picks `n` times and counts the picks per deployment id. */
export function countPicks(pick: () => { id: string } | undefined, n: number): Record<string, number> {
  const counts: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const id = pick()?.id ?? 'none';
    counts[id] = (counts[id] ?? 0) + 1;
  }
  return counts;
}
