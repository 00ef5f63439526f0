// Headers and routes between Shoal's own services.

/** Headers gateway and workflow-engine send to model-pool with every LLM call. */
export const INTERNAL_HEADERS = {
  token: 'x-shoal-internal-token',
  callId: 'x-shoal-call-id',
  tenantId: 'x-shoal-tenant-id',
  apiKeyId: 'x-shoal-api-key-id',
  runId: 'x-shoal-run-id',
  nodeId: 'x-shoal-node-id',
  traceparent: 'traceparent',
} as const;

/** Route prefixes: each service's routes live under its own prefix so that all four can share one
 * HTTP server in standalone mode. */
export const ROUTE_PREFIX = {
  modelPool: '/pool',
  billing: '/billing',
  engine: '/engine',
} as const;

export interface RunCostResponse {
  run_id: string;
  calls: number;
  total_tokens: number;
  total_price: string;
  currency: string;
  /** call ids that were expected but are not in the ledger (yet) */
  missing: string[];
}
