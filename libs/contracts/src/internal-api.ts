// Headers and routes between Shoal's own services.

/**
 * Headers between Shoal's services. Who a call is for (tenant, key, run, call) travels only inside
 * the signed `context` header, never as loose headers a receiver could be tricked into believing.
 */
export const INTERNAL_HEADERS = {
  token: 'x-shoal-internal-token',
  /** signed, short-lived call context: built and verified by @shoal/platform's internal-context */
  context: 'x-shoal-context',
  /** model-pool's answer names the call id it used (a response header) */
  callId: 'x-shoal-call-id',
  /**
   * model-pool refused a call before contacting any provider (its usage could not be metered): an
   * outage of Shoal's own, which callers wait out like an unreachable model-pool (a response header)
   */
  callNotMade: 'x-shoal-call-not-made',
  traceparent: 'traceparent',
} as const;

/** Route prefixes: each service's routes live under its own prefix so that all four can share one
 * HTTP server in standalone mode. */
export const ROUTE_PREFIX = {
  modelPool: '/pool',
  billing: '/billing',
  engine: '/engine',
} as const;
