// The seam where routing strategies plug in: weighted round robin, least-in-flight, latency (power
// of two choices on TTFT), usage (RPM/TPM headroom) and cost. Each is a small pure unit; the router
// hands it the candidates and, for those that ask, the live numbers.
import type { Deployment } from './deployment';
import type { LiveLoad } from './live-load';

export interface RoutingContext {
  /** The alias being served (a fallback alias when falling back). */
  readonly model: string;
  /** 1 for the first attempt of a call. */
  readonly attemptNo: number;
  /** Live numbers of a candidate (in flight, EWMAs, RPM/TPM used); idle when unknown. */
  readonly load?: (id: string) => LiveLoad;
}

export interface RoutingStrategy {
  /** True when `pick` reads `ctx.load`: the router then reads the health store's snapshot first. */
  readonly readsLoad?: boolean;
  /**
   * Chooses among `candidates`, which the router has already narrowed to deployments that are
   * not cooling down, not at a concurrency or RPM/TPM limit, have weight > 0 and, where possible,
   * were not tried in this call. Undefined when there is nothing to choose.
   */
  pick(candidates: readonly Deployment[], ctx: RoutingContext): Deployment | undefined;
}
