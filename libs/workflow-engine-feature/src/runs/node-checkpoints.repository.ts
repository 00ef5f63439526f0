import type { CheckpointStore, NodeExecutionFinish, NodeExecutionStart } from '@shoal/workflow-runtime';
import type { Prisma, PrismaClient } from '@shoal/platform';
import { LeaseLostError } from './lease-lost.error';

const json = (v: Record<string, unknown> | null) => (v === null ? undefined : (v as Prisma.InputJsonValue));

/**
 * The runtime's checkpoints as node_executions rows, one per (run, execution key): a top-level node, or one node in one iteration / loop round. Every write is fenced by
 * the worker's lease: once another worker has taken the run over, this one's writes fail with
 * LeaseLostError instead of landing beside the new worker's.
 */
export class NodeCheckpointsRepository implements CheckpointStore {
  constructor(
    private readonly prisma: PrismaClient,
    private readonly tenantId: string,
    private readonly lease: string,
  ) {}

  async nodeStarted(rec: NodeExecutionStart): Promise<void> {
    const row = {
      id: rec.executionId,
      nodeType: rec.nodeType,
      title: rec.title,
      index: rec.index,
      predecessorNodeId: rec.predecessorNodeId,
      attempt: rec.attempt,
      callId: rec.callId,
      iterationIndex: rec.iterationIndex,
      status: 'running' as const,
      startedAt: new Date(rec.startedAt),
      finishedAt: null,
      error: null,
    };
    // a node an earlier attempt started but did not finish is started again over the same row
    await this.prisma.$transaction(async (tx) => {
      // the run row is locked until the checkpoint is written: a takeover waits, then wins
      const [held] = await tx.$queryRaw<
        Array<{ ok: boolean }>
      >`SELECT true AS ok FROM workflow_runs WHERE id = ${rec.runId} AND worker_id = ${this.lease} FOR UPDATE`;
      if (!held) throw new LeaseLostError(rec.runId);
      await tx.nodeExecution.upsert({
        where: { runId_executionKey: { runId: rec.runId, executionKey: rec.executionKey } },
        create: { ...row, tenantId: this.tenantId, runId: rec.runId, nodeId: rec.nodeId, executionKey: rec.executionKey },
        update: row,
      });
    });
  }

  async nodeFinished(rec: NodeExecutionFinish): Promise<void> {
    const { count } = await this.prisma.nodeExecution.updateMany({
      where: { runId: rec.runId, executionKey: rec.executionKey, run: { workerId: this.lease } },
      data: {
        status: rec.status,
        inputs: json(rec.inputs),
        processData: json(rec.processData),
        outputs: json(rec.outputs),
        error: rec.error,
        promptTokens: rec.tokens.prompt,
        completionTokens: rec.tokens.completion,
        totalTokens: rec.tokens.total,
        elapsedMs: Math.round(rec.elapsedMs),
        finishedAt: new Date(rec.finishedAt),
      },
    });
    if (count === 0) throw new LeaseLostError(rec.runId);
  }
}
