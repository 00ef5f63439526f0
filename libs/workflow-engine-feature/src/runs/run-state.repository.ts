import { Inject, Injectable } from '@nestjs/common';
import type { FinishedNodeRecord } from '@shoal/workflow-runtime';
import { NodeCheckpointsRepository, upsertNodeRows, type NodeRow } from './node-checkpoints.repository';
import { LeaseLostError } from './lease-lost.error';
import { encodeRunEndRecord, newId, runStatusFromColumn, type RunEndColumns } from '@shoal/contracts';
import { Prisma, PrismaClient, directSql, type DirectSql } from '@shoal/platform';

export interface ClaimedRun {
  id: string;
  tenantId: string;
  workflowId: string;
  workflowVersionId: string;
  apiKeyId: string | null;
  inputs: Record<string, unknown>;
  endUser: string | null;
  responseMode: string;
  graph: unknown;
  createdAt: Date;
  attempts: number;
  /** chatflow runs: the conversation, the user's message and the turn's message id (null for workflow runs) */
  conversationId: string | null;
  query: string | null;
  messageId: string | null;
  /** set when a cancel was requested: the run is stopped instead of executed */
  cancelRequestedAt: Date | null;
  callDepth: number;
  /** sys.files: the Dify file objects the gateway resolved from the request's `files` */
  files: unknown[];
  /** this claim's token: every write for the run is conditional on it still being the run's worker_id */
  lease: string;
}

export interface FinishedRunRow {
  id: string;
  tenantId: string;
  workflowId: string;
  status: 'succeeded' | 'failed' | 'partial-succeeded' | 'stopped';
  outputs: Record<string, unknown> | null;
  error: string | null;
  totalTokens: number;
  totalSteps: number;
  createdAt: Date;
  finishedAt: Date | null;
}

export interface RunTotals {
  status: 'succeeded' | 'partial-succeeded' | 'failed' | 'stopped';
  outputs: Record<string, unknown>;
  error: string | null;
  totalTokens: number;
  totalSteps: number;
  elapsedMs: number;
  totalPrice: string;
  currency: string;
}

@Injectable()
export class RunStateRepository {
  private direct?: DirectSql;
  constructor(@Inject(PrismaClient) private readonly prisma: PrismaClient) {}

  /** A run's hot-path statements (claim, checkpoints, end) go without Prisma (direct-sql.ts). */
  private get sql(): DirectSql {
    return (this.direct ??= directSql(this.prisma));
  }

  /**
   * Take a run for execution: queued, or running (taken over after a crash or a stalled worker).
   * Returns null when the run is gone or already finished, so a duplicate delivery does nothing.
   */
  async claim(runId: string, workerId: string): Promise<ClaimedRun | null> {
    // unique per claim, so a stalled worker on the same host and pid is fenced off as well
    const lease = `${workerId}:${newId('run').slice(4)}`;
    // one statement: the claim returns the run and its version's graph
    const [run] = await this.sql.query<Omit<ClaimedRun, 'lease'>>(Prisma.sql`
      UPDATE workflow_runs r SET status = 'running', attempts = r.attempts + 1, worker_id = ${lease},
        started_at = COALESCE(r.started_at, now()), updated_at = now()
      FROM workflow_versions v
      WHERE r.id = ${runId} AND r.status IN ('queued', 'running') AND v.id = r.workflow_version_id
      RETURNING r.id, r.tenant_id AS "tenantId", r.workflow_id AS "workflowId", r.workflow_version_id AS "workflowVersionId",
        r.api_key_id AS "apiKeyId", r.inputs, r.end_user AS "endUser", r.response_mode AS "responseMode", v.graph,
        r.created_at AS "createdAt", r.attempts, r.conversation_id AS "conversationId", r.query, r.message_id AS "messageId",
        r.cancel_requested_at AS "cancelRequestedAt", r.call_depth AS "callDepth", r.files`);
    if (!run) return null;
    return { ...run, files: Array.isArray(run.files) ? run.files : [], lease };
  }

