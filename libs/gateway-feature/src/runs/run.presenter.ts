import { runStatusFromColumn } from '@shoal/contracts';
import type { RunRow, RunWithNodes } from './runs.repository';

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function presentRun(run: RunRow) {
  return {
    id: run.id,
    object: 'workflow_run',
    workflow_id: run.workflowId,
    workflow_version_id: run.workflowVersionId,
    status: runStatusFromColumn(run.status),
    // chatflows: the conversation the run is a turn of, and the turn's message id (null for workflows)
    conversation_id: run.conversationId,
    message_id: run.messageId,
    inputs: run.inputs,
    outputs: run.outputs ?? null,
    error: run.error,
    elapsed_ms: run.elapsedMs,
    total_tokens: run.totalTokens,
    total_steps: run.totalSteps,
    total_price: run.totalPrice.toFixed(),
    currency: run.currency,
    created_at: iso(run.createdAt),
    started_at: iso(run.startedAt),
    finished_at: iso(run.finishedAt),
  };
}

export function presentRunWithNodes(run: RunWithNodes) {
  return {
    ...presentRun(run),
    node_executions: run.nodeExecutions.map((n) => ({
      id: n.id,
      node_id: n.nodeId,
      node_type: n.nodeType,
      title: n.title,
      index: n.index,
      predecessor_node_id: n.predecessorNodeId,
      status: n.status,
      inputs: n.inputs ?? null,
      outputs: n.outputs ?? null,
      error: n.error,
      elapsed_ms: n.elapsedMs,
      prompt_tokens: n.promptTokens,
      completion_tokens: n.completionTokens,
      total_tokens: n.totalTokens,
      started_at: iso(n.startedAt),
      finished_at: iso(n.finishedAt),
    })),
  };
}
