import { Controller, Get, Inject, Param, Query, UseGuards } from '@nestjs/common';
import { ROUTE_PREFIX, looksLikeId, type RunCostResponse } from '@shoal/contracts';
import { ApiError, InternalCtx, InternalTokenGuard, type VerifiedInternalContext } from '@shoal/platform';
import { RunCostService } from './run-cost.service';

const MAX_WAIT_MS = 30_000;

/**
 * Internal: a run's cost from the ledger. The engine names the call ids it made; the answer waits
 * (up to `wait_ms`) until every one of them is in the ledger, so a finished run's price is complete.
 */
@Controller(`${ROUTE_PREFIX.billing}/v1/runs`)
@UseGuards(InternalTokenGuard)
export class RunCostController {
  constructor(@Inject(RunCostService) private readonly costs: RunCostService) {}

  @Get(':runId/cost')
  async cost(
    @InternalCtx() ctx: VerifiedInternalContext,
    @Param('runId') runId: string,
    @Query('calls') calls?: string,
    @Query('wait_ms') waitMs?: string,
  ): Promise<RunCostResponse> {
    // a path that cannot name a run is the caller's mistake, not a run without calls
    if (!looksLikeId(runId, 'run'))
      throw new ApiError('invalid_request', 'runId must be a run id (run_…)', {
        issues: [{ path: 'path.runId', message: 'must be a run id (run_…)' }],
      });
    // a context signed for one run does not read another's cost
    if (ctx.runId !== runId) throw new ApiError('forbidden', 'The call context was not issued for this run');
    const expected = calls ? calls.split(',').filter(Boolean) : [];
    if (expected.length > 10_000) throw new ApiError('invalid_request', 'calls: at most 10000 call ids');
    return this.costs.waitForCost(ctx.tenantId, runId, expected, Math.min(Number(waitMs ?? 0) || 0, MAX_WAIT_MS));
  }
}
