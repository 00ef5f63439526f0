// The live numbers routing reads about each deployment (in flight, TTFT/latency EWMAs, RPM/TPM used),
// and the per-process count of what this replica itself has in flight and sent this minute.
import type { Clock } from './health.store';

/**
 * What a strategy may read about a deployment right now. `HealthSnapshot` has these fields, so the
 * health store (in memory, or the shared Redis one) serves them through `HealthStore.snapshot`.
 */
export interface LiveLoad {
  readonly inFlight: number;
  readonly ttftEwmaMs?: number;
  readonly latencyEwmaMs?: number;
  readonly rpmUsed?: number;
  readonly tpmUsed?: number;
}

export const IDLE: LiveLoad = Object.freeze({ inFlight: 0 });

const MINUTE_MS = 60_000;

interface Window {
  minute: number;
  requests: number;
  tokens: number;
}

/**
 * This process's own load per deployment: calls in flight, and requests and tokens in the current
 * clock minute. The router reads the larger of this and the health store's numbers, so the cap
 * holds per process even when the store does not count (the in-memory one) or is unreachable.
 * Keyed by deployment id: bounded by the pool's size.
 */
export class LocalLoad {
  private readonly inFlight = new Map<string, number>();
  private readonly windows = new Map<string, Window>();

  constructor(private readonly clock: Clock) {}

  /** One call starts on `id`; the returned function ends it (calling it twice counts once). */
  acquire(id: string): () => void {
    this.inFlight.set(id, (this.inFlight.get(id) ?? 0) + 1);
    this.window(id).requests += 1;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const n = (this.inFlight.get(id) ?? 1) - 1;
      if (n <= 0) this.inFlight.delete(id);
      else this.inFlight.set(id, n);
    };
  }

  addTokens(id: string, tokens: number): void {
    if (tokens > 0) this.window(id).tokens += tokens;
  }

  of(id: string): LiveLoad {
    const w = this.windows.get(id);
    const current = w && w.minute === this.minute();
    return { inFlight: this.inFlight.get(id) ?? 0, rpmUsed: current ? w.requests : 0, tpmUsed: current ? w.tokens : 0 };
  }

  /** When the current RPM/TPM window ends (epoch ms). */
  windowEndsAt(): number {
    return (this.minute() + 1) * MINUTE_MS;
  }

  private minute(): number {
    return Math.floor(this.clock() / MINUTE_MS);
  }

  private window(id: string): Window {
    const minute = this.minute();
    let w = this.windows.get(id);
    if (!w || w.minute !== minute) {
      w = { minute, requests: 0, tokens: 0 };
      this.windows.set(id, w);
    }
    return w;
  }
}

/** The larger of two readings of each number: the shared store's (every replica) and this process's. */
export function mergeLoad(shared: LiveLoad | undefined, local: LiveLoad): LiveLoad {
  if (!shared) return local;
  return {
    ...shared,
    inFlight: Math.max(shared.inFlight, local.inFlight),
    rpmUsed: Math.max(shared.rpmUsed ?? 0, local.rpmUsed ?? 0),
    tpmUsed: Math.max(shared.tpmUsed ?? 0, local.tpmUsed ?? 0),
  };
}
