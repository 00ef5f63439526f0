import { Inject, Injectable } from '@nestjs/common';
import { PrismaClient, type Prisma } from '@shoal/platform';

const runWithNodes = { include: { nodeExecutions: { orderBy: { index: 'asc' } } } } as const;
export type RunRow = Prisma.WorkflowRunGetPayload<object>;
export type RunWithNodes = Prisma.WorkflowRunGetPayload<typeof runWithNodes>;
const streamFields = { id: true, tenantId: true, workflowId: true, status: true, lastEventSeq: true } as const;
/** What opening an event stream needs of a run, and no more. */
export type RunStreamRow = Prisma.WorkflowRunGetPayload<{ select: typeof streamFields }>;

@Injectable()
export class RunsRepository {
  constructor(@Inject(PrismaClient) private readonly prisma: PrismaClient) {}

  createQueued(
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
    },
  ): Promise<RunRow> {
    return this.prisma.workflowRun.create({ data: { ...run, tenantId, status: 'queued' } });
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
    await this.prisma.workflowRun.updateMany({ where: { id: runId, tenantId }, data: { lastEventSeq: seq } });
  }

  find(tenantId: string, runId: string): Promise<RunRow | null> {
    return this.prisma.workflowRun.findFirst({ where: { id: runId, tenantId } });
  }

  findForStream(tenantId: string, runId: string): Promise<RunStreamRow | null> {
    return this.prisma.workflowRun.findFirst({ where: { id: runId, tenantId }, select: streamFields });
  }

  findWithNodes(tenantId: string, runId: string): Promise<RunWithNodes | null> {
    return this.prisma.workflowRun.findFirst({ where: { id: runId, tenantId }, ...runWithNodes });
  }
}
