// @shoal/workflow-runtime — executes a validated workflow graph for one run; all I/O through ports.
//
//   executeRun(opts: ExecuteRunOptions): Promise<RunOutcome>
//     opts: { runId, workflowId, workflowVersionId, graph: WorkflowGraph, inputs, sys?, finished: FinishedNodeRecord[],
//             ports: { llm: LlmPort, checkpoints: CheckpointStore, events: EventSink, clock?: Clock },
//             streamChunks?, signal?: AbortSignal, startedAt?: number, executors?: NodeExecutors,
//             containerLimits?: Partial<ContainerLimits>,   (iteration items, loop rounds, parallel rounds)
//             conversationVariables?, history?: HistoryTurn[],
//             startedAttempts?, limits?: Partial<RunLimits>, callDepth? }
//     streamChunks: text_chunk events for the answer and end nodes' text, as Dify streams it (stream-coordinator.ts)
//     RunOutcome: { status: 'succeeded' | 'partial-succeeded' | 'failed' | 'stopped', outputs, error, totalTokens, elapsedMs, steps }
//     Nodes with retry_config retry (node_retry events); limits (steps, time, variable size, depth) fail the run naming them;
//     aborting `signal` stops the run ('stopped'); secret env values are masked in node inputs, process data and errors.
//     Resolves after workflow_finished; rejects (no workflow_finished) when a checkpoint or event port fails.
//   llmCallId(runId, nodeId, attempt): string      -> `${runId}:${nodeId}:${attempt}`
//   defaultNodeExecutors: NodeExecutors           -> every node type, iteration and loop included; spread and override
//   DEFAULT_CONTAINER_LIMITS                       -> { maxIterationItems: 1000, maxLoopCount: 100, maxParallelism: 10 }
//   VariablePool                                   -> [nodeId, field, ...path] -> value
//
//   codeLimits?: Partial<CodeOutputLimits>          -> Dify's CODE_MAX_* output bounds (DEFAULT_CODE_OUTPUT_LIMITS)
//
// Ports the apps implement: LlmPort, CheckpointStore, EventSink, Clock, HttpFetcher, CodeSandbox, DocumentReader,
// NodeFileStore (see ports.ts for the contracts).
//   BUILTIN_TOOL_PROVIDERS, builtinTool(providerId, toolName) -> the built-in tools (time, json_process, text) tool nodes run in-process
//
// Ports the apps implement: LlmPort, CheckpointStore, EventSink, Clock, HttpFetcher, CodeSandbox, ToolInvoker (see ports.ts for the contracts).

export { executeRun, STOPPED_MESSAGE, type ExecuteRunOptions, type RunOutcome, type RunPorts } from './execute-run';
export { DEFAULT_RUN_LIMITS, type RunLimits } from './run-limits';
export { timerSleeper, type Sleeper } from './retry';
export { SecretMasker, SECRET_MASK } from './secret-masker';
export {
  systemClock,
  type LlmPort,
  type LlmChatRequest,
  type LlmChatResult,
  type LlmChatParams,
  type LlmRole,
  type LlmMessage,
  type LlmContentPart,
  type LlmTool,
  type LlmToolCall,
  type LlmResponseFormat,
  type CheckpointStore,
  type NodeExecutionStart,
  type NodeExecutionFinish,
  type FinishedNodeRecord,
  type TokenCounts,
  type EventSink,
  type Clock,
  type HttpFetcher,
  type HttpFetchRequest,
  type HttpFetchResponse,
  type HttpNodeLimits,
  DEFAULT_HTTP_NODE_LIMITS,
  NO_HTTP_FETCHER,
  type CodeSandbox,
  type CodeSandboxRequest,
  type CodeSandboxLanguage,
  type RunFile,
  type DocumentReader,
  NO_DOCUMENT_READER,
  type NodeFileStore,
  type NodeFileToStore,
  type ToolInvoker,
  type ToolCallRequest,
  type ToolCallOutput,
  type ToolFileLimits,
  DEFAULT_TOOL_FILE_LIMITS,
  NO_TOOL_INVOKER,
} from './ports';
export { DocumentExtractorError, MAX_DOCUMENTS_PER_NODE } from './nodes/document-extractor.node';
export { ToolNodeError } from './nodes/tool.node';
export { BUILTIN_TOOL_PROVIDERS, builtinToolProvider, builtinTool } from './tools/builtin-tools';
export {
  ToolInvokeError,
  type BuiltinTool,
  type BuiltinToolProvider,
  type ToolParameterDeclaration,
  type ToolParameterType,
} from './tools/builtin-tool';
export { HttpRequestNodeError, ResponseSizeError, HttpResponseCodeError } from './nodes/http-request.errors';
export { DEFAULT_CODE_OUTPUT_LIMITS, CodeOutputError, type CodeOutputLimits } from './nodes/code-output.validator';
export type { NodeExecutor, NodeExecutors, NodeRunContext, NodeRunResult } from './node-executor';
export { extraCallId, llmCallId } from './call-id';
export { RunCost, addAmounts, type NodeCost } from './run-cost';
export { defaultNodeExecutors } from './nodes/default-node-executors';
export { VariablePool } from './variable-pool';
export { DEFAULT_CONTAINER_LIMITS, type ContainerLimits } from './scope';
export { MAX_MEMORY_TURNS, memoryTurnsOf, type HistoryTurn } from './llm-memory';
export {
  WorkflowRuntimeError,
  RunCancelledError,
  RunLimitError,
  InvalidRunInputsError,
  type WorkflowRuntimeErrorCode,
} from './runtime.errors';
export { mcpArguments, mcpResultToOutput, McpToolError, McpToolFilesError, type McpResultLike } from './tools/mcp-result';
