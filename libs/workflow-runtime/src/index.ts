// @shoal/workflow-runtime — executes a validated workflow graph for one run; all I/O through ports.
//
//   executeRun(opts: ExecuteRunOptions): Promise<RunOutcome>
//     opts: { runId, workflowId, workflowVersionId, graph: WorkflowGraph, inputs, sys?, finished: FinishedNodeRecord[],
//             ports: { llm: LlmPort, checkpoints: CheckpointStore, events: EventSink, clock?: Clock },
//             streamChunks?, signal?: AbortSignal, startedAt?: number, executors?: NodeExecutors }
//     RunOutcome: { status: 'succeeded' | 'failed', outputs, error: string | null, totalTokens, elapsedMs, steps }
//     Resolves after workflow_finished; rejects (no workflow_finished) when a checkpoint or event port fails.
//   llmCallId(runId, nodeId, attempt): string      -> `${runId}:${nodeId}:${attempt}`
//   defaultNodeExecutors: NodeExecutors           -> start, llm, end; spread and override to add node types
//   VariablePool                                   -> [nodeId, field, ...path] -> value
//
// Ports the apps implement: LlmPort, CheckpointStore, EventSink, Clock (see ports.ts for the contracts).

export { executeRun, type ExecuteRunOptions, type RunOutcome, type RunPorts } from './execute-run';
export {
  systemClock,
  type LlmPort,
  type LlmChatRequest,
  type LlmChatResult,
  type LlmChatParams,
  type LlmRole,
  type CheckpointStore,
  type NodeExecutionStart,
  type NodeExecutionFinish,
  type FinishedNodeRecord,
  type TokenCounts,
  type EventSink,
  type Clock,
} from './ports';
export type { NodeExecutor, NodeExecutors, NodeRunContext, NodeRunResult } from './node-executor';
export { llmCallId } from './call-id';
export { RunCost, addAmounts, type NodeCost } from './run-cost';
export { defaultNodeExecutors } from './nodes/default-node-executors';
export { VariablePool } from './variable-pool';
export { WorkflowRuntimeError, RunCancelledError, InvalidRunInputsError, type WorkflowRuntimeErrorCode } from './runtime.errors';
