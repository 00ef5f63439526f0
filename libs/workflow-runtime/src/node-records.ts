// What one node execution hands to the checkpoint store and the event sink: its start and finish
// records and its node_started / node_finished payloads. Each is one object literal of a fixed shape:
// a spread or a property added afterwards costs V8 a slower object and more allocations, on every
// node of every run. The store and the sink each get their own objects and none is changed after it
// was handed over.
import type { NodeFinishedData, NodeStartedData } from '@shoal/contracts';
import type { NodeExecutionFinish, NodeExecutionStart } from './ports';
import type { RunScope } from './scope';

function seconds(ms: number): number {
  return Math.floor(ms / 1000);
}

/** Dify's execution_metadata of a node inside an iteration or loop; null at the top level. */
export function scopeMetadata(scope: RunScope | null): Readonly<Record<string, string | number>> | null {
  if (scope === null) return null;
  const out: Record<string, string | number> = {};
  if (scope.iterationId !== null && scope.iterationIndex !== null) {
    out.iteration_id = scope.iterationId;
    out.iteration_index = scope.iterationIndex;
  }
  if (scope.loopId !== null && scope.loopIndex !== null) {
    out.loop_id = scope.loopId;
    out.loop_index = scope.loopIndex;
  }
  return out;
}

export function nodeStartedData(start: NodeExecutionStart, scope: RunScope | null): NodeStartedData {
  if (scope === null)
    return {
      id: start.executionId,
      node_id: start.nodeId,
      node_type: start.nodeType,
      title: start.title,
      index: start.index,
      predecessor_node_id: start.predecessorNodeId,
      inputs: null,
      created_at: seconds(start.startedAt),
    };
  return {
    id: start.executionId,
    node_id: start.nodeId,
    node_type: start.nodeType,
    title: start.title,
    index: start.index,
    predecessor_node_id: start.predecessorNodeId,
    inputs: null,
    created_at: seconds(start.startedAt),
    iteration_id: scope.iterationId,
    loop_id: scope.loopId,
  };
}

/** The attempt that ran last, its outcome, and when it ended. */
export interface NodeEnd {
  attempt: number;
  callId: string | null;
  status: NodeExecutionFinish['status'];
  inputs: Record<string, unknown> | null;
  processData: Record<string, unknown> | null;
  outputs: Record<string, unknown> | null;
  error: string | null;
  finishedAt: number;
  tokens: NodeExecutionFinish['tokens'];
  cost: NonNullable<NodeExecutionFinish['cost']> | null;
}

export function nodeFinishRecord(start: NodeExecutionStart, end: NodeEnd): NodeExecutionFinish {
  return {
    runId: start.runId,
    executionId: start.executionId,
    nodeId: start.nodeId,
    executionKey: start.executionKey,
    iterationIndex: start.iterationIndex,
    nodeType: start.nodeType,
    title: start.title,
    index: start.index,
    predecessorNodeId: start.predecessorNodeId,
    attempt: end.attempt,
    callId: end.callId,
    startedAt: start.startedAt,
    deterministic: start.deterministic,
    status: end.status,
    inputs: end.inputs,
    processData: end.processData,
    outputs: end.outputs,
    error: end.error,
    finishedAt: end.finishedAt,
    elapsedMs: end.finishedAt - start.startedAt,
    tokens: end.tokens,
    cost: end.cost,
  };
}

/**
 * node_finished's payload. `metadata` is the node's scope metadata (scopeMetadata), copied in;
 * `callsLlm` nodes report their tokens in it.
 */
export function nodeFinishedData(
  finish: NodeExecutionFinish,
  scope: RunScope | null,
  metadata: Readonly<Record<string, string | number>> | null,
  callsLlm: boolean,
): NodeFinishedData {
  let executionMetadata: NodeFinishedData['execution_metadata'] = callsLlm ? { total_tokens: finish.tokens.total } : null;
  if (metadata !== null) executionMetadata = Object.assign(executionMetadata ?? {}, metadata);
  if (scope === null)
    return {
      id: finish.executionId,
      node_id: finish.nodeId,
      node_type: finish.nodeType,
      title: finish.title,
      index: finish.index,
      predecessor_node_id: finish.predecessorNodeId,
      inputs: finish.inputs,
      created_at: seconds(finish.startedAt),
      status: finish.status,
      outputs: finish.outputs,
      error: finish.error,
      elapsed_time: finish.elapsedMs / 1000,
      execution_metadata: executionMetadata,
      finished_at: seconds(finish.finishedAt),
    };
  return {
    id: finish.executionId,
    node_id: finish.nodeId,
    node_type: finish.nodeType,
    title: finish.title,
    index: finish.index,
    predecessor_node_id: finish.predecessorNodeId,
    inputs: finish.inputs,
    created_at: seconds(finish.startedAt),
    status: finish.status,
    outputs: finish.outputs,
    error: finish.error,
    elapsed_time: finish.elapsedMs / 1000,
    execution_metadata: executionMetadata,
    finished_at: seconds(finish.finishedAt),
    iteration_id: scope.iterationId,
    loop_id: scope.loopId,
  };
}
