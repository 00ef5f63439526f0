// The contract between the scheduler and one node type's behaviour.
import type { NodeOfType, NodeType, WorkflowNode, RunInputLimits } from '@shoal/workflow-dsl';
import type { Clock, DocumentReader, HttpFetcher, LlmPort, NodeFileStore, TokenCounts, ToolInvoker } from './ports';
import type { ScopeRunner } from './scope';
import type { VariablePool } from './variable-pool';
import type { HistoryTurn } from './llm-memory';
import type { NodeCost } from './run-cost';
import type { CodeNodeSupport } from './nodes/code.node';

export interface NodeRunContext {
  readonly runId: string;
  readonly workflowId: string;
  readonly attempt: number;
  /** `${runId}:${nodeId}:${attempt}` for a node whose executor declares `callsLlm`; empty for the others (they call no LLM). */
  readonly callId: string;
  readonly pool: VariablePool;
  /** The inputs the run was started with, before validation. */
  readonly runInputs: Readonly<Record<string, unknown>>;
  /** Bounds for the run's inputs (the start node checks them). */
  readonly inputLimits: Readonly<Partial<RunInputLimits>>;
  readonly llm: LlmPort;
  /** Sends http-request nodes' requests. */
  readonly http: HttpFetcher;
  /** The code sandbox and output limits for code nodes; null when the run has no sandbox (code nodes fail). */
  readonly code: CodeNodeSupport | null;
  /** Reads document-extractor nodes' files. */
  readonly documents: DocumentReader;
  /** Stores files nodes receive; null when the run has no store (an http-request file is then described by its URL). */
  readonly fileStore: NodeFileStore | null;
  /** Calls MCP tools for tool nodes (built-in tools run in the runtime). */
  readonly tools: ToolInvoker;
  /** The run's clock (built-in time tools read it). */
  readonly clock: Clock;
  /** Aborted when the run is cancelled or stops on an infrastructure error. */
  readonly signal: AbortSignal;
  /** The conversation's earlier turns, oldest first, for LLM nodes with memory; empty outside chatflows. */
  readonly history: readonly HistoryTurn[];
  /** Present when the run streams text: hands a piece of the node's output to the stream coordinator. */
  readonly emitTextChunk: ((text: string, selector: [string, string]) => void) | null;
  /** `nex_…`: this execution's id, also the `id` of its events. */
  readonly executionId: string;
  /** For container nodes (iteration, loop): runs their inner rounds and emits their events. */
  readonly scopes: ScopeRunner;
}

export interface NodeRunResult {
  inputs: Record<string, unknown> | null;
  /** Written to the variable pool under the node id; must not be mutated afterwards. */
  outputs: Record<string, unknown>;
  processData?: Record<string, unknown>;
  tokens?: TokenCounts;
  cost?: NodeCost;
}

export interface NodeExecutor<N extends WorkflowNode = WorkflowNode> {
  /** True for nodes that call the LLM port: their records carry the call id. */
  readonly callsLlm: boolean;
  /**
   * True for nodes without effects whose outputs a resumed run recomputes identically from the
   * variable pool (templates, conditions, aggregators, assigners, list operators, start, end,
   * answer): their checkpoint may be committed together with the next one instead of alone. Absent
   * or false (LLM, HTTP, code, tools, containers): committed before their successors start.
   */
  readonly deterministic?: boolean;
  /** Throw to fail the node; the error's message becomes the node's error. Sync results skip a microtask. */
  execute(node: N, ctx: NodeRunContext): NodeRunResult | Promise<NodeRunResult>;
  /**
   * The outgoing handles a succeeded node takes, read from its outputs, so that a resumed run decides
   * the same branches from the checkpoint alone. Absent: every outgoing edge is taken.
   */
  takenHandles?(node: N, outputs: Readonly<Record<string, unknown>>): readonly string[];
  /** Re-applies what the node wrote outside its own outputs (conversation variables) when a run resumes past it. */
  restore?(node: N, outputs: Readonly<Record<string, unknown>>, pool: VariablePool): void;
}

/** One executor per node type; a node type added to the DSL is a compile error here until it has one. */
export type NodeExecutors = { readonly [T in NodeType]: NodeExecutor<NodeOfType<T>> };
