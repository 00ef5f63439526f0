import { Inject, Injectable } from '@nestjs/common';
import { decodeRunEndRecord, runStatusFromColumn, runStatusToColumn, type RunEndColumns } from '@shoal/contracts';
import { PrismaClient, Prisma, directSql, type DbRunStatus, type DirectSql } from '@shoal/platform';

const runWithNodes = { include: { nodeExecutions: { orderBy: { index: 'asc' } } } } as const;
export type RunRow = Prisma.WorkflowRunGetPayload<object>;
export type RunWithNodes = Prisma.WorkflowRunGetPayload<typeof runWithNodes>;
const streamFields = { id: true, tenantId: true, workflowId: true, status: true, lastEventSeq: true } as const;
/** What opening an event stream needs of a run, and no more. */
export type RunStreamRow = Prisma.WorkflowRunGetPayload<{ select: typeof streamFields }>;

/**
 * A workflow_runs row read by SQL on the direct path (`RETURNING *`, `SELECT *`), as Prisma's model
 * names and types it: node-postgres already gives Date and parsed JSON, the price (numeric) comes as
 * a string and becomes a Decimal. The fields are listed (the compiler holds them to the model's, the
 * int spec to Prisma's own read) so that every row has one shape. A blocking run's request writes and
 * reads its row once each, and Prisma's create and findFirst cost their caller ~0.2 and ~0.15 ms more
 * CPU than the same statement sent raw.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a row as node-postgres parsed it, checked field by field below
function runRowOf(r: Record<string, any>): RunRow {
  return {
    id: r.id,
    tenantId: r.tenant_id,
    workflowId: r.workflow_id,
    workflowVersionId: r.workflow_version_id,
    apiKeyId: r.api_key_id,
    responseMode: r.response_mode,
    inputs: r.inputs,
    outputs: r.outputs,
    endUser: r.end_user,
    traceId: r.trace_id,
    idempotencyKey: r.idempotency_key,
    lastEventSeq: r.last_event_seq,
    conversationId: r.conversation_id,
    query: r.query,
    messageId: r.message_id,
    callDepth: r.call_depth,
    files: r.files,
    createdAt: r.created_at,
    // a row not yet finished has no finished_at: endFieldsOf keeps its null
    ...endFieldsOf(r as RunEndColumns<Date>, (d) => d),
  };
}

/** The fields of the columns a run's end sets, by Prisma's names, with times made Dates by `date`. */
function endFieldsOf<Time extends Date | string>(r: RunEndColumns<Time>, date: (t: Time) => Date) {
  return {
    // the column's label ('partial-succeeded') as Prisma's enum names it ('partial_succeeded')
    status: runStatusToColumn(r.status),
    error: r.error,
    totalTokens: r.total_tokens,
    totalSteps: r.total_steps,
    totalPrice: new Prisma.Decimal(r.total_price),
    currency: r.currency,
    elapsedMs: r.elapsed_ms,
    attempts: r.attempts,
    workerId: r.worker_id,
    cancelRequestedAt: r.cancel_requested_at === null ? null : date(r.cancel_requested_at),
    startedAt: r.started_at === null ? null : date(r.started_at),
    finishedAt: r.finished_at === null ? null : date(r.finished_at),
    updatedAt: date(r.updated_at),
  };
}

/**
 * The row of a run this gateway inserted (`written`) as it stands after its end: the columns the
 * engine's end statement stored, from the end record it announced the end with (workflow-engine
 * @shoal/contracts encodeRunEndRecord; `outputs` as Postgres printed the jsonb, the price as numeric
 * text, times as ISO strings), typed as runRowOf types a read of the row. Undefined when `end` is not
 * such a record (an end announced without one, or by another version): the caller reads the row.
 * last_event_seq stays as written (the engine sets it after announcing the end; a read may or may
 * not see it, and no answer shows it).
 */
export function withEnd(written: RunRow, end: unknown): RunRow | undefined {
  const record = decodeRunEndRecord(end);
  if (!record) return undefined;
  return { ...written, outputs: record.outputs as RunRow['outputs'], ...endFieldsOf(record.row, (t) => new Date(t)) };
}

@Injectable()
export class RunsRepository {
  private direct?: DirectSql;
  constructor(@Inject(PrismaClient) private readonly prisma: PrismaClient) {}

  private get sql(): DirectSql {
    return (this.direct ??= directSql(this.prisma));
  }

