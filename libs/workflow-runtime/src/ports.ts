// The runtime's only ways out: LLM client, checkpoint store, event sink, clock, HTTP fetcher, code sandbox, tool invoker. Apps implement them.
import type { NodeStatus, RunEventBody } from '@shoal/contracts';
import type { LlmCompletionParams, NodeType } from '@shoal/workflow-dsl';
import type { NodeCost } from './run-cost';

export type LlmRole = 'system' | 'user' | 'assistant';

/** A piece of a multimodal message, as OpenAI's chat API takes it. */
export type LlmContentPart = { type: 'text'; text: string } | { type: 'image_url'; image_url: { url: string; detail?: 'high' | 'low' } };

/** A function call the model made (its `arguments` as the JSON text the model wrote). */
export interface LlmToolCall {
  id: string;
  name: string;
  arguments: string;
}

/** A function the model may call: OpenAI's `tools[].function`. */
export interface LlmTool {
  name: string;
  description: string;
  /** A JSON schema of the arguments. */
  parameters: Record<string, unknown>;
}

export interface LlmMessage {
  role: LlmRole | 'tool';
  content: string | LlmContentPart[];
  /** An assistant message's earlier calls (few-shot examples). */
  toolCalls?: LlmToolCall[];
  /** A tool message: the call it answers. */
  toolCallId?: string;
}

/** OpenAI's `response_format`: JSON mode, or a JSON schema the answer must follow. */
export type LlmResponseFormat = { type: 'json_object' } | { type: 'json_schema'; name: string; schema: Record<string, unknown> };

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
  messages: LlmMessage[];
  params: LlmChatParams;
  /** Functions the model may call; the answer's calls come back in `toolCalls`. */
  tools?: LlmTool[];
  responseFormat?: LlmResponseFormat;
  /** When set, the adapter streams and calls this for each text delta. */
  onChunk?: (delta: string) => void;
  /** While streaming: called for each delta of the provider's separate reasoning (DeepSeek's `reasoning_content`). */
  onReasoningChunk?: (delta: string) => void;
  signal?: AbortSignal;
}

