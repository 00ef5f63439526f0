import { Controller, Get, Inject, Param, Query, UseGuards } from '@nestjs/common';
import { ROUTE_PREFIX, type RunCostResponse } from '@shoal/contracts';
import { ApiError, InternalTokenGuard } from '@shoal/platform';
import { UsageLedgerRepository } from './usage-ledger.repository';

const MAX_WAIT_MS = 30_000;

/**
 * Internal: a run's cost from the ledger. The engine names the call ids it made; the answer waits
 * (up to `wait_ms`) until every one of them is in the ledger, so a finished run's price is complete.
 */
@Controller(`${ROUTE_PREFIX.billing}/v1/runs`)
@UseGuards(InternalTokenGuard)
export class RunCostController {
  constructor(@Inject(UsageLedgerRepository) private readonly ledger: UsageLedgerRepository) {}

  @Get(':runId/cost')
  async cost(@Param('runId') runId: string, @Query('calls') calls?: string, @Query('wait_ms') waitMs?: string): Promise<RunCostResponse> {
    const expected = calls ? calls.split(',').filter(Boolean) : [];
    const wait = Math.min(Number(waitMs ?? 0) || 0, MAX_WAIT_MS);
    if (expected.length > 10_000) throw new ApiError('invalid_request', 'calls: at most 10000 call ids');
    const deadline = Date.now() + wait;
    let delay = 5;
    for (;;) {
      const t = await this.ledger.runTotals(runId, expected);
      const missing = expected.filter((c) => !t.present.has(c));
      if (missing.length === 0 || Date.now() >= deadline) {
        return { run_id: runId, calls: t.calls, total_tokens: t.totalTokens, total_price: t.totalCost, currency: t.currency ?? 'USD', missing };
      }
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 100);
    }
  }
}
