import { Inject, Injectable } from '@nestjs/common';
import { Prisma, PrismaClient, directSql, type DirectSql } from '@shoal/platform';
import type { LedgerRow } from './ledger-row';

// A batch travels as one JSON parameter, each row a positional array in this order: no key names
// repeated per row (about half the bytes), read in Postgres by index from jsonb (`x->>i`, no
// per-row lookup of 25 field names). One list for both ends, so the order cannot drift.
const COLUMNS: ReadonlyArray<readonly [column: string, type: string, of: (r: LedgerRow) => unknown]> = [
  ['id', 'text', (r) => r.id],
  ['call_id', 'text', (r) => r.callId],
  ['attempt', 'int', (r) => r.attempt],
  ['tenant_id', 'text', (r) => r.tenantId],
  ['api_key_id', 'text', (r) => r.apiKeyId],
  ['run_id', 'text', (r) => r.runId],
  ['node_id', 'text', (r) => r.nodeId],
  ['deployment_id', 'text', (r) => r.deploymentId],
  ['provider', 'text', (r) => r.provider],
  ['model', 'text', (r) => r.model],
  ['upstream_model', 'text', (r) => r.upstreamModel],
  ['prompt_tokens', 'int', (r) => r.promptTokens],
  ['completion_tokens', 'int', (r) => r.completionTokens],
  ['cached_prompt_tokens', 'int', (r) => r.cachedPromptTokens],
  ['reasoning_tokens', 'int', (r) => r.reasoningTokens],
  ['input_cost', 'numeric', (r) => r.inputCost],
  ['output_cost', 'numeric', (r) => r.outputCost],
  ['total_cost', 'numeric', (r) => r.totalCost],
  ['currency', 'text', (r) => r.currency],
  ['status', 'text', (r) => r.status],
  ['estimated', 'bool', (r) => r.estimated],
  ['stream', 'bool', (r) => r.stream],
  ['latency_ms', 'int', (r) => r.latencyMs],
  ['started_at', 'timestamptz', (r) => r.startedAt.toISOString()],
];

const tupleOf = (r: LedgerRow): unknown[] => COLUMNS.map(([, , of]) => of(r));

const NAMES = COLUMNS.map(([column]) => column).join(', ');
const FROM_JSON = COLUMNS.map(([column, type], i) => `(x->>${i})::${type} AS ${column}`).join(', ');

// inserted in the batch's (sorted) order; total_tokens is derived here, as it always was
const recordBatchSql = (batch: string) => Prisma.sql`
  WITH input AS (
    SELECT ${Prisma.raw(FROM_JSON)}, n FROM jsonb_array_elements(${batch}::jsonb) WITH ORDINALITY AS e(x, n)
  ),
  ins AS (
    INSERT INTO usage_records (${Prisma.raw(NAMES)}, total_tokens)
    SELECT ${Prisma.raw(NAMES)}, prompt_tokens + completion_tokens FROM input ORDER BY n
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
  private direct?: DirectSql;
  constructor(@Inject(PrismaClient) private readonly prisma: PrismaClient) {}

  // the client's own pool, without Prisma's raw-query path, and the batch statement prepared once
  private get sql(): DirectSql {
    return (this.direct ??= directSql(this.prisma));
  }

  /**
   * Write a batch of attempts to the ledger, exactly once, in one statement (so one transaction):
   * a multi-row insert that skips every (call id, attempt) already there, and the daily rollups
   * moved by exactly the rows it inserted. Returns how many rows were new.
   */
  async recordBatch(rows: ReadonlyArray<LedgerRow>): Promise<number> {
    if (rows.length === 0) return 0;
    // sorted, so that two writers of overlapping batches take their row locks in the same order
    const sorted = [...rows].sort((a, b) => (a.callId === b.callId ? a.attempt - b.attempt : a.callId < b.callId ? -1 : 1));
    const [{ inserted }] = await this.sql.query<{ inserted: number }>(recordBatchSql(JSON.stringify(sorted.map(tupleOf))));
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
