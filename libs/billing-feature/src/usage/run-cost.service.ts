import { Inject, Injectable } from '@nestjs/common';
import type { RunCostResponse } from '@shoal/contracts';
import { UsageLedgerRepository } from './usage-ledger.repository';

/**
 * A run's cost from the ledger, once every call the engine names is in it (or `waitMs` passed):
 * usage events arrive through a queue, so the last call of a run may land a moment after the run ends.
 */
@Injectable()
export class RunCostService {
  constructor(@Inject(UsageLedgerRepository) private readonly ledger: UsageLedgerRepository) {}

  async waitForCost(tenantId: string, runId: string, expected: string[], waitMs: number): Promise<RunCostResponse> {
    const deadline = Date.now() + waitMs;
    let delay = 5;
    for (;;) {
      const t = await this.ledger.runTotals(tenantId, runId, expected);
      const missing = expected.filter((c) => !t.present.has(c));
      if (missing.length === 0 || Date.now() >= deadline) {
        return {
          run_id: runId,
          calls: t.calls,
          total_tokens: t.totalTokens,
          total_price: t.totalCost,
          currency: t.currency ?? 'USD',
          missing,
        };
      }
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 100);
    }
  }
}
