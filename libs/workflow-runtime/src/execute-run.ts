// executeRun: one attempt at a run, from scratch or resumed from the checkpoints of an earlier attempt.
import { RUN_STOPPED_MESSAGE, type WorkflowFinishedData } from '@shoal/contracts';
import { buildGraphIndex, type GraphIndex, type WorkflowGraph, type WorkflowVariable, type RunInputLimits } from '@shoal/workflow-dsl';
import type { NodeExecutors } from './node-executor';
import { defaultNodeExecutors } from './nodes/default-node-executors';
import {
  NO_HTTP_FETCHER,
  systemClock,
  type CheckpointStore,
  type Clock,
  type EventSink,
  type FinishedNodeRecord,
  type HttpFetcher,
  type LlmPort,
  type CodeSandbox,
  type DocumentReader,
  type NodeFileStore,
  NO_DOCUMENT_READER,
  type ToolInvoker,
  NO_TOOL_INVOKER,
} from './ports';
import { Scheduler, type SchedulerOptions } from './scheduler';
import { DEFAULT_CONTAINER_LIMITS, type ContainerLimits } from './scope';
import { StreamCoordinator } from './stream-coordinator';
import { ChunkEmitter } from './text-chunk.emitter';
import type { HistoryTurn } from './llm-memory';
import { timerSleeper, type Sleeper } from './retry';
import { DEFAULT_RUN_LIMITS, callDepthError, timeLimitError, type RunLimits } from './run-limits';
import type { RunLimitError } from './runtime.errors';
import { NO_SECRETS, SecretMasker } from './secret-masker';
import { RunAbort } from './attempt-waits';
import { runDeadlines, type RunDeadline } from './run-deadlines';
import { VariablePool } from './variable-pool';
import { RunCost } from './run-cost';
import { codeNodeSupport } from './nodes/code.node';
import { FRESH_RUN, restoreRun } from './run-restore';
import type { CodeOutputLimits } from './nodes/code-output.validator';
import { namespaceObject } from './namespace-object';

export interface RunPorts {
  llm: LlmPort;
  /** Sends http-request nodes' requests; without one those nodes fail. */
  http?: HttpFetcher;
  checkpoints: CheckpointStore;
  events: EventSink;
  clock?: Clock;
  /** Runs code nodes' code; without it code nodes fail. */
  code?: CodeSandbox;
  /** Reads document-extractor nodes' files; without it those nodes fail. */
  documents?: DocumentReader;
  /** Stores files nodes receive (http-request responses); without it such a file is described by its URL only. */
  fileStore?: NodeFileStore;
  /** Calls MCP tools (tool nodes with provider_type mcp); without one those nodes fail. */
  tools?: ToolInvoker;
  /** Waits between a node's retries (a timer by default; tests inject one that does not sleep). */
  sleeper?: Sleeper;
}

