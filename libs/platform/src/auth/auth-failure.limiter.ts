import { LruCache } from '../cache/lru-cache';

export interface AuthFailureLimits {
  /** failed authentications one client IP may make per window before it is answered 429 */
  failuresPerIp: number;
  windowMs: number;
}

/**
 * Counts failed authentications per client IP in fixed windows. Per process: each replica
 * counts its own (the point is to keep a flood of bad keys off the database, which is per process
 * too). Bounded: the coldest IPs are forgotten first.
 */
export class AuthFailureLimiter {
  private readonly windows: LruCache<string, { failures: number; resetAt: number }>;

  constructor(
    private readonly limits: AuthFailureLimits,
    private readonly now: () => number = () => Date.now(),
  ) {
    this.windows = new LruCache({ maxEntries: 100_000, ttlMs: limits.windowMs, now });
  }

  /** Seconds until `ip` may try again, or 0 when it may try now. */
  retryAfterSeconds(ip: string): number {
    const w = this.windows.get(ip);
    if (!w || w.failures < this.limits.failuresPerIp) return 0;
    return Math.max(1, Math.ceil((w.resetAt - this.now()) / 1000));
  }

  recordFailure(ip: string): void {
    const w = this.windows.get(ip);
    if (w) w.failures++;
    else this.windows.set(ip, { failures: 1, resetAt: this.now() + this.limits.windowMs });
  }
}
