import { Inject, Injectable } from '@nestjs/common';
import { ROUTE_PREFIX } from '@shoal/contracts';
import { ApiError, createLogger, internalHeaders, type RequestContext } from '@shoal/platform';

export interface GatewayBillingOptions {
  baseUrl: string;
  internalToken: string;
}
export const GATEWAY_BILLING_OPTIONS = Symbol('GATEWAY_BILLING_OPTIONS');

@Injectable()
export class GatewayBillingClient {
  private readonly log = createLogger('GatewayBillingClient');
  constructor(@Inject(GATEWAY_BILLING_OPTIONS) private readonly opts: GatewayBillingOptions) {}

  /** The caller's tenant's ledger rows: the tenant travels in the signed context, and billing filters by it. */
  async usageRecords(ctx: RequestContext, query: { runId?: string; limit?: number }): Promise<unknown> {
    const qs = new URLSearchParams();
    if (query.runId) qs.set('run_id', query.runId);
    if (query.limit) qs.set('limit', String(query.limit));
    let res: Response;
    try {
      res = await fetch(`${this.opts.baseUrl}${ROUTE_PREFIX.billing}/v1/usage/records?${qs}`, {
        headers: internalHeaders(
          this.opts.internalToken,
          { tenantId: ctx.tenantId, apiKeyId: ctx.apiKeyId, runId: query.runId ?? null, callId: null, nodeId: null },
          { traceparent: ctx.traceparent },
        ),
        signal: AbortSignal.timeout(10_000),
      });
    } catch (err) {
      this.log.error({ err }, 'billing unreachable');
      throw new ApiError('upstream_unavailable', 'The billing service is unavailable; retry shortly', { retryAfterSeconds: 1 });
    }
    if (!res.ok) throw new ApiError('upstream_error', `The billing service answered ${res.status}`);
    return res.json();
  }
}
