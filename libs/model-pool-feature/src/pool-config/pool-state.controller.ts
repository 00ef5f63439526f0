// model-pool's internal route for the admin API's live view: the gateway asks it (signed call
// context naming the tenant) when distributed; standalone binds POOL_STATE_PORT in process instead.
import { Controller, Get, Inject, Query, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { MAX_STATE_IDS, ROUTE_PREFIX } from '@shoal/contracts';
import { InternalCtx, InternalTokenGuard, parseBody, type VerifiedInternalContext } from '@shoal/platform';
import { PoolRouters } from './pool-routers';

const querySchema = z.strictObject({
  ids: z
    .string()
    .max(MAX_STATE_IDS * 40)
    .transform((v) => v.split(',').filter(Boolean))
    .pipe(
      z
        .array(z.string().regex(/^dep_[A-Za-z0-9._-]{1,60}$/, 'must be deployment ids (dep_…)'))
        .min(1)
        .max(MAX_STATE_IDS),
    ),
});

@Controller(`${ROUTE_PREFIX.modelPool}/v1/deployments`)
@UseGuards(InternalTokenGuard)
export class PoolStateController {
  constructor(@Inject(PoolRouters) private readonly pools: PoolRouters) {}

  @Get('state')
  async state(@InternalCtx() ctx: VerifiedInternalContext, @Query() query: unknown) {
    const { ids } = parseBody(querySchema, query, 'query');
    return { data: await this.pools.liveState(ctx.tenantId, ids) };
  }
}