export interface ExecuteRunOptions {
  runId: string;
  workflowId: string;
  workflowVersionId: string;
  /** A graph returned by parseWorkflowGraph. Treated as immutable: per-graph work is cached on it. */
  graph: WorkflowGraph;
  inputs: Record<string, unknown>;
  /** Bounds the start node checks the inputs against (the DSL's defaults when omitted). */
  inputLimits?: Partial<RunInputLimits>;
  /**
   * Values of environment variables that replace the graph's: the opened secret ones (the stored
   * graph holds them sealed). Secret values are masked in what the run reports.
   */
  environment?: Readonly<Record<string, unknown>>;
  /** Extra `sys.*` variables (user_id, files, query, ...); workflow_id and workflow_run_id are always set. */
  sys?: Record<string, unknown>;
  /** Node executions an earlier attempt committed; empty for a fresh run. */
  finished: readonly FinishedNodeRecord[];
  /**
   * Per node an earlier attempt started but never finished (it crashed): the highest attempt number
   * it used. The node's next try continues after it, so no LLM call id is used twice.
   */
  startedAttempts?: ReadonlyMap<string, number>;
  /** Steps, retries, run time, variable size and call depth bounds (DEFAULT_RUN_LIMITS for those omitted). */
  limits?: Partial<RunLimits>;
  /** Dify's CODE_MAX_* bounds on code nodes' outputs (DEFAULT_CODE_OUTPUT_LIMITS for those omitted). */
  codeLimits?: Partial<CodeOutputLimits>;
  /** How many runs deep this one is nested in the runs that called it (0: called by a client). */
  callDepth?: number;
  ports: RunPorts;
  /**
   * Emit text_chunk events: the text of the answer and end nodes, in order, LLM output token by token
   * where those nodes reference it (see StreamCoordinator).
   */
  streamChunks?: boolean;
  /**
   * The text earlier attempts of this run streamed, as a client holds it (chunks joined, replaces
   * applied: `applyStreamedText`). A resumed run does not send it again where its text matches, and
   * sends text_replace where it departs (see ChunkEmitter).
   */
  streamedText?: string;
  /** The conversation's earlier turns, oldest first, for LLM nodes with memory (chatflows). */
  history?: readonly HistoryTurn[];
  /** Aborting cancels the run: in-flight nodes fail with 'cancelled', nothing new starts. */
  signal?: AbortSignal;
  /** When the run was created (ms); elapsed time counts from here across attempts. Defaults to now. */
  startedAt?: number;
  /** Replace or extend node behaviour; defaults to defaultNodeExecutors. */
  executors?: NodeExecutors;
  /**
   * The conversation's current variables (`{{#conversation.name#}}`), as the app stored them after the
   * previous run of this conversation; declared ones missing here start at the graph's declared value.
   */
  conversationVariables?: Record<string, unknown>;
  /** Bounds on iterations and loops (DEFAULT_CONTAINER_LIMITS when omitted). */
  containerLimits?: Partial<ContainerLimits>;
}

export interface RunOutcome {
  /**
   * `partial-succeeded` (as Dify): the run finished, but some node ended `exception` (restored ones
   * included); `stopped`: `signal` aborted it (a cancel) before it finished.
   */
  status: 'succeeded' | 'partial-succeeded' | 'failed' | 'stopped';
  outputs: Record<string, unknown>;
  error: string | null;
  totalTokens: number;
  /** The sum of the run's LLM call costs (restored nodes included), as model-pool priced them. */
  totalPrice: string;
  /** The currency of totalPrice; null when the run made no priced call. */
  currency: string | null;
  elapsedMs: number;
  /** Node executions across all attempts: finished ones restored plus those run now. */
  steps: number;
  /** Conversation variables after the run (assigner nodes write them); the app stores them for the next run. */
  conversationVariables: Record<string, unknown>;
}

// A workflow version's graph is loaded once and run many times.
const indexes = new WeakMap<WorkflowGraph, GraphIndex>();

function indexOf(graph: WorkflowGraph): GraphIndex {
  let index = indexes.get(graph);
  if (!index) {
    index = buildGraphIndex(graph);
    indexes.set(graph, index);
  }
  return index;
}

/**
 * Resolves with the outcome once workflow_finished is emitted. Rejects, without workflow_finished,
 * when the checkpoint store or event sink fails: the attempt's state is then unknown and the run
 * should be retried, which resumes from the committed checkpoints.
 */
