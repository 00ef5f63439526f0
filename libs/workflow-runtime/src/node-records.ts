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

/**
 * Dify's execution_metadata of a finished node: an LLM-calling node's tokens (`tokens`, null for
 * others), then, inside an iteration or loop, the innermost one of each and the round in it; null for
 * a top-level node without tokens. A literal per case, in that key order.
 */
function executionMetadata(scope: RunScope | null, tokens: number | null): NodeFinishedData['execution_metadata'] {
  if (scope === null) return tokens === null ? null : { total_tokens: tokens };
  const { iterationId, iterationIndex, loopId, loopIndex } = scope;
  const iteration = iterationId !== null && iterationIndex !== null;
  const loop = loopId !== null && loopIndex !== null;
  if (iteration && loop)
    return tokens === null
      ? { iteration_id: iterationId, iteration_index: iterationIndex, loop_id: loopId, loop_index: loopIndex }
      : { total_tokens: tokens, iteration_id: iterationId, iteration_index: iterationIndex, loop_id: loopId, loop_index: loopIndex };
  if (iteration)
    return tokens === null
      ? { iteration_id: iterationId, iteration_index: iterationIndex }
      : { total_tokens: tokens, iteration_id: iterationId, iteration_index: iterationIndex };
  if (loop)
    return tokens === null ? { loop_id: loopId, loop_index: loopIndex } : { total_tokens: tokens, loop_id: loopId, loop_index: loopIndex };
  return tokens === null ? {} : { total_tokens: tokens };
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

/** node_finished's payload; `callsLlm` nodes report their tokens in its execution_metadata. */
export function nodeFinishedData(finish: NodeExecutionFinish, scope: RunScope | null, callsLlm: boolean): NodeFinishedData {
  const metadata = executionMetadata(scope, callsLlm ? finish.tokens.total : null);
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
      execution_metadata: metadata,
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
    execution_metadata: metadata,
    finished_at: seconds(finish.finishedAt),
    iteration_id: scope.iterationId,
    loop_id: scope.loopId,
  };
}
