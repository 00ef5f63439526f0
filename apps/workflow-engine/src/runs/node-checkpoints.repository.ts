import type { CheckpointStore, NodeExecutionFinish, NodeExecutionStart } from '@shoal/workflow-runtime';
import type { Prisma, PrismaClient } from '@shoal/platform';

const json = (v: Record<string, unknown> | null) => (v === null ? undefined : (v as Prisma.InputJsonValue));

/** The runtime's checkpoints as node_executions rows, one per (run, node). */
export class NodeCheckpointsRepository implements CheckpointStore {
  constructor(private readonly prisma: PrismaClient, private readonly tenantId: string) {}

  async nodeStarted(rec: NodeExecutionStart): Promise<void> {
    const row = {
      id: rec.executionId,
      nodeType: rec.nodeType,
      title: rec.title,
      index: rec.index,
      predecessorNodeId: rec.predecessorNodeId,
      attempt: rec.attempt,
      callId: rec.callId,
      status: 'running' as const,
      startedAt: new Date(rec.startedAt),
      finishedAt: null,
      error: null,
    };
    // a node an earlier attempt started but did not finish is started again over the same row
    await this.prisma.nodeExecution.upsert({
      where: { runId_executionKey: { runId: rec.runId, executionKey: rec.nodeId } },
      create: { ...row, tenantId: this.tenantId, runId: rec.runId, nodeId: rec.nodeId, executionKey: rec.nodeId },
      update: row,
    });
  }

  async nodeFinished(rec: NodeExecutionFinish): Promise<void> {
    await this.prisma.nodeExecution.update({
      where: { runId_executionKey: { runId: rec.runId, executionKey: rec.nodeId } },
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
  }
}
