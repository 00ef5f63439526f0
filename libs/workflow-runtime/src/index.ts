// @shoal/workflow-runtime — executes a validated workflow graph for one run; all I/O through ports.
//
//   executeRun(opts: ExecuteRunOptions): Promise<RunOutcome>
//     opts: { runId, workflowId, workflowVersionId, graph: WorkflowGraph, inputs, sys?, finished: FinishedNodeRecord[],
//             ports: { llm: LlmPort, checkpoints: CheckpointStore, events: EventSink, clock?: Clock },
//             streamChunks?, signal?: AbortSignal, startedAt?: number, executors?: NodeExecutors,
//             containerLimits?: Partial<ContainerLimits> }   (iteration items, loop rounds, parallel rounds)
//             conversationVariables?, history?: HistoryTurn[] }
//     streamChunks: text_chunk events for the answer and end nodes' text, as Dify streams it (stream-coordinator.ts)
//     RunOutcome: { status: 'succeeded' | 'failed', outputs, error: string | null, totalTokens, elapsedMs, steps }
//     Resolves after workflow_finished; rejects (no workflow_finished) when a checkpoint or event port fails.
//   llmCallId(runId, nodeId, attempt): string      -> `${runId}:${nodeId}:${attempt}`
//   defaultNodeExecutors: NodeExecutors           -> every node type, iteration and loop included; spread and override
//   DEFAULT_CONTAINER_LIMITS                       -> { maxIterationItems: 1000, maxLoopCount: 100, maxParallelism: 10 }
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
export { defaultNodeExecutors } from './nodes/default-node-executors';
export { VariablePool } from './variable-pool';
export { DEFAULT_CONTAINER_LIMITS, type ContainerLimits } from './scope';
export { MAX_MEMORY_TURNS, memoryTurnsOf, type HistoryTurn } from './llm-memory';
export { WorkflowRuntimeError, RunCancelledError, InvalidRunInputsError, type WorkflowRuntimeErrorCode } from './runtime.errors';
