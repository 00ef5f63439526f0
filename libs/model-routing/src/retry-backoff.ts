// How long to wait before calling a deployment again within one request: exponential backoff with
// full jitter (anywhere from 0 to base·2ⁿ, so replicas retrying at once spread out), but never before
// the provider's own Retry-After for that deployment (capped: a day-long quota still gets probed).

export interface RetryBackoffOptions {
  /** The first retry's ceiling; doubles after each retry. */
  readonly baseMs: number;
  /** The longest a Retry-After is honoured for within one request. */
  readonly retryAfterCapMs: number;
  /** In [0, 1). */
  readonly random: () => number;
}

export class RetryBackoff {
  private retries = 0;
  /** Per deployment: not before this time (epoch ms), from the provider's Retry-After. */
  private readonly notBefore = new Map<string, number>();

  constructor(private readonly opts: RetryBackoffOptions) {}

  /** A failed attempt at `nowMs` whose provider asked for `retryAfterMs`. */
  failed(deploymentId: string, nowMs: number, retryAfterMs: number | undefined): void {
    if (retryAfterMs === undefined) return;
    const until = nowMs + Math.min(Math.max(0, retryAfterMs), this.opts.retryAfterCapMs);
    this.notBefore.set(deploymentId, Math.max(until, this.notBefore.get(deploymentId) ?? 0));
  }

  /** The wait before calling `deploymentId` again, at `nowMs`. */
  next(deploymentId: string, nowMs: number): number {
    const jittered = this.opts.random() * this.opts.baseMs * 2 ** this.retries;
    this.retries += 1;
    return Math.max(jittered, (this.notBefore.get(deploymentId) ?? 0) - nowMs);
  }
}
