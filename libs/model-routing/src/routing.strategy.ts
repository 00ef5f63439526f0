// The seam where routing strategies plug in: weighted round-robin now; least-in-flight,
// latency EWMA and cost-based later.
import type { Deployment } from './deployment';

export interface RoutingContext {
  /** The alias being served (a fallback alias when falling back). */
  readonly model: string;
  /** 1 for the first attempt of a call. */
  readonly attemptNo: number;
}

export interface RoutingStrategy {
  /**
   * Chooses among `candidates`, which the router has already narrowed to deployments that are
   * not cooling down, have weight > 0 and, where possible, were not tried in this call.
   * Undefined when there is nothing to choose.
   */
  pick(candidates: readonly Deployment[], ctx: RoutingContext): Deployment | undefined;
}
