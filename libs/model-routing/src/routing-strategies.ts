// One instance of each strategy per router, by the name an alias gives (`ModelAlias.strategy`).
import { CostStrategy, type PriceLookup } from './cost.strategy';
import type { RoutingStrategyName } from './deployment';
import { LatencyStrategy } from './latency.strategy';
import { LeastInFlightStrategy } from './least-in-flight.strategy';
import type { RoutingStrategy } from './routing.strategy';
import { UsageStrategy } from './usage.strategy';
import { WeightedStrategy } from './weighted.strategy';

export interface StrategyOptions {
  /** In [0, 1); for the randomised strategies (latency, usage). */
  readonly random?: () => number;
  /** The catalog's price of a deployment, for `cost` (its `priceOverride` wins). */
  readonly price?: PriceLookup;
  /** Replaces `weighted` (tests and custom routing). */
  readonly weighted?: RoutingStrategy;
}

export function createStrategies(options: StrategyOptions = {}): Record<RoutingStrategyName, RoutingStrategy> {
  return {
    weighted: options.weighted ?? new WeightedStrategy(),
    'least-in-flight': new LeastInFlightStrategy(),
    latency: new LatencyStrategy({ random: options.random }),
    usage: new UsageStrategy({ random: options.random }),
    cost: new CostStrategy(options.price),
  };
}
