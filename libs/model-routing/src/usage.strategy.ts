// Usage-based: traffic in proportion to RPM/TPM headroom (the unused share of the tighter of the
// two limits, times the weight). A deployment at either limit is never picked; one without limits
// has full headroom.
import type { Deployment } from './deployment';
import { IDLE, type LiveLoad } from './live-load';
import type { RoutingContext, RoutingStrategy } from './routing.strategy';

export interface UsageStrategyOptions {
  /** In [0, 1). */
  readonly random?: () => number;
}

/** Unused share of the tighter limit, in [0, 1]; 1 without limits, 0 at (or past) a limit. */
export function headroom(d: Deployment, load: LiveLoad): number {
  let room = 1;
  if (d.rpm) room = Math.min(room, 1 - (load.rpmUsed ?? 0) / d.rpm);
  if (d.tpm) room = Math.min(room, 1 - (load.tpmUsed ?? 0) / d.tpm);
  return Math.max(0, room);
}

export class UsageStrategy implements RoutingStrategy {
  readonly readsLoad = true;
  private readonly random: () => number;

  constructor(options: UsageStrategyOptions = {}) {
    this.random = options.random ?? Math.random;
  }

  pick(candidates: readonly Deployment[], ctx: RoutingContext): Deployment | undefined {
    const shares = candidates.map((d) => (d.weight > 0 ? d.weight * headroom(d, ctx.load?.(d.id) ?? IDLE) : 0));
    const total = shares.reduce((sum, s) => sum + s, 0);
    if (total <= 0) return undefined;
    let r = this.random() * total;
    for (let i = 0; i < candidates.length; i++) {
      if (shares[i] <= 0) continue;
      r -= shares[i];
      if (r < 0) return candidates[i];
    }
    // rounding: the last one with room
    for (let i = candidates.length - 1; i >= 0; i--) if (shares[i] > 0) return candidates[i];
    return undefined;
  }
}