export async function executeRun(opts: ExecuteRunOptions): Promise<RunOutcome> {
  const { runId, workflowId, graph, ports } = opts;
  const clock = ports.clock ?? systemClock;
  const startedAt = opts.startedAt ?? clock.now();
  const index = indexOf(graph);
  const pool = new VariablePool();
  // user_id and files always exist in Dify's sys namespace; absent ones render as '' rather than as 'sys.user_id'.
  pool.set('sys', Object.assign({ user_id: '', files: [] }, opts.sys, { workflow_id: workflowId, workflow_run_id: runId }));
  if (graph.environment_variables) pool.set('env', namespace(graph.environment_variables, opts.environment));
  pool.set('conversation', namespace(graph.conversation_variables ?? [], opts.conversationVariables));

  const executors = opts.executors ?? defaultNodeExecutors;
  const past = opts.finished.length === 0 ? FRESH_RUN : restoreRun(opts.finished, index, pool, executors);

  if (opts.finished.length === 0) {
    const started = ports.events.emit({
      event: 'workflow_started',
      data: {
        id: runId,
        workflow_id: workflowId,
        workflow_version_id: opts.workflowVersionId,
        inputs: opts.inputs,
        created_at: Math.floor(startedAt / 1000),
      },
    });
    // a sink that answers at once costs no microtask turn (as a node's events)
    if (started) await started;
  }

  const limits: RunLimits = { ...DEFAULT_RUN_LIMITS, ...opts.limits };
  const secrets = secretMaskerOf(graph, opts.environment);
  const abort = new RunAbort();
  const onAbort = () => abort.abort();
  if (opts.signal?.aborted) abort.abort();
  else opts.signal?.addEventListener('abort', onAbort, { once: true });
  // run time counts from the run's creation, across attempts: a resumed run has only what is left
  let runLimitError: RunLimitError | null = null;
  const stopAt = (error: RunLimitError) => {
    runLimitError ??= error;
    abort.abort();
  };
  const depth = opts.callDepth ?? 0;
  if (depth > limits.maxCallDepth) stopAt(callDepthError(depth, limits.maxCallDepth));
  const left = startedAt + limits.maxRunMs - clock.now();
  let deadline: RunDeadline | undefined;
  if (left <= 0) stopAt(timeLimitError(limits.maxRunMs));
  else deadline = runDeadlines.add(left, () => stopAt(timeLimitError(limits.maxRunMs)));

  const chunks = opts.streamChunks ? new ChunkEmitter(ports.events, opts.streamedText) : null;
  const options: SchedulerOptions = {
    runId,
    workflowId,
    scopes: index.scopes,
    runInputs: opts.inputs,
    inputLimits: opts.inputLimits ?? {},
    executors,
    llm: ports.llm,
    http: ports.http ?? NO_HTTP_FETCHER,
    code: codeNodeSupport(ports.code, opts.codeLimits),
    documents: ports.documents ?? NO_DOCUMENT_READER,
    fileStore: ports.fileStore ?? null,
    tools: ports.tools ?? NO_TOOL_INVOKER,
    checkpoints: ports.checkpoints,
    events: ports.events,
    clock,
    stream: chunks && { coordinator: new StreamCoordinator(index, pool, chunks.write), chunks },
    history: opts.history ?? [],
    abort,
    counter: { next: past.lastIndex + 1 },
    innerRestored: past.inner,
    containerLimits: opts.containerLimits ? Object.assign({}, DEFAULT_CONTAINER_LIMITS, opts.containerLimits) : undefined,
    limits,
    sleeper: ports.sleeper ?? timerSleeper,
    secrets,
    firstAttempts: nextAttempts(opts.startedAttempts),
    stepsBefore: past.done.size,
  };
  const scheduler = new Scheduler(options, { index, pool, restored: past.restored, scope: null, parent: null });
  try {
    await scheduler.run();
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
    deadline?.cancel();
  }
  if (scheduler.infraError !== null) throw scheduler.infraError;
  // text an earlier attempt sent past the end of this one's is taken back before the run's end is told
  if (chunks) {
    chunks.finish();
    await chunks.settle();
  }

  const limitError = runLimitError ?? scheduler.limitError;
  const unfinished = scheduler.failure !== null || scheduler.unfinishedCount > 0;
  const cancelled = limitError === null && opts.signal?.aborted === true && unfinished;
  let error: string | null = null;
  if (limitError !== null) error = limitError.message;
  else if (cancelled) error = STOPPED_MESSAGE;
  else if (scheduler.failure)
    error = `Node ${scheduler.failure.node.data.title} (${scheduler.failure.node.id}) failed: ${scheduler.failure.message}`;
  else if (scheduler.unfinishedCount > 0)
    error = `${scheduler.unfinishedCount} node(s) never became ready; was the graph validated with parseWorkflowGraph?`;

  let outputs: Record<string, unknown> = {};
  if (error === null) {
    // Several end nodes (parallel branches) merge their outputs; a later finisher wins a name clash.
    for (const end of past.endOutputs) Object.assign(outputs, end);
    for (const end of scheduler.endOutputs) Object.assign(outputs, end);
    // Answer nodes (Dify's chatflow) make up one answer, in the order they finished.
    const answers = past.answers.length === 0 ? scheduler.answers : [...past.answers, ...scheduler.answers];
    if (answers.length > 0) outputs.answer = answers.join('');
    outputs = secrets.mask(outputs);
  }
  const finishedAt = clock.now();
  const handledErrors = past.hadException || scheduler.exceptions > 0;
  const price = runPrice(past.cost, scheduler.cost);
  const outcome: RunOutcome = {
    status: cancelled ? 'stopped' : error !== null ? 'failed' : handledErrors ? 'partial-succeeded' : 'succeeded',
    outputs,
    error,
    totalTokens: past.tokens + scheduler.tokens,
    totalPrice: price.totalPrice,
    currency: price.currency,
    elapsedMs: finishedAt - startedAt,
    steps: past.done.size + past.innerCount + scheduler.steps,
    conversationVariables: Object.assign({}, pool.get(['conversation']) as Record<string, unknown>),
  };
  const data: WorkflowFinishedData = {
    id: runId,
    workflow_id: workflowId,
    status: outcome.status,
    outputs: error === null ? outputs : null,
    error,
    elapsed_time: outcome.elapsedMs / 1000,
    total_tokens: outcome.totalTokens,
    total_steps: outcome.steps,
    created_at: Math.floor(startedAt / 1000),
    finished_at: Math.floor(finishedAt / 1000),
  };
  const finished = ports.events.emit({ event: 'workflow_finished', data });
  if (finished) await finished;
  return outcome;
}

