import { Inject, Injectable } from '@nestjs/common';
import { ROUTE_PREFIX, type RunCostResponse } from '@shoal/contracts';
import { internalHeaders } from '@shoal/platform';

export interface BillingClientOptions {
  baseUrl: string;
  internalToken: string;
}
export const BILLING_OPTIONS = Symbol('BILLING_OPTIONS');

@Injectable()
export class BillingClient {
  constructor(@Inject(BILLING_OPTIONS) private readonly opts: BillingClientOptions) {}

  /** The run's cost from the ledger, once every named call is in it (or `waitMs` passed). */
  async runCost(
    run: { tenantId: string; runId: string; traceparent?: string },
    callIds: string[],
    waitMs: number,
  ): Promise<RunCostResponse> {
    const { runId } = run;
    const qs = new URLSearchParams({ calls: callIds.join(','), wait_ms: String(waitMs) });
    const res = await fetch(`${this.opts.baseUrl}${ROUTE_PREFIX.billing}/v1/runs/${encodeURIComponent(runId)}/cost?${qs}`, {
      headers: internalHeaders(
        this.opts.internalToken,
        { tenantId: run.tenantId, apiKeyId: null, runId, callId: null, nodeId: null },
        { traceparent: run.traceparent },
      ),
      signal: AbortSignal.timeout(waitMs + 10_000),
    });
    if (!res.ok) throw new Error(`billing answered ${res.status} for the cost of run ${runId}`);
    return (await res.json()) as RunCostResponse;
  }
}