  /**
   * What earlier attempts committed: the checkpoints a resumed run continues from. A node that ended
   * `exception` (its error_strategy handled the failure) is done as well; its outputs hold
   * error_message and error_type, and the runtime re-derives its branch from the status.
   */
  async finishedNodes(tenantId: string, runId: string): Promise<FinishedNodeRecord[]> {
    const rows = await this.prisma.nodeExecution.findMany({
      where: { tenantId, runId, status: { in: ['succeeded', 'exception'] } },
      select: {
        nodeId: true,
        executionKey: true,
        index: true,
        status: true,
        outputs: true,
        promptTokens: true,
        completionTokens: true,
        totalTokens: true,
        cost: true,
        currency: true,
      },
      orderBy: { index: 'asc' },
    });
    return rows.map((r) => ({
      nodeId: r.nodeId,
      executionKey: r.executionKey,
      index: r.index,
      status: r.status === 'exception' ? ('exception' as const) : ('succeeded' as const),
      outputs: (r.outputs ?? {}) as Record<string, unknown>,
      tokens: { prompt: r.promptTokens, completion: r.completionTokens, total: r.totalTokens },
      cost: r.currency ? { amount: r.cost.toFixed(), currency: r.currency } : null,
    }));
  }

  /**
   * Node executions (by execution key) an earlier attempt started but never finished (its worker
   * died mid-node), with the attempt number they were on: their next try continues after it, with a new call id.
   */
  async startedAttempts(tenantId: string, runId: string): Promise<Map<string, number>> {
    const rows = await this.prisma.nodeExecution.findMany({
      // failed too: a run resumed after an attempt that failed of an infrastructure error (ModelPoolLostError),
      // whose tries may have reached the provider. A row holds its node's highest try (the start of each
      // retry rewrites it), so numbering continues after every try that was made; a try that never
      // reached the provider only leaves a gap. Finished rows are restored, never tried again.
      // (attempt-numbering.int-spec.ts)
      where: { tenantId, runId, status: { in: ['running', 'failed'] } },
      select: { executionKey: true, attempt: true },
    });
    // by execution key: a node inside an iteration or loop has one row per round
    return new Map(rows.map((r) => [r.executionKey, r.attempt]));
  }

  /** Which of `runIds` (runs this worker holds) have a cancel requested. */
  async cancelRequested(runIds: string[]): Promise<string[]> {
    const rows = await this.prisma.workflowRun.findMany({
      where: { id: { in: runIds }, cancelRequestedAt: { not: null } },
      select: { id: true },
    });
    return rows.map((r) => r.id);
  }

