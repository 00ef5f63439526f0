// Rate limits in one process (standalone mode), with the same windows and arithmetic as Redis's.
import { LruCache } from '../cache/lru-cache';
import {
  decide,
  evaluate,
  limitSpecs,
  tokenKeys,
  WINDOW_MS,
  type RateLimitDecision,
  type RateLimiter,
  type RateLimitSubject,
} from './rate-limit';

export class InMemoryRateLimiter implements RateLimiter {
  private readonly counts: LruCache<string, number>;

  constructor(
    private readonly clock: () => number = Date.now,
    maxEntries = 100_000,
  ) {
    this.counts = new LruCache({ maxEntries, ttlMs: 2 * WINDOW_MS + 1000, now: clock });
  }

  async admit(subject: RateLimitSubject): Promise<RateLimitDecision> {
    const specs = limitSpecs(subject);
    if (specs.length === 0) return { allowed: true, retryAfterSeconds: 0, limits: [] };
    const now = this.clock();
    const minute = Math.floor(now / WINDOW_MS);
    const evaluated = specs.map((s) =>
      evaluate(s, this.counts.get(`${s.key}:${minute}`) ?? 0, this.counts.get(`${s.key}:${minute - 1}`) ?? 0, now),
    );
    const decision = decide(evaluated);
    if (decision.allowed) for (const s of specs) if (s.cost > 0) this.add(`${s.key}:${minute}`, s.cost);
    return decision;
  }

  async recordTokens(subject: Pick<RateLimitSubject, 'tenantId' | 'apiKeyId'>, tokens: number): Promise<void> {
    if (!(tokens > 0)) return;
    const minute = Math.floor(this.clock() / WINDOW_MS);
    for (const k of tokenKeys(subject)) this.add(`${k}:${minute}`, Math.ceil(tokens));
  }

  private add(key: string, n: number): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + n);
  }
}
