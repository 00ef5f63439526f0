// The runtime's only ways out: an LLM client, a checkpoint store, an event sink and a clock. Apps implement them.
import type { NodeStatus, RunEventBody } from '@shoal/contracts';
import type { LlmCompletionParams, NodeType } from '@shoal/workflow-dsl';
import type { NodeCost } from './run-cost';

export type LlmRole = 'system' | 'user' | 'assistant';

/** The sampling parameters an LLM node passes on: the node's completion_params. */
export type LlmChatParams = LlmCompletionParams;

export interface LlmChatRequest {
  /** `${runId}:${nodeId}:${attempt}`: the same for every retry of one node attempt, so usage is billed once. */
  callId: string;
  runId: string;
  nodeId: string;
  /** The node's `model.provider`, a routing hint; model-pool may ignore it. */
  provider?: string;
  model: string;
  messages: Array<{ role: LlmRole; content: string }>;
  params: LlmChatParams;
  /** When set, the adapter streams and calls this for each text delta. */
  onChunk?: (delta: string) => void;
  /** While streaming: called for each delta of the provider's separate reasoning (DeepSeek's `reasoning_content`). */
  onReasoningChunk?: (delta: string) => void;
  signal?: AbortSignal;
}

export interface LlmChatResult {
  text: string;
  reasoningContent?: string;
  usage: { promptTokens: number; completionTokens: number; totalTokens: number };
  model: string;
  finishReason: string | null;
  /** What the call cost, priced by model-pool where it was made; absent when it could not say. */
  cost?: NodeCost;
}

export interface LlmPort {
  /** A call that failed but was still billed (a stream broken midway) throws an error whose `cost` says what it cost. */
  chat(req: LlmChatRequest): Promise<LlmChatResult>;
}

export interface TokenCounts {
  prompt: number;
  completion: number;
  total: number;
}

export interface NodeExecutionStart {
  runId: string;
  /** `nex_…`, also the `id` of the node's events. A node rerun after a crash gets a new one. */
  executionId: string;
  nodeId: string;
  /**
   * Unique in the run and the same in every attempt: the node id at the top level, `${nodeId}#${path}`
   * inside an iteration or loop round (`inner#iter[2]`, `inner#outer[0]/iter[1]`).
   */
  executionKey: string;
  /** The round index inside the innermost iteration or loop; null at the top level. */
  iterationIndex: number | null;
  nodeType: NodeType;
  title: string;
  /** 1-based order in which the run started its nodes, continued across resumes. */
  index: number;
  /** The predecessor whose completion made this node ready; null for the start node. */
  predecessorNodeId: string | null;
  /** Retry index of this node; always 0 until per-node retries exist. */
  attempt: number;
  /** Set for nodes that call the LLM port. */
  callId: string | null;
  startedAt: number;
  /**
   * The node has no effects and a resumed run recomputes it identically (NodeExecutor.deterministic):
   * the store may skip its start and commit its finish with the next checkpoint it writes.
   */
  deterministic?: boolean;
}

export interface NodeExecutionFinish extends NodeExecutionStart {
  /** `exception`: the node failed and its error_strategy handled it; the run goes on. */
  status: Extract<NodeStatus, 'succeeded' | 'failed' | 'exception'>;
  inputs: Record<string, unknown> | null;
  /** What the node did beyond inputs and outputs (an LLM node's rendered prompts), as Dify's process_data. */
  processData: Record<string, unknown> | null;
  outputs: Record<string, unknown> | null;
  error: string | null;
  finishedAt: number;
  elapsedMs: number;
  tokens: TokenCounts;
  /** The node's LLM call's cost; null for nodes that made none (or whose cost is unknown). */
  cost?: NodeCost | null;
}

/** A node execution an earlier attempt committed; `succeeded` and `exception` ones count as done. */
export type FinishedNodeRecord = Pick<NodeExecutionFinish, 'nodeId' | 'index' | 'status' | 'outputs' | 'tokens' | 'cost'> & {
  /** As NodeExecutionStart.executionKey; absent means the node id (a top-level execution). */
  executionKey?: string;
};

export interface CheckpointStore {
  /**
   * Called before the node runs. May repeat for a node an earlier attempt started but did not finish,
   * with a new executionId and index: store it as an upsert on (runId, executionKey).
   */
  nodeStarted(rec: NodeExecutionStart): Promise<void>;
  /**
   * Must be durable when the promise resolves (successors start right after), except for a
   * `deterministic` node: its record may instead be committed with the next record the store
   * writes (the next nodeStarted or nodeFinished of a node with effects, or the run's end), since a
   * run resumed without it recomputes it identically. A store that defers must commit every
   * deferred record no later than the next one it writes, so that what is committed is always
   * closed under "ran before".
   */
  nodeFinished(rec: NodeExecutionFinish): Promise<void>;
}

export interface EventSink {
  /**
   * Numbers and timestamps the event, in call order. A returned promise is awaited, except for
   * text_chunk events, which are awaited together before their node's node_finished.
   */
  emit(body: RunEventBody): Promise<void> | void;
}

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
