import type { CheckpointStore, NodeExecutionFinish, NodeExecutionStart } from '@shoal/workflow-runtime';
import { Prisma, type DirectSql } from '@shoal/platform';
import { LeaseLostError } from './lease-lost.error';

/** node_executions columns as one JSON record (json_to_recordset below names the same fields). */
interface NodeRow {
  id: string;
  node_id: string;
  execution_key: string;
  node_type: string;
  title: string;
  index: number;
  predecessor_node_id: string | null;
  iteration_index: number | null;
  attempt: number;
  call_id: string | null;
  status: string;
  inputs: Record<string, unknown> | null;
  process_data: Record<string, unknown> | null;
  outputs: Record<string, unknown> | null;
  error: string | null;
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  cost: string;
  currency: string | null;
  elapsed_ms: number | null;
  started_at: string;
  finished_at: string | null;
}

const startedRow = (rec: NodeExecutionStart): NodeRow => ({
  id: rec.executionId,
  node_id: rec.nodeId,
  execution_key: rec.executionKey,
  node_type: rec.nodeType,
  title: rec.title,
  index: rec.index,
  predecessor_node_id: rec.predecessorNodeId,
  iteration_index: rec.iterationIndex,
  attempt: rec.attempt,
  call_id: rec.callId,
  status: 'running',
  inputs: null,
  process_data: null,
  outputs: null,
  error: null,
  prompt_tokens: 0,
  completion_tokens: 0,
  total_tokens: 0,
  cost: '0',
  currency: null,
  elapsed_ms: null,
  started_at: new Date(rec.startedAt).toISOString(),
  finished_at: null,
});

const finishedRow = (rec: NodeExecutionFinish): NodeRow => ({
  ...startedRow(rec),
  status: rec.status,
  inputs: rec.inputs,
  process_data: rec.processData,
  outputs: rec.outputs,
  error: rec.error,
  prompt_tokens: rec.tokens.prompt,
  completion_tokens: rec.tokens.completion,
  total_tokens: rec.tokens.total,
  cost: rec.cost?.amount ?? '0',
  currency: rec.cost?.currency ?? null,
  elapsed_ms: Math.round(rec.elapsedMs),
  finished_at: new Date(rec.finishedAt).toISOString(),
});

/**
 * The runtime's checkpoints as node_executions rows, one per (run, execution key): a top-level
 * node, or one node in one iteration / loop round.
 *
 * One statement per write: the rows are upserted by a single INSERT that first locks the run row
 * while it still names this worker's lease (a takeover waits for it, then wins), so once another
 * worker has taken the run over, this one's writes fail with LeaseLostError instead of landing
 * beside the new worker's. A deterministic node (no effects; a resumed run recomputes it
 * identically) writes nothing when it starts, and its finish rides with the next write: the next
 * effectful node's start or finish, or the run's end (RunStateRepository.finish takes `pending()`).
 * A node with effects (an LLM call) is committed at its start (its attempt and call id, so a rerun
 * after a crash continues after them) and at its finish, before its successors start.
 */
export class NodeCheckpointsRepository implements CheckpointStore {
  private deferred: NodeRow[] = [];

  constructor(
    private readonly sql: DirectSql,
    private readonly tenantId: string,
    private readonly lease: string,
  ) {}

  /** Nothing to wait for (no promise) for a deterministic node: it writes nothing when it starts. */
  nodeStarted(rec: NodeExecutionStart): Promise<void> | undefined {
    // a node an earlier attempt started but did not finish is started again over the same row
    return rec.deterministic ? undefined : this.write(rec.runId, [...this.pending(), startedRow(rec)]);
  }

  /** Nothing to wait for (no promise) for a deterministic node: its row waits for the next write. */
  nodeFinished(rec: NodeExecutionFinish): Promise<void> | undefined {
    if (!rec.deterministic) return this.write(rec.runId, [...this.pending(), finishedRow(rec)]);
    this.deferred.push(finishedRow(rec));
    return undefined;
  }

  /** The deferred records, handed over to whoever writes next (taken: they are no longer held here). */
  pending(): NodeRow[] {
    const rows = this.deferred;
    this.deferred = [];
    return rows;
  }

  private async write(runId: string, rows: NodeRow[]): Promise<void> {
    const [r] = await this.sql.query<{ held: number }>(Prisma.sql`
      WITH held AS (
        SELECT id FROM workflow_runs WHERE id = ${runId} AND worker_id = ${this.lease} FOR UPDATE
      ), written AS (${upsertNodeRows(this.tenantId, rows)})
      SELECT (SELECT count(*) FROM held)::int AS held`);
    if (!r?.held) throw new LeaseLostError(runId);
  }
}

/**
 * The INSERT that upserts `rows` for the run in `held` (a CTE of the enclosing statement naming
 * the locked run row): no row is written when `held` is empty. One JSON parameter for all rows.
 */
export function upsertNodeRows(tenantId: string, rows: NodeRow[]) {
  return Prisma.sql`
    INSERT INTO node_executions (id, tenant_id, run_id, node_id, execution_key, node_type, title, "index",
      predecessor_node_id, iteration_index, attempt, call_id, status, inputs, process_data, outputs, error,
      prompt_tokens, completion_tokens, total_tokens, cost, currency, elapsed_ms, started_at, finished_at)
    SELECT r.id, ${tenantId}, held.id, r.node_id, r.execution_key, r.node_type, r.title, r."index",
      r.predecessor_node_id, r.iteration_index, r.attempt, r.call_id, r.status::node_status,
      NULLIF(r.inputs, 'null'), NULLIF(r.process_data, 'null'), NULLIF(r.outputs, 'null'), r.error,
      r.prompt_tokens, r.completion_tokens, r.total_tokens, r.cost, r.currency, r.elapsed_ms, r.started_at, r.finished_at
    FROM json_to_recordset(${JSON.stringify(rows)}::json) AS r(id text, node_id text, execution_key text,
      node_type text, title text, "index" int, predecessor_node_id text, iteration_index int, attempt int,
      call_id text, status text, inputs jsonb, process_data jsonb, outputs jsonb, error text, prompt_tokens int,
      completion_tokens int, total_tokens int, cost numeric, currency text, elapsed_ms int,
      started_at timestamptz, finished_at timestamptz)
    CROSS JOIN held
    ON CONFLICT (run_id, execution_key) DO UPDATE SET id = EXCLUDED.id, node_type = EXCLUDED.node_type,
      title = EXCLUDED.title, "index" = EXCLUDED."index", predecessor_node_id = EXCLUDED.predecessor_node_id,
      iteration_index = EXCLUDED.iteration_index, attempt = EXCLUDED.attempt, call_id = EXCLUDED.call_id,
      status = EXCLUDED.status, inputs = EXCLUDED.inputs, process_data = EXCLUDED.process_data,
      outputs = EXCLUDED.outputs, error = EXCLUDED.error, prompt_tokens = EXCLUDED.prompt_tokens,
      completion_tokens = EXCLUDED.completion_tokens, total_tokens = EXCLUDED.total_tokens, cost = EXCLUDED.cost,
      currency = EXCLUDED.currency, elapsed_ms = EXCLUDED.elapsed_ms, started_at = EXCLUDED.started_at,
      finished_at = EXCLUDED.finished_at
    RETURNING 1`;
}

export type { NodeRow };