  /**
   * Writes the queued run, only if its version is still the workflow's latest and the workflow is
   * not archived: one statement, the check and the insert together. The gateway may start a run
   * from a cached copy of the workflow (WorkflowsService.forRun); a version published or an archive
   * made since, on any replica, is found here ('not_latest') and nothing is written. 'duplicate':
   * another request with the same Idempotency-Key won the race (a null key never conflicts).
   */
  async createQueued(
    tenantId: string,
    run: {
      id: string;
      workflowId: string;
      workflowVersionId: string;
      apiKeyId: string;
      inputs: object;
      responseMode: string;
      endUser: string | null;
      traceId: string | null;
      idempotencyKey?: string | null;
      /** sys.files: Dify file objects (omitted: none) */
      files?: Prisma.InputJsonValue[];
    },
  ): Promise<RunRow | 'duplicate' | 'not_latest'> {
    // the workflow by primary key alone (see WorkflowsRepository.findLatest): its tenant was checked
    // when the version was read, and a workflow never changes tenant
    const [row] = await this.sql.query<Record<string, unknown>>(Prisma.sql`
      WITH latest AS (
        SELECT 1 FROM workflows
        WHERE id = ${run.workflowId} AND latest_version_id = ${run.workflowVersionId} AND archived_at IS NULL
      ), inserted AS (
        INSERT INTO workflow_runs (id, tenant_id, workflow_id, workflow_version_id, api_key_id, status, response_mode, inputs,
          end_user, trace_id, idempotency_key, files, created_at, updated_at)
        SELECT ${run.id}::text, ${tenantId}::text, ${run.workflowId}::text, ${run.workflowVersionId}::text, ${run.apiKeyId}::text,
          'queued'::run_status, ${run.responseMode}::text, ${JSON.stringify(run.inputs)}::jsonb, ${run.endUser}::text,
          ${run.traceId}::text, ${run.idempotencyKey ?? null}::text, ${run.files ? JSON.stringify(run.files) : null}::jsonb, now(), now()
        FROM latest
        ON CONFLICT (tenant_id, idempotency_key) DO NOTHING
        RETURNING *
      )
      SELECT EXISTS (SELECT 1 FROM latest) AS "__latest", inserted.* FROM (VALUES (1)) AS one (x) LEFT JOIN inserted ON true`);
    if (row?.['id']) return runRowOf(row);
    return row?.['__latest'] ? 'duplicate' : 'not_latest';
  }

  findByIdempotencyKey(tenantId: string, key: string): Promise<RunRow | null> {
    return this.prisma.workflowRun.findUnique({ where: { tenantId_idempotencyKey: { tenantId, idempotencyKey: key } } });
  }

  /** Newest first, by id (ids sort by creation time); `after` is the last id of the previous page. */
  async list(
    tenantId: string,
    q: { workflowId?: string; status?: DbRunStatus; createdAfter?: Date; createdBefore?: Date; limit: number; after?: string },
  ): Promise<{ runs: RunRow[]; hasMore: boolean }> {
    const rows = await this.prisma.workflowRun.findMany({
      where: {
        tenantId,
        ...(q.workflowId ? { workflowId: q.workflowId } : {}),
        ...(q.status ? { status: q.status } : {}),
        ...(q.createdAfter || q.createdBefore
          ? { createdAt: { ...(q.createdAfter ? { gte: q.createdAfter } : {}), ...(q.createdBefore ? { lt: q.createdBefore } : {}) } }
          : {}),
        ...(q.after ? { id: { lt: q.after } } : {}),
      },
      orderBy: { id: 'desc' },
      take: q.limit + 1,
    });
    return { runs: rows.slice(0, q.limit), hasMore: rows.length > q.limit };
  }

  markUnqueued(tenantId: string, runId: string, error: string): Promise<unknown> {
    return this.prisma.workflowRun.updateMany({
      where: { id: runId, tenantId, status: 'queued' },
      data: { status: 'failed', error, finishedAt: new Date() },
    });
  }

  /**
   * A queued run (no worker has it yet) ends `stopped` at once; null when it was no longer queued
   * (a worker claimed it meanwhile: cancel it as a running run).
   */
  async stopQueued(tenantId: string, runId: string, error: string): Promise<RunRow | null> {
    const now = new Date();
    const { count } = await this.prisma.workflowRun.updateMany({
      where: { id: runId, tenantId, status: 'queued' },
      data: { status: 'stopped', error, cancelRequestedAt: now, finishedAt: now, elapsedMs: 0 },
    });
    return count ? this.find(tenantId, runId) : null;
  }

  /** Marks a running run for cancellation (the flag a worker polls and reads when it takes the run); false when it is not running. */
  async requestCancel(tenantId: string, runId: string): Promise<boolean> {
    const count = await this.prisma.$executeRaw`
      UPDATE workflow_runs SET cancel_requested_at = COALESCE(cancel_requested_at, now()), updated_at = now()
      WHERE id = ${runId} AND tenant_id = ${tenantId} AND status = 'running'`;
    return count > 0;
  }