export interface LlmChatResult {
  text: string;
  reasoningContent?: string;
  /** The functions the model called (non-streaming calls only). */
  toolCalls?: LlmToolCall[];
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
   *
   * Both methods may answer without a promise when there is nothing to wait for (a deterministic
   * node's record the store keeps for its next write): the node then goes on without a turn of the
   * microtask queue. A returned promise is awaited.
   */
  nodeStarted(rec: NodeExecutionStart): Promise<void> | void;
  /**
   * Must be durable when the promise resolves (successors start right after), except for a
   * `deterministic` node: its record may instead be committed with the next record the store
   * writes (the next nodeStarted or nodeFinished of a node with effects, or the run's end), since a
   * run resumed without it recomputes it identically. A store that defers must commit every
   * deferred record no later than the next one it writes, so that what is committed is always
   * closed under "ran before".
   */
  nodeFinished(rec: NodeExecutionFinish): Promise<void> | void;
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

/** One outbound request of an http-request node, fully built: the fetcher only sends it. */
export interface HttpFetchRequest {
  /** Upper case: GET, POST, ... */
  method: string;
  url: string;
  headers: Array<[string, string]>;
  body: Uint8Array | null;
  timeouts: { connectMs: number; readMs: number; writeMs: number };
  /** The fetcher stops reading (and fails) past this many response body bytes. */
  maxResponseBytes: number;
  sslVerify: boolean;
  signal: AbortSignal;
}

export interface HttpFetchResponse {
  status: number;
  /** As received, names lower-cased, repeated names kept. */
  headers: Array<[string, string]>;
  body: Uint8Array;
  /** The URL that answered (after redirects). */
  url: string;
}

/**
 * Sends http-request nodes' requests. The apps' fetcher decides which addresses may be reached
 * (the outbound address policy) and follows redirects itself; a refusal or a network failure is a
 * rejection whose message names it (it becomes the node's error).
 */
export interface HttpFetcher {
  fetch(req: HttpFetchRequest): Promise<HttpFetchResponse>;
  /** The operator's bounds for http-request nodes; DEFAULT_HTTP_NODE_LIMITS for those omitted. */
  readonly limits?: Partial<HttpNodeLimits>;
}

/** Dify's HTTP_REQUEST_* settings, with Dify's defaults. */
export interface HttpNodeLimits {
  /** Seconds; a node's own timeout is capped at these, and they are the default when it sets none. */
  maxConnectTimeout: number;
  maxReadTimeout: number;
  maxWriteTimeout: number;
  /** Response bytes when the response is a file (HTTP_REQUEST_NODE_MAX_BINARY_SIZE); also bounds request bodies. */
  maxBinaryBytes: number;
  /** Response bytes when it is text (HTTP_REQUEST_NODE_MAX_TEXT_SIZE). */
  maxTextBytes: number;
  /** Whether TLS certificates are verified when a node does not say (HTTP_REQUEST_NODE_SSL_VERIFY). */
  sslVerify: boolean;
}

export const DEFAULT_HTTP_NODE_LIMITS: Readonly<HttpNodeLimits> = {
  maxConnectTimeout: 10,
  maxReadTimeout: 600,
  maxWriteTimeout: 600,
  maxBinaryBytes: 10 * 1024 * 1024,
  maxTextBytes: 1024 * 1024,
  sslVerify: true,
};

/** The fetcher of a run that was given none: every request fails, saying so. */
export const NO_HTTP_FETCHER: HttpFetcher = {
  fetch: () => Promise.reject(new Error('http-request nodes cannot run here: no HTTP fetcher is configured')),
};
export type CodeSandboxLanguage = 'javascript' | 'python3';

export interface CodeSandboxRequest {
  language: CodeSandboxLanguage;
  /** Source that defines `main`. */
  code: string;
  /** The node's variables: JavaScript's `main` gets them as one object, Python's as keyword arguments. */
  inputs: Record<string, unknown>;
  /** Aborted when the run stops: the execution is ended. */
  signal?: AbortSignal;
}

/**
 * Runs user code in isolation (no host process, files, environment, network or other runs), within
 * the sandbox's own time, memory and output-size limits.
 */
export interface CodeSandbox {
  /**
   * Resolves with what `main` returned, as JSON would carry it. Rejects with an error whose message is
   * the node's error (the code threw, ran out of time or memory, returned too much).
   */
  run(req: CodeSandboxRequest): Promise<unknown>;
}

/** A file in the variable pool: Dify's file object (`dify_model_identity: '__dify__file__'`, transfer_method, related_id, url, …). */
export type RunFile = Readonly<Record<string, unknown>>;

/**
 * Reads document-extractor nodes' files: an uploaded or stored file (`local_file`, `tool_file`) from
 * the run's tenant's store, a `remote_url` through the outbound address policy, and parses it by
 * extension (else MIME type) within the reader's bounds (bytes, pages, characters, time).
 */
export interface DocumentReader {
  /** The file's text. Rejects with an error whose message is the node's error, naming the file (and format). */
  extractText(file: RunFile, signal: AbortSignal): Promise<string>;
}

/** The reader of a run that was given none: every extraction fails, saying so. */
export const NO_DOCUMENT_READER: DocumentReader = {
  extractText: () => Promise.reject(new Error('document-extractor nodes cannot run here: no document reader is configured')),
};

/** A file a node received, to be stored for the run's tenant (http-request response files, MCP tools' images and binaries). */
export interface NodeFileToStore {
  filename: string;
  mimeType: string;
  /** lower case, with its dot (`.pdf`), or '' */
  extension: string;
  bytes: Uint8Array;
}

/** Stores files nodes produce, tenant-scoped, so later nodes (and the API) can read them. */
export interface NodeFileStore {
  /** Answers the stored file's id and the URL its content is read at. */
  save(file: NodeFileToStore, signal: AbortSignal): Promise<{ id: string; url: string }>;
}
/** What one tool call returned, as Dify's tool messages add up: text, JSON objects, files, and named variables. */
export interface ToolCallOutput {
  text: string;
  /** Each JSON object (or array) the tool returned, in order. */
  json: Array<Record<string, unknown> | unknown[]>;
  files: Array<Record<string, unknown>>;
  /** Extra outputs by name (Dify's variable messages); absent when none. */
  variables?: Record<string, unknown>;
  /**
   * Files the tool returned as bytes (Dify's blob messages: MCP images, audio, binary resources), in
   * order: the tool node stores each through the run's file store and outputs it in `files`.
   */
  blobs?: NodeFileToStore[];
}

/** What the files one tool call returns as bytes may add up to; past one the node fails naming it. */
export interface ToolFileLimits {
  /** files of one call (MCP_MAX_FILES) */
  maxFiles: number;
  /** bytes of one file: the http-request nodes' file limit (HTTP_REQUEST_NODE_MAX_BINARY_SIZE) */
  maxFileBytes: number;
  /** bytes of all of one call's files (MCP_MAX_FILES_BYTES) */
  maxTotalBytes: number;
}

export const DEFAULT_TOOL_FILE_LIMITS: Readonly<ToolFileLimits> = {
  maxFiles: 10,
  maxFileBytes: 10 * 1024 * 1024,
  maxTotalBytes: 20 * 1024 * 1024,
};

export interface ToolCallRequest {
  /** For now only 'mcp': built-in tools run inside the runtime. */
  providerType: 'mcp';
  /** The MCP server's id, looked up for the run's tenant. */
  providerId: string;
  toolName: string;
  /** Rendered and selected values, by parameter name. */
  parameters: Record<string, unknown>;
  runId: string;
  nodeId: string;
  signal: AbortSignal;
}

/**
 * Calls tools outside the runtime (MCP servers), bound to one run's tenant by the app that builds it.
 * A refusal, a timeout or the tool's own error is a rejection whose message says which (the node's error).
 */
export interface ToolInvoker {
  invoke(req: ToolCallRequest): Promise<ToolCallOutput>;
}

/** The invoker of a run that was given none: every MCP tool call fails, saying so. */
export const NO_TOOL_INVOKER: ToolInvoker = {
  invoke: () => Promise.reject(new Error('MCP tools cannot run here: no tool invoker is configured')),
};