/** The error of a run that a cancel stopped. */
export const STOPPED_MESSAGE = RUN_STOPPED_MESSAGE;

function secretMaskerOf(graph: WorkflowGraph, environment: Readonly<Record<string, unknown>> | undefined): SecretMasker {
  const values: string[] = [];
  for (const v of graph.environment_variables ?? []) {
    if (v.value_type !== 'secret') continue;
    const value = environment && Object.hasOwn(environment, v.name) ? environment[v.name] : v.value;
    if (typeof value === 'string') values.push(value);
  }
  return values.length ? new SecretMasker(values) : NO_SECRETS;
}

const NO_ATTEMPTS: ReadonlyMap<string, number> = new Map();

function nextAttempts(started: ReadonlyMap<string, number> | undefined): ReadonlyMap<string, number> {
  if (started === undefined || started.size === 0) return NO_ATTEMPTS;
  const next = new Map<string, number>();
  for (const [nodeId, attempt] of started ?? []) next.set(nodeId, attempt + 1);
  return next;
}

/** A namespace object that inherits nothing, so names like `constructor` read nothing. */
function namespace(declared: readonly WorkflowVariable[], current: Record<string, unknown> | undefined): Record<string, unknown> {
  const out = namespaceObject();
  for (const v of declared) out[v.name] = current && Object.hasOwn(current, v.name) ? current[v.name] : v.value;
  return out;
}

/** The run's price: restored nodes' costs plus this attempt's, in one currency. */
function runPrice(restored: RunCost, now: RunCost): { totalPrice: string; currency: string | null } {
  const total = new RunCost();
  total.add(restored.currency ? { amount: restored.amount, currency: restored.currency } : null);
  total.add(now.currency ? { amount: now.amount, currency: now.currency } : null);
  return { totalPrice: total.amount, currency: total.currency };
}