  async setLastEventSeq(tenantId: string, runId: string, seq: number): Promise<void> {
    // raw: once per run, and Prisma's updateMany costs its caller more CPU than the statement
    await this.prisma.$executeRaw`
      UPDATE workflow_runs SET last_event_seq = ${seq}, updated_at = now() WHERE id = ${runId} AND tenant_id = ${tenantId}`;
  }

  async find(tenantId: string, runId: string): Promise<RunRow | null> {
    // by primary key alone, the tenant compared here: with tenant_id = $2 in the statement, a plan
    // cached before the table had statistics took the tenant's index and walked all of its runs
    const [row] = await this.sql.query<Record<string, unknown>>(Prisma.sql`SELECT * FROM workflow_runs WHERE id = ${runId}`);
    return row && row['tenant_id'] === tenantId ? runRowOf(row) : null;
  }

  /** Every event stream opens with it: by primary key, the tenant compared here (as find). */
  async findForStream(tenantId: string, runId: string): Promise<RunStreamRow | null> {
    const run = await this.prisma.workflowRun.findUnique({ where: { id: runId }, select: streamFields });
    return run?.tenantId === tenantId ? run : null;
  }

  /** By primary key, the tenant compared here (as find). */
  async findWithNodes(tenantId: string, runId: string): Promise<RunWithNodes | null> {
    const run = await this.prisma.workflowRun.findUnique({ where: { id: runId }, ...runWithNodes });
    return run?.tenantId === tenantId ? run : null;
  }

  /**
   * A workflow's runs, newest first, a page at a time, with the number of the version each ran.
   * `keyword` matches the end user, or text in the inputs or outputs (case-insensitive).
   */
  async listForWorkflow(
    tenantId: string,
    workflowId: string,
    q: { status?: DbRunStatus; keyword?: string; offset: number; limit: number },
  ): Promise<{ runs: Array<RunRow & { versionNumber: number }>; total: number }> {
    const filters = [Prisma.sql`tenant_id = ${tenantId}`, Prisma.sql`workflow_id = ${workflowId}`];
    // the enum's label, not Prisma's name for it: 'partial_succeeded'::run_status is no value
    if (q.status) filters.push(Prisma.sql`status = ${runStatusFromColumn(q.status)}::run_status`);
    if (q.keyword) {
      const like = `%${q.keyword.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
      filters.push(Prisma.sql`(end_user ILIKE ${like} OR inputs::text ILIKE ${like} OR outputs::text ILIKE ${like})`);
    }
    const where = Prisma.join(filters, ' AND ');
    const [page, [{ total }]] = await Promise.all([
      this.prisma.$queryRaw<
        Array<{ id: string }>
      >`SELECT id FROM workflow_runs WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT ${q.limit} OFFSET ${q.offset}`,
      this.prisma.$queryRaw<Array<{ total: bigint }>>`SELECT count(*) AS total FROM workflow_runs WHERE ${where}`,
    ]);
    const rows = await this.prisma.workflowRun.findMany({
      where: { tenantId, id: { in: page.map((r) => r.id) } },
      include: { version: { select: { number: true } } },
    });
    const byId = new Map(rows.map((r) => [r.id, r]));
    const runs = page.flatMap((p) => {
      const r = byId.get(p.id);
      if (!r) return [];
      const { version, ...run } = r;
      return [{ ...run, versionNumber: version.number }];
    });
    return { runs, total: Number(total) };
  }

  /** Node executions of several runs in one query, in each run's order (GraphQL batches these). */
  nodeExecutionsOf(tenantId: string, runIds: readonly string[]) {
    return this.prisma.nodeExecution.findMany({
      where: { tenantId, runId: { in: [...runIds] } },
      orderBy: [{ runId: 'asc' }, { index: 'asc' }],
    });
  }

  /** The newest runs of several workflows, at most `perWorkflow` each, in one query. */
  async latestOfWorkflows(tenantId: string, workflowIds: readonly string[], perWorkflow: number, status?: DbRunStatus): Promise<RunRow[]> {
    const ids = await this.prisma.$queryRaw<Array<{ id: string }>>`
      SELECT id FROM (
        SELECT id, row_number() OVER (PARTITION BY workflow_id ORDER BY id DESC) AS n
        FROM workflow_runs
        WHERE tenant_id = ${tenantId} AND workflow_id = ANY(${[...workflowIds]}) ${status ? Prisma.sql`AND status = ${runStatusFromColumn(status)}::run_status` : Prisma.empty}
      ) ranked WHERE n <= ${perWorkflow}`;
    return this.prisma.workflowRun.findMany({ where: { tenantId, id: { in: ids.map((r) => r.id) } }, orderBy: { id: 'desc' } });
  }
}