  /**
   * Stores the run's outcome, with the node records the checkpoint store still holds (`pending`:
   * deterministic nodes committed with the run's end), in one statement, if `lease` is still this
   * run's; otherwise LeaseLostError and nothing is written. Answers when it finished and its end
   * record: the columns the run's end changed, as stored (@shoal/contracts encodeRunEndRecord).
   */
  async finish(
    tenantId: string,
    runId: string,
    lease: string,
    t: RunTotals,
    pending: NodeRow[] = [],
  ): Promise<{ finishedAt: Date; endRecord: string }> {
    // the database's run_status labels are the API's statuses ('partial-succeeded'); Prisma maps them to its own names
    const [r] = await this.sql.query<
      Omit<RunEndColumns<Date>, 'finished_at'> & { finished_at: Date | null; outputs: string | null }
    >(Prisma.sql`
      WITH held AS (
        -- by primary key only, the one index this condition leaves the planner: it is one row, however
        -- many runs the table holds. Status is compared as text, or the planner could take
        -- workflow_runs_status_idx (it estimates one running row either way), whose 'running' entries
        -- include every run since the last vacuum. The tenant is not compared: a generic plan cached
        -- while the table was small (embedded Postgres has no statistics until its first vacuum) took
        -- workflow_runs_tenant_id_idempotency_key_key for it and walked every run of the tenant, 0.8 ms
        -- at 3,000 runs against 0.06. The lease names the run's claim alone.
        SELECT id FROM workflow_runs
        WHERE id = ${runId} AND worker_id = ${lease} AND status::text = 'running' FOR UPDATE
      ), written AS (${pending.length ? upsertNodeRows(tenantId, pending) : Prisma.sql`SELECT 1`}),
      finished AS (
        UPDATE workflow_runs w SET status = ${t.status}::run_status, outputs = ${JSON.stringify(t.outputs)}::jsonb,
          error = ${t.error}, total_tokens = ${t.totalTokens}, total_steps = ${t.totalSteps}, elapsed_ms = ${Math.round(t.elapsedMs)},
          total_price = ${t.totalPrice}::numeric, currency = ${t.currency}, finished_at = now(), updated_at = now()
        FROM held WHERE w.id = held.id
        RETURNING w.status, w.outputs::text AS outputs, w.error, w.total_tokens, w.total_steps, w.total_price::text AS total_price,
          w.currency, w.elapsed_ms, w.attempts, w.worker_id, w.cancel_requested_at, w.started_at, w.finished_at, w.updated_at
      )
      SELECT finished.* FROM (SELECT 1) AS one LEFT JOIN finished ON true`);
    if (!r?.finished_at) throw new LeaseLostError(runId);
    const { outputs, ...row } = r;
    return { finishedAt: r.finished_at, endRecord: encodeRunEndRecord({ ...row, finished_at: r.finished_at }, outputs) };
  }

  async fail(runId: string, error: string): Promise<void> {
    await this.prisma.workflowRun.updateMany({
      where: { id: runId, status: { in: ['queued', 'running'] } },
      data: { status: 'failed', error, finishedAt: new Date() },
    });
  }

  /** The runtime's checkpoint store for one tenant's run (node_executions rows). */
  checkpointsFor(tenantId: string, lease: string): NodeCheckpointsRepository {
    return new NodeCheckpointsRepository(this.sql, tenantId, lease);
  }

  /** Runs not finished yet, oldest first (bounded: a backlog beyond it is requeued at the next start). */
  async unfinishedIds(limit = 10_000): Promise<string[]> {
    const rows = await this.prisma.workflowRun.findMany({
      where: { status: { in: ['queued', 'running'] } },
      select: { id: true },
      orderBy: { createdAt: 'asc' },
      take: limit,
    });
    return rows.map((r) => r.id);
  }

  /** A finished run whose workflow_finished event was never appended (last_event_seq still 0). */
  async unannouncedFinish(runId: string): Promise<FinishedRunRow | null> {
    const r = await this.prisma.workflowRun.findFirst({
      // a run stopped while queued (never started) is announced by the gateway that stopped it
      where: { id: runId, lastEventSeq: 0, status: { notIn: ['queued', 'running'] }, NOT: { status: 'stopped', startedAt: null } },
    });
    if (!r) return null;
    return {
      id: r.id,
      tenantId: r.tenantId,
      workflowId: r.workflowId,
      status: runStatusFromColumn(r.status) as FinishedRunRow['status'],
      outputs: (r.outputs ?? null) as Record<string, unknown> | null,
      error: r.error,
      totalTokens: r.totalTokens,
      totalSteps: r.totalSteps,
      createdAt: r.createdAt,
      finishedAt: r.finishedAt,
    };
  }

  async setLastEventSeq(runId: string, seq: number): Promise<void> {
    // once per run, on the direct path (Prisma's updateMany costs its caller more CPU than the statement);
    // by primary key alone, as finish() (a cached plan could take the tenant's index for its tenant_id)
    await this.sql.execute(Prisma.sql`
      UPDATE workflow_runs SET last_event_seq = ${seq}, updated_at = now() WHERE id = ${runId}`);
  }
}
