import { Controller, Get, Inject, Query, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { ROUTE_PREFIX } from '@shoal/contracts';
import { InternalCtx, InternalTokenGuard, parseBody, type VerifiedInternalContext } from '@shoal/platform';
import { UsageLedgerRepository } from './usage-ledger.repository';

// the tenant is the signed context's, never a query parameter
const querySchema = z.object({
  run_id: z.string().optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

/** Internal: ledger rows of the calling context's tenant, newest first (the gateway's /v1/usage/records). */
@Controller(`${ROUTE_PREFIX.billing}/v1/usage`)
@UseGuards(InternalTokenGuard)
export class UsageRecordsController {
  constructor(@Inject(UsageLedgerRepository) private readonly ledger: UsageLedgerRepository) {}

  @Get('records')
  async list(@InternalCtx() ctx: VerifiedInternalContext, @Query() query: unknown) {
    const q = parseBody(querySchema, query, 'query');
    const rows = await this.ledger.list(ctx.tenantId, { runId: q.run_id, limit: q.limit });
    return {
      object: 'list',
      data: rows.map((r) => ({
        id: r.id,
        call_id: r.callId,
        attempt: r.attempt,
        run_id: r.runId,
        node_id: r.nodeId,
        api_key_id: r.apiKeyId,
        model: r.model,
        upstream_model: r.upstreamModel,
        deployment_id: r.deploymentId,
        prompt_tokens: r.promptTokens,
        completion_tokens: r.completionTokens,
        cached_prompt_tokens: r.cachedPromptTokens,
        reasoning_tokens: r.reasoningTokens,
        total_tokens: r.totalTokens,
        input_cost: r.inputCost.toFixed(),
        output_cost: r.outputCost.toFixed(),
        total_cost: r.totalCost.toFixed(),
        currency: r.currency,
        status: r.status,
        estimated: r.estimated,
        stream: r.stream,
        latency_ms: r.latencyMs,
        started_at: r.startedAt.toISOString(),
        recorded_at: r.recordedAt.toISOString(),
      })),
    };
  }
}
