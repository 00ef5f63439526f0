// Cost-based: the cheapest deployment by price per token; equally cheap ones share the traffic by
// weight (round robin). A deployment without a known price comes after every priced one.
import type { Deployment } from './deployment';
import type { RoutingContext, RoutingStrategy } from './routing.strategy';
import { WeightedStrategy } from './weighted.strategy';

/**
 * A deployment's price per million tokens for comparison only (input + output rates, in one
 * currency): never used to bill. Undefined when unknown.
 */
export type PriceLookup = (d: Deployment) => number | undefined;

/** The deployment's own `priceOverride`, when it has one. */
export const overridePrice: PriceLookup = (d) =>
  d.priceOverride ? Number(d.priceOverride.inputPerMillion) + Number(d.priceOverride.outputPerMillion) : undefined;

export class CostStrategy implements RoutingStrategy {
  private readonly ties = new WeightedStrategy();

  /** `price`: the catalog's price (model-pool serves it from its price cache); `priceOverride` wins over it. */
  constructor(private readonly price: PriceLookup = () => undefined) {}

  pick(candidates: readonly Deployment[], ctx: RoutingContext): Deployment | undefined {
    let cheapest: Deployment[] = [];
    let best = Infinity;
    for (const d of candidates) {
      if (d.weight <= 0) continue;
      const p = overridePrice(d) ?? this.price(d) ?? Infinity;
      if (p < best || cheapest.length === 0) {
        cheapest = [d];
        best = p;
      } else if (p === best) cheapest.push(d);
    }
    return cheapest.length <= 1 ? cheapest[0] : this.ties.pick(cheapest, ctx);
  }
}
