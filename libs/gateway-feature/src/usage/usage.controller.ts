import { Controller, Get, Inject, Query, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { ApiDoc, ApiKeyGuard, Ctx, parseBody, RequireScope, type RequestContext } from '@shoal/platform';
import { GatewayBillingClient } from './billing.client';

const querySchema = z.object({
  run_id: z.string().startsWith('run_').optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

/** The caller's tenant's usage ledger: one row per provider attempt that produced tokens, newest first. */
@Controller('v1/usage')
@UseGuards(ApiKeyGuard)
@RequireScope('read')
export class UsageController {
  constructor(@Inject(GatewayBillingClient) private readonly billing: GatewayBillingClient) {}

  @Get('records')
  @ApiDoc({
    summary: 'The usage ledger: one row per model call, newest first',
    query: querySchema,
    responses: { 200: { description: 'Usage records' } },
  })
  async records(@Ctx() ctx: RequestContext, @Query() query: unknown) {
    const q = parseBody(querySchema, query, 'query');
    return this.billing.usageRecords(ctx, { runId: q.run_id, limit: q.limit });
  }
}
