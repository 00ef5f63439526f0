// Least in flight: the deployment with the fewest calls running for its weight (a weight-2
// deployment is expected to carry twice the calls). Ties go round robin by weight, so an idle pool
// still spreads its traffic as configured.
import type { Deployment } from './deployment';
import { IDLE } from './live-load';
import type { RoutingContext, RoutingStrategy } from './routing.strategy';
import { WeightedStrategy } from './weighted.strategy';

export class LeastInFlightStrategy implements RoutingStrategy {
  readonly readsLoad = true;
  private readonly ties = new WeightedStrategy();

  pick(candidates: readonly Deployment[], ctx: RoutingContext): Deployment | undefined {
    let best: Deployment[] = [];
    let bestLoad = Infinity;
    for (const d of candidates) {
      if (d.weight <= 0) continue;
      const load = (ctx.load?.(d.id) ?? IDLE).inFlight / d.weight;
      if (load < bestLoad) {
        best = [d];
        bestLoad = load;
      } else if (load === bestLoad) best.push(d);
    }
    return best.length <= 1 ? best[0] : this.ties.pick(best, ctx);
  }
}
