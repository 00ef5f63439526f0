import { Inject, Injectable } from '@nestjs/common';
import { PrismaClient } from '@shoal/platform';
import type { LedgerRow } from './ledger-row';

export interface RunReconciliation {
  runId: string;
  /** the run's total_price, the sum its engine recorded from its nodes' costs */
  runTotal: string;
  /** the sum of the run's ledger rows */
  ledgerTotal: string;
  ledgerRows: number;
}

@Injectable()
export class UsageLedgerRepository {
  constructor(@Inject(PrismaClient) private readonly prisma: PrismaClient) {}

  /**
   * Write a batch of attempts to the ledger, exactly once, in one statement (so one transaction):
   * a multi-row insert that skips every (call id, attempt) already there, and the daily rollups
   * moved by exactly the rows it inserted. Returns how many rows were new.
   */
  async recordBatch(rows: ReadonlyArray<LedgerRow>): Promise<number> {
    if (rows.length === 0) return 0;
    // sorted, so that two writers of overlapping batches take their row locks in the same order
    const r = [...rows].sort((a, b) => (a.callId === b.callId ? a.attempt - b.attempt : a.callId < b.callId ? -1 : 1));
    // the batch as one JSON parameter: one JSON.stringify here and one parse in Postgres, where
    // per-element array parameters cost the client (Prisma and pg walk every value) more CPU
    const batch = JSON.stringify(r.map((x, n) => ({ ...x, startedAt: x.startedAt.toISOString(), n })));
    const [{ inserted }] = await this.prisma.$queryRaw<Array<{ inserted: number }>>`
      WITH input AS (
        SELECT * FROM json_to_recordset(${batch}::json) AS t(
          id text, "callId" text, attempt int, "tenantId" text, "apiKeyId" text, "runId" text, "nodeId" text,
          "deploymentId" text, provider text, model text, "upstreamModel" text, "promptTokens" int, "completionTokens" int,
          "cachedPromptTokens" int, "reasoningTokens" int, "inputCost" numeric, "outputCost" numeric, "totalCost" numeric,
          currency text, status text, estimated bool, stream bool, "latencyMs" int, "startedAt" timestamptz, n int)
      ),
      ins AS (
        INSERT INTO usage_records (id, call_id, attempt, tenant_id, api_key_id, run_id, node_id, deployment_id, provider, model,
          upstream_model, prompt_tokens, completion_tokens, cached_prompt_tokens, reasoning_tokens, total_tokens, input_cost,
          output_cost, total_cost, currency, status, estimated, stream, latency_ms, started_at)
        SELECT id, "callId", attempt, "tenantId", "apiKeyId", "runId", "nodeId", "deploymentId", provider, model,
          "upstreamModel", "promptTokens", "completionTokens", "cachedPromptTokens", "reasoningTokens",
          "promptTokens" + "completionTokens", "inputCost", "outputCost", "totalCost", currency, status, estimated, stream,
          "latencyMs", "startedAt"
        FROM input ORDER BY n
        ON CONFLICT (call_id, attempt) DO NOTHING
        RETURNING tenant_id, started_at, model, currency, prompt_tokens, completion_tokens, total_cost
      ),
      moved AS (
        INSERT INTO usage_daily_rollups (tenant_id, day, model, currency, calls, prompt_tokens, completion_tokens, total_cost)
        SELECT tenant_id, (started_at AT TIME ZONE 'UTC')::date, model, currency, count(*), sum(prompt_tokens), sum(completion_tokens), sum(total_cost)
        FROM ins
        GROUP BY 1, 2, 3, 4
        ORDER BY 1, 2, 3, 4
        ON CONFLICT (tenant_id, day, model, currency) DO UPDATE SET
          calls = usage_daily_rollups.calls + EXCLUDED.calls,
          prompt_tokens = usage_daily_rollups.prompt_tokens + EXCLUDED.prompt_tokens,
          completion_tokens = usage_daily_rollups.completion_tokens + EXCLUDED.completion_tokens,
          total_cost = usage_daily_rollups.total_cost + EXCLUDED.total_cost
        RETURNING 1
      )
      SELECT (SELECT count(*) FROM ins)::int AS inserted`;
    return inserted;
  }

  list(tenantId: string, filter: { runId?: string; limit: number }) {
    return this.prisma.usageRecord.findMany({
      where: { tenantId, ...(filter.runId ? { runId: filter.runId } : {}) },
      orderBy: { recordedAt: 'desc' },
      take: filter.limit,
    });
  }

  /**
   * Runs of a tenant whose total_price differs from the sum of their ledger rows: once billing has
   * caught up (its usage log drained), a finished run's price, summed by the engine from what
   * model-pool priced at each call, must equal its ledger. Checks finished runs among `runIds`.
   */
  async reconcileRuns(tenantId: string, runIds: ReadonlyArray<string>): Promise<RunReconciliation[]> {
    if (runIds.length === 0) return [];
    const rows = await this.prisma.$queryRaw<Array<{ run_id: string; run_total: string; ledger_total: string; ledger_rows: number }>>`
      SELECT r.id AS run_id, trim_scale(r.total_price)::text AS run_total,
             trim_scale(COALESCE(sum(u.total_cost), 0))::text AS ledger_total, count(u.id)::int AS ledger_rows
      FROM workflow_runs r
      LEFT JOIN usage_records u ON u.tenant_id = r.tenant_id AND u.run_id = r.id
      WHERE r.tenant_id = ${tenantId} AND r.id = ANY(${[...runIds]}::text[]) AND r.finished_at IS NOT NULL
      GROUP BY r.id, r.total_price
      HAVING r.total_price <> COALESCE(sum(u.total_cost), 0)
      ORDER BY r.id`;
    return rows.map((x) => ({ runId: x.run_id, runTotal: x.run_total, ledgerTotal: x.ledger_total, ledgerRows: x.ledger_rows }));
  }
}
