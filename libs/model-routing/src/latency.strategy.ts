// Latency: power of two choices. Two candidates drawn at random (by weight), the one with the lower
// time-to-first-token EWMA wins (whole-call latency when no TTFT was measured). The slowest deployment
// is never picked while two or more are usable, the fastest most often, and no deployment gets the
// whole herd the moment it looks fastest (as "always the fastest" would do). A deployment with no
// measurement yet counts as fastest, so a new one is tried at once.
import type { Deployment } from './deployment';
import { IDLE, type LiveLoad } from './live-load';
import type { RoutingContext, RoutingStrategy } from './routing.strategy';

export interface LatencyStrategyOptions {
  /** In [0, 1). */
  readonly random?: () => number;
}

function ewma(load: LiveLoad): number {
  return load.ttftEwmaMs ?? load.latencyEwmaMs ?? 0;
}

export class LatencyStrategy implements RoutingStrategy {
  readonly readsLoad = true;
  private readonly random: () => number;

  constructor(options: LatencyStrategyOptions = {}) {
    this.random = options.random ?? Math.random;
  }

  pick(candidates: readonly Deployment[], ctx: RoutingContext): Deployment | undefined {
    const usable = candidates.filter((d) => d.weight > 0);
    if (usable.length <= 1) return usable[0];
    const a = this.draw(usable);
    const b = this.draw(usable.filter((d) => d !== a));
    const la = ewma(ctx.load?.(a.id) ?? IDLE);
    const lb = ewma(ctx.load?.(b.id) ?? IDLE);
    if (la !== lb) return la < lb ? a : b;
    return this.random() < 0.5 ? a : b;
  }

  private draw(from: readonly Deployment[]): Deployment {
    const total = from.reduce((sum, d) => sum + d.weight, 0);
    let r = this.random() * total;
    for (const d of from) {
      r -= d.weight;
      if (r < 0) return d;
    }
    return from[from.length - 1];
  }
}
