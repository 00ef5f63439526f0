// Runs the nodes of one run attempt. Each edge is decided once: taken when its source succeeded and
// chose the edge's handle, skipped otherwise. A node runs once all its incoming edges are decided and
// at least one was taken (Dify's rule); when all were skipped it is skipped, and so are its outgoing
// edges. A finished node is checkpointed before its edges are decided; ready nodes run concurrently;
// the first failure stops new starts.
import { newId, type NodeStartedData, type RunEventBody } from '@shoal/contracts';
import { FAIL_BRANCH_HANDLE, type ScopeIndex, type WorkflowNode, type RunInputLimits } from '@shoal/workflow-dsl';
import { llmCallId } from './call-id';
import { isThenable } from './is-thenable';
import type { NodeExecutors, NodeRunContext, NodeRunResult } from './node-executor';
import type {
  CheckpointStore,
  Clock,
  EventSink,
  HttpFetcher,
  LlmPort,
  NodeExecutionFinish,
  NodeExecutionStart,
  TokenCounts,
  DocumentReader,
  NodeFileStore,
  ToolInvoker,
} from './ports';
import { runWithRetries, type AttemptResult, type RetryPolicy, type Sleeper } from './retry';
import { levelPlan, type LevelPlan, type NodePlan } from './node-plan';
import { RunAbort, Waiter, type AttemptWaits } from './attempt-waits';
import { errorMessage } from './error-message';
import { nodeRetryData } from './node-retry.event';
import { nodeFinishRecord, nodeFinishedData, nodeStartedData } from './node-records';
import { checkVariableSizes, stepLimitError, type RunLimits } from './run-limits';
import { RunCancelledError, RunLimitError, WorkflowRuntimeError } from './runtime.errors';
import type { SecretMasker } from './secret-masker';
import { executionKeyOf, type ContainerLimits, type RunScope } from './scope';
import { SubgraphRunner, type RestoredNode } from './subgraph.runner';
import type { ChunkEmitter } from './text-chunk.emitter';
import type { StreamCoordinator } from './stream-coordinator';
import type { HistoryTurn } from './llm-memory';
import { VariablePool } from './variable-pool';
import { keepShapes } from './kept-shapes';
import { RunCost, costCarriedBy } from './run-cost';
import type { CodeNodeSupport } from './nodes/code.node';

/** What every scheduler of one run attempt shares: its top level's and its container rounds'. */
export interface SchedulerOptions {
  runId: string;
  workflowId: string;
  /** The inside of every iteration and loop, by container id. */
  scopes: ReadonlyMap<string, ScopeIndex>;
  runInputs: Readonly<Record<string, unknown>>;
  inputLimits: Readonly<Partial<RunInputLimits>>;
  executors: NodeExecutors;
  llm: LlmPort;
  http: HttpFetcher;
  code: CodeNodeSupport | null;
  documents: DocumentReader;
  fileStore: NodeFileStore | null;
  tools: ToolInvoker;
  checkpoints: CheckpointStore;
  events: EventSink;
  clock: Clock;
  /** Present when the run streams text: decides what is streamed (see StreamCoordinator), and emits it. */
  stream: { coordinator: StreamCoordinator; chunks: ChunkEmitter } | null;
  /** The conversation's earlier turns, oldest first (LLM memory); empty outside chatflows. */
  history: readonly HistoryTurn[];
  /** Aborts in-flight nodes: the run was cancelled, or the scheduler hit an infrastructure error. */
  abort: RunAbort;
  /** The index the next started node gets (first 1 + the highest index an earlier attempt used), so indexes follow start order across rounds. */
  counter: { next: number };
  limits: RunLimits;
  sleeper: Sleeper;
  /** Masks secret environment variable values out of node inputs, process data and errors. */
  secrets: SecretMasker;
  /** Per node an earlier attempt started but did not finish: the attempt number its next try takes. */
  firstAttempts: ReadonlyMap<string, number>;
  /** Steps earlier attempts of the run used (they count against the step limit). */
  stepsBefore: number;
  /** Inner node executions an earlier attempt finished, by scope path (`iter[2]`); their rounds resume from them. */
  innerRestored?: ReadonlyMap<string, readonly RestoredNode[]>;
  containerLimits?: Readonly<ContainerLimits>;
}

/** The level one scheduler runs: the run's top level, or one round of an iteration or loop. */
export interface SchedulerLevel {
  /** The level's nodes and edges. */
  index: ScopeIndex;
  pool: VariablePool;
  /** Nodes an earlier attempt finished at this level, in the order they ran, with their committed outputs. */
  restored: ReadonlyArray<RestoredNode>;
  /** The round; null at the top level. */
  scope: RunScope | null;
  /** The scheduler of the round's container, told at once when a port fails inside the round (so the run's own scheduler records it before anything settles); null at the top level. */
  parent: Scheduler | null;
  /** Tokens the restored nodes had used (a round's total counts them). */
  restoredTokens?: number;
}

export interface NodeFailure {
  node: WorkflowNode;
  message: string;
}

const NO_TOKENS: TokenCounts = { prompt: 0, completion: 0, total: 0 };
const NOTHING = (): void => undefined;
const NO_HANDLES: readonly string[] = [];
const SOURCE_ONLY: readonly string[] = ['source'];
const FAIL_BRANCH_ONLY: readonly string[] = [FAIL_BRANCH_HANDLE];

function exceptionHandles(node: WorkflowNode): readonly string[] {
  return node.data.error_strategy === 'fail-branch' ? FAIL_BRANCH_ONLY : SOURCE_ONLY;
}

/** Dify's outputs of a handled failure: the default values (default-value strategy), error_message and error_type. */
function exceptionOutputs(node: WorkflowNode, error: unknown, secrets: SecretMasker): Record<string, unknown> {
  const outputs: Record<string, unknown> = {};
  if (node.data.error_strategy === 'default-value') for (const d of node.data.default_value ?? []) outputs[d.key] = d.value;
  outputs.error_message = secrets.maskText(errorMessage(error));
  outputs.error_type = error instanceof Error ? error.name : 'Error';
  return outputs;
}

/** The stages of one node execution, in order (Scheduler.advance). */
const enum Stage {
  /** Its start record, then the store's nodeStarted. */
  Start,
  /** node_started. */
  Announce,
  /** The executor (with its retries). */
  Attempt,
  /** The executor's outcome arrived (a waiter settled). */
  Attempted,
  /** Its finish record, then the store's nodeFinished. */
  Finish,
  /** Its outputs into the pool; streamed text settled. */
  Publish,
  /** node_finished. */
  Announced,
  /** Tallies and edges. */
  Done,
}

/** How a waiting node goes on: on with its stages, or stopped by a port's failure. */
interface NodeContinuation {
  readonly resume: () => void;
  readonly failed: (error: unknown) => void;
}

/** One node execution on its way through its stages: what the later stages need of the earlier. */
class NodeRun {
  stage = Stage.Start;
  start: NodeExecutionStart | null = null;
  /** The start record of the try that ran last (a retry's). */
  current: NodeExecutionStart | null = null;
  startedData: NodeStartedData | null = null;
  waiter: Waiter<NodeRunResult> | null = null;
  tried: AttemptResult<NodeRunResult> | null = null;
  exception = false;
  finish: NodeExecutionFinish | null = null;
  /** Its continuations once it has waited (Scheduler.continuation). */
  continuation: NodeContinuation | null = null;

  constructor(
    readonly plan: NodePlan,
    readonly predecessorNodeId: string | null,
  ) {}
}

export class Scheduler {
  /** This level's nodes, as the scheduler reads them. */
  private readonly plans: LevelPlan;
  /**
   * By node ordinal: the incoming edges not decided yet of a node waiting for them; 0 for a node not
   * waiting (it started the level, was restored, or its edges are all decided).
   */
  private readonly pending: number[];
  /** By node ordinal: the source of the last taken incoming edge, reported as the node's predecessor. */
  private readonly from: Array<string | null>;
  /** Nodes still waiting for an incoming edge. */
  private waiting = 0;
  /** Nodes ready before run(), other than the level's own starting nodes (restored levels only). */
  private readonly initiallyReady: Array<{ plan: NodePlan; from: string | null }> = [];
  /** The level starts with its starting nodes (plans.starting): no node of it was restored. */
  private fromStart = true;
  private live = false;
  private unstarted = 0;
  private readonly waits: AttemptWaits;
  /** The attempts' emitTextChunk: null when the run does not stream. */
  private readonly emitTextChunk: NodeRunContext['emitTextChunk'];
  private readonly counter: { next: number };
  private readonly scopeRunner: SubgraphRunner;
  /** The iteration or loop round this scheduler runs; null at the top level. */
  private scope: RunScope | null;
  private level: SchedulerLevel;
  private inFlight = 0;
  private stopping = false;
  private settle: () => void = NOTHING;

  failure: NodeFailure | null = null;
  /** A run limit stopped the run (the step limit, a variable too large). */
  limitError: RunLimitError | null = null;
  /** A port other than the LLM failed (checkpoint store, event sink): the attempt must not report an outcome. */
  infraError: unknown = null;
  steps = 0;
  tokens = 0;
  /** What this attempt's LLM calls cost, summed like tokens. */
  cost = new RunCost();
  /** Nodes run by this attempt that ended `exception` (their error_strategy handled a failure). */
  exceptions = 0;
  /** End node outputs in the order the end nodes finished. */
  readonly endOutputs: Array<Record<string, unknown>> = [];
  /** Answer node texts in the order they finished. */
  readonly answers: string[] = [];
  /** A loop-end node ran (inside a loop round). */
  reachedLoopEnd = false;

  constructor(
    private readonly o: SchedulerOptions,
    level: SchedulerLevel,
  ) {
    this.counter = o.counter;
    this.level = level;
    this.scope = level.scope;
    this.scopeRunner = new SubgraphRunner(o, this, createScheduler);
    // One listener on the run's signal, however many rounds its containers run (10 parallel rounds
    // each adding their own tripped Node's MaxListeners warning, and cost a listener per round).
    this.waits = o.abort.waits;
    this.emitTextChunk = o.stream ? chunkEmitter(o.stream.coordinator) : null;
    const plans = (this.plans = levelPlan(level.index, o.executors));
    this.pending = plans.incoming.slice();
    this.from = new Array<string | null>(this.pending.length).fill(null);
    this.prepare();
  }

  /**
   * Makes a scheduler that ran a round of this level ready for another: the same nodes, a new pool,
   * scope and restored nodes. Only for a scheduler whose run() has settled (nothing in flight).
   */
  reuse(level: SchedulerLevel): void {
    this.level = level;
    this.scope = level.scope;
    const { incoming } = this.plans;
    for (let i = 0; i < incoming.length; i++) {
      this.pending[i] = incoming[i];
      this.from[i] = null;
    }
    this.waiting = 0;
    // (setting an array's length is a runtime call, so only when there is something to drop)
    if (this.initiallyReady.length !== 0) this.initiallyReady.length = 0;
    this.fromStart = true;
    this.live = false;
    this.unstarted = 0;
    this.stopping = false;
    this.settle = NOTHING;
    this.failure = null;
    this.limitError = null;
    this.infraError = null;
    this.steps = 0;
    this.tokens = 0;
    if (this.cost.currency !== null || this.cost.otherCurrencies !== 0) this.cost = new RunCost();
    this.exceptions = 0;
    if (this.endOutputs.length !== 0) this.endOutputs.length = 0;
    if (this.answers.length !== 0) this.answers.length = 0;
    this.reachedLoopEnd = false;
    this.prepare();
  }

  /** Counts the nodes waiting for edges, and replays what restored nodes decided. */
  private prepare(): void {
    const { o, level, plans } = this;
    o.stream?.coordinator.begin();
    if (level.restored.length === 0) {
      this.waiting = plans.waiting;
      return;
    }
    this.fromStart = false;
    const restored = new Set(level.restored.map((r) => r.nodeId));
    for (const nodeId of restored) o.stream?.coordinator.nodeFinished(nodeId);
    for (const plan of plans.nodes) {
      if (restored.has(plan.id)) this.pending[plan.ordinal] = 0;
      else if (this.pending[plan.ordinal] > 0) this.waiting++;
      else this.initiallyReady.push({ plan, from: null });
    }
    // Replays the branch decisions of restored nodes from their outputs, so skips are rebuilt too.
    for (const { nodeId, outputs, exception } of level.restored) {
      const plan = plans.byId.get(nodeId);
      if (!plan) continue;
      if (plan.type === 'loop-end' && !exception) this.reachedLoopEnd = true;
      this.decideEdges(plan, exception ? exceptionHandles(plan.node) : this.takenHandles(plan, outputs));
    }
  }

  /**
   * Runs until no node is ready or running: null when every node ended during the call (nothing
   * waited), else a promise that settles when the last one ends.
   */
  run(): Promise<void> | null {
    this.live = true;
    // held while launching, so that a node ending at once cannot settle the run before the others start
    this.inFlight++;
    if (this.fromStart) for (const plan of this.plans.starting) this.launch(plan, null);
    else for (const { plan, from } of this.initiallyReady) this.launch(plan, from);
    if (--this.inFlight === 0) return null;
    // a node still waits, and ends in a later turn: settle is set before anything can call it
    return new Promise<void>((resolve) => (this.settle = resolve));
  }

  /** Nodes that neither ran nor were skipped (only for graphs that skipped validation, or when stopped). */
  get unfinishedCount(): number {
    return this.waiting + this.unstarted;
  }

  private takenHandles(plan: NodePlan, outputs: Readonly<Record<string, unknown>>): readonly string[] | null {
    const { executor } = plan;
    if (executor?.takenHandles) return executor.takenHandles(plan.node, outputs);
    // A node with a fail branch that succeeded leaves by 'source' only.
    return plan.handlesErrors && plan.node.data.error_strategy === 'fail-branch' ? SOURCE_ONLY : null;
  }

  /** Decides every outgoing edge of a node: taken when `handles` is null or names the edge's handle. */
  private decideEdges(plan: NodePlan, handles: readonly string[] | null): void {
    for (const { edge, target } of plan.outgoing) {
      const taken = handles === null || handles.includes(edge.sourceHandle);
      if (taken) this.o.stream?.coordinator.edgeTaken(edge);
      if (target === undefined) continue;
      const t = target.ordinal;
      if (this.pending[t] === 0) continue;
      if (taken) this.from[t] = plan.id;
      if (--this.pending[t] > 0) continue;
      this.waiting--;
      const from = this.from[t];
      if (from === null) {
        this.o.stream?.coordinator.nodeSkipped(target.id);
        this.decideEdges(target, NO_HANDLES);
      } else if (this.live) this.launch(target, from);
      else this.initiallyReady.push({ plan: target, from });
    }
  }

  private launch(plan: NodePlan, predecessorId: string | null): void {
    if (this.stopping || this.o.abort.aborted) {
      this.unstarted++;
      return;
    }
    this.inFlight++;
    this.step(new NodeRun(plan, predecessorId));
  }

  /**
   * Takes a node as far as it can go at once (a deterministic node with stores that answer at once
   * runs to its end here), and on from there each time what it waits for settles, through `then`
   * callbacks: no async function per node, whose suspended state (every local of the node) and
   * promise cost more than the node's own records. Never throws: a port's failure stops the scheduler.
   */
  private step(run: NodeRun): void {
    let waiting: PromiseLike<unknown> | Waiter<NodeRunResult> | null;
    try {
      waiting = this.advance(run);
    } catch (error) {
      this.portFailed(error);
      waiting = null;
    }
    if (waiting === null) {
      this.nodeEnded();
      return;
    }
    const { resume, failed } = run.continuation ?? this.continuation(run);
    if (waiting instanceof Waiter) waiting.listen(resume);
    else
      try {
        waiting.then(resume, failed);
      } catch (error) {
        // a thenable whose then throws (as an await would have turned it into a rejection)
        failed(error);
      }
  }

  /** The node's continuations, made when it first waits (most deterministic nodes never do). */
  private continuation(run: NodeRun): NodeContinuation {
    return (run.continuation = {
      resume: () => this.step(run),
      failed: (error: unknown) => {
        this.portFailed(error);
        this.nodeEnded();
      },
    });
  }

  private nodeEnded(): void {
    if (--this.inFlight === 0) this.settle();
  }

  /** A port failed (checkpoint store, event sink): the scheduler stops and the run aborts. */
  private portFailed(error: unknown): void {
    this.infraFailed(error);
    this.stopping = true;
    this.o.abort.abort();
  }

  /**
   * Takes a node through its stages until one must wait: returns what it waits for (the node goes on
   * once it settles: a promise, or the waiter of its executor's outcome), or null when it has ended. Dify's retries: node_started once, a
   * node_retry per failed try, node_finished for the last one.
   */
  private advance(run: NodeRun): PromiseLike<unknown> | Waiter<NodeRunResult> | null {
    const { o, level } = this;
    const { plan } = run;
    for (;;) {
      switch (run.stage) {
        case Stage.Start: {
          const start = this.startRecord(plan, run.predecessorNodeId);
          if (start === null) return null;
          run.start = run.current = start;
          run.stage = Stage.Announce;
          const started = o.checkpoints.nodeStarted(start);
          if (started) return started;
          break;
        }
        case Stage.Announce: {
          run.startedData = nodeStartedData(run.start as NodeExecutionStart, this.scope);
          run.stage = Stage.Attempt;
          const startedEvent = this.emit({ event: 'node_started', data: run.startedData });
          if (startedEvent) return startedEvent;
          break;
        }
        case Stage.Attempt: {
          const start = run.start as NodeExecutionStart;
          o.stream?.coordinator.nodeStarted(plan.id);
          if (plan.retry !== null) {
            run.stage = Stage.Finish;
            return this.retried(plan, plan.retry, start, run.startedData as NodeStartedData).then((r) => {
              run.tried = r.tried;
              run.current = r.current;
            });
          }
          const once = this.attemptNode(plan, start.attempt, start);
          if (once instanceof Waiter) {
            run.waiter = once;
            run.stage = Stage.Attempted;
            return once;
          }
          run.tried = this.sizeChecked(plan, once);
          run.stage = Stage.Finish;
          break;
        }
        case Stage.Attempted:
          run.tried = this.sizeChecked(plan, (run.waiter as Waiter<NodeRunResult>).outcome as AttemptResult<NodeRunResult>);
          run.waiter = null;
          run.stage = Stage.Finish;
          break;
        case Stage.Finish: {
          const tried = run.tried as AttemptResult<NodeRunResult>;
          run.exception = this.handled(plan, tried);
          const finish = (run.finish = this.finishRecord(
            run.start as NodeExecutionStart,
            run.current as NodeExecutionStart,
            tried,
            run.exception,
          ));
          run.stage = Stage.Publish;
          const finished = o.checkpoints.nodeFinished(finish);
          if (finished) return finished;
          break;
        }
        case Stage.Publish: {
          const result = (run.tried as AttemptResult<NodeRunResult>).result;
          const stream = o.stream;
          if (result !== null) {
            // in the pool before node_finished, so the text it completes is streamed ahead of it (as Dify)
            level.pool.set(plan.id, result.outputs);
            stream?.coordinator.nodeFinished(plan.id);
          }
          run.stage = Stage.Announced;
          if (stream) return stream.chunks.settle();
          break;
        }
        case Stage.Announced: {
          run.stage = Stage.Done;
          const finishedEvent = this.emit({
            event: 'node_finished',
            data: nodeFinishedData(run.finish as NodeExecutionFinish, this.scope, plan.callsLlm),
          });
          if (finishedEvent) return finishedEvent;
          break;
        }
        default: {
          const tried = run.tried as AttemptResult<NodeRunResult>;
          this.afterFinish(plan, run.finish as NodeExecutionFinish, tried.result, run.exception);
          return null;
        }
      }
    }
  }

  /**
   * The tries of a node with a retry policy, and the start record of the last one. Apart from
   * advance so that its closures do not hold advance's variables.
   */
  private async retried(
    plan: NodePlan,
    policy: RetryPolicy,
    start: NodeExecutionStart,
    startedData: NodeStartedData,
  ): Promise<{ tried: AttemptResult<NodeRunResult>; current: NodeExecutionStart }> {
    const { o } = this;
    let attemptStartedAt = start.startedAt;
    let current = start;
    const tried = await runWithRetries<NodeRunResult>({
      policy,
      firstAttempt: start.attempt,
      signal: o.abort.signal,
      sleeper: o.sleeper,
      attempt: async (attempt) => {
        const once = this.attemptNode(plan, attempt, start);
        return this.sizeChecked(plan, once instanceof Waiter ? await once.result() : once);
      },
      onRetry: async (failed, attempt, retryIndex) => {
        const at = o.clock.now();
        const retryEvent = this.emit({
          event: 'node_retry',
          data: nodeRetryData(startedData, failed, attempt, retryIndex, attemptStartedAt, at, o.secrets),
        });
        if (retryEvent) await retryEvent;
      },
      beforeRetry: async (attempt) => {
        this.countStep();
        attemptStartedAt = o.clock.now();
        // the row names the attempt now running, so a resumed run continues after it
        current = { ...start, attempt, callId: start.callId === null ? null : llmCallId(o.runId, start.executionKey, attempt) };
        await o.checkpoints.nodeStarted(current);
      },
    });
    return { tried, current };
  }

  /** A port failed here or in a round inside: recorded up to the run's own scheduler at once. */
  infraFailed(error: unknown): void {
    this.infraError ??= error;
    this.level.parent?.infraFailed(error);
  }

  /** The level this scheduler runs. */
  get levelIndex(): ScopeIndex {
    return this.level.index;
  }

  /** Tokens the level's restored nodes had used. */
  get restoredTokens(): number {
    return this.level.restoredTokens ?? 0;
  }

  /** The scope this scheduler's rounds are nested in; null at the top level. */
  get roundScope(): RunScope | null {
    return this.scope;
  }

  /** The node's start record, its step counted; null when the step limit stopped the run instead. */
  private startRecord(plan: NodePlan, predecessorNodeId: string | null): NodeExecutionStart | null {
    const { o } = this;
    const scope = this.scope;
    const executionKey = scope === null ? plan.id : executionKeyOf(plan.id, scope);
    const attempt = o.firstAttempts.size === 0 ? 0 : (o.firstAttempts.get(executionKey) ?? 0);
    if (!this.stepAllowed()) return null;
    const startedAt = o.clock.now();
    return {
      runId: o.runId,
      // the id's time is the node's start, from the run's clock (no second clock read per node)
      executionId: newId('nex', startedAt),
      nodeId: plan.id,
      executionKey,
      iterationIndex: scope === null ? null : (scope.iterationIndex ?? scope.loopIndex),
      nodeType: plan.type,
      title: plan.title,
      index: this.counter.next++,
      predecessorNodeId,
      attempt,
      callId: plan.callsLlm ? llmCallId(o.runId, executionKey, attempt) : null,
      startedAt,
      deterministic: plan.deterministic,
    };
  }

  /**
   * Whether the node's error_strategy handled its failure (Dify's error handling: the node ends as
   * `exception` with the error as its outputs, put in `tried.result`, and the run goes on). A run
   * limit stops the run.
   */
  private handled(plan: NodePlan, tried: AttemptResult<NodeRunResult>): boolean {
    const { error } = tried;
    if (error instanceof RunLimitError) this.stopForLimit(error);
    else if (error !== null && !(error instanceof RunCancelledError) && !this.o.abort.aborted && plan.handlesErrors) {
      tried.result = { inputs: tried.result?.inputs ?? null, outputs: exceptionOutputs(plan.node, error, this.o.secrets) };
      return true;
    }
    return false;
  }

  /** The finish record of the node's last try. */
  private finishRecord(
    start: NodeExecutionStart,
    current: NodeExecutionStart,
    tried: AttemptResult<NodeRunResult>,
    exception: boolean,
  ): NodeExecutionFinish {
    const { o } = this;
    const { result, error } = tried;
    return nodeFinishRecord(start, {
      attempt: current.attempt,
      callId: current.callId,
      status: exception ? 'exception' : error === null ? 'succeeded' : 'failed',
      inputs: o.secrets.mask(result?.inputs ?? null),
      processData: o.secrets.mask(result?.processData ?? null),
      // the pool keeps the real values; what is recorded and announced never shows a secret
      outputs: o.secrets.mask(result?.outputs ?? null),
      error: error === null ? null : o.secrets.maskText(errorMessage(error)),
      finishedAt: o.clock.now(),
      tokens: result?.tokens ?? NO_TOKENS,
      cost: result?.cost ?? costCarriedBy(error),
    });
  }

  /** Tallies a finished node and decides its outgoing edges; a failed one stops the scheduler. */
  private afterFinish(plan: NodePlan, finish: NodeExecutionFinish, result: NodeRunResult | null, exception: boolean): void {
    this.tokens += finish.tokens.total;
    this.cost.add(finish.cost);
    if (result === null) {
      this.failure ??= { node: plan.node, message: finish.error ?? 'failed' };
      this.stopping = true;
      return;
    }
    if (exception) this.exceptions++;
    else if (plan.type === 'loop-end') this.reachedLoopEnd = true;
    if (plan.type === 'end') this.endOutputs.push(result.outputs);
    else if (plan.type === 'answer' && typeof result.outputs.answer === 'string') this.answers.push(result.outputs.answer);
    this.decideEdges(plan, exception ? exceptionHandles(plan.node) : this.takenHandles(plan, result.outputs));
  }

  /**
   * One try at a node; never rejects. A node that answers synchronously gets its outcome at once (sync
   * nodes skip a microtask), one that answers with a promise a waiter that the run's abort ends too.
   */
  private attemptNode(plan: NodePlan, attempt: number, start: NodeExecutionStart): AttemptResult<NodeRunResult> | Waiter<NodeRunResult> {
    const { o } = this;
    const { executor } = plan;
    try {
      if (!executor) throw new WorkflowRuntimeError('no_executor', `no executor for node type '${plan.type}'`);
      if (o.abort.aborted) throw new RunCancelledError();
      const ctx: NodeRunContext = {
        runId: o.runId,
        workflowId: o.workflowId,
        attempt,
        // only a node that calls the LLM port has a call id (built for every node, it was a string per node)
        callId: !plan.callsLlm
          ? ''
          : attempt === start.attempt && start.callId !== null
            ? start.callId
            : llmCallId(o.runId, start.executionKey, attempt),
        pool: this.level.pool,
        runInputs: o.runInputs,
        inputLimits: o.inputLimits,
        llm: o.llm,
        http: o.http,
        code: o.code,
        documents: o.documents,
        fileStore: o.fileStore,
        tools: o.tools,
        clock: o.clock,
        signal: o.abort.signal,
        history: o.history,
        emitTextChunk: this.emitTextChunk,
        executionId: start.executionId,
        scopes: this.scopeRunner,
      };
      const pending = executor.execute(plan.node, ctx);
      return isThenable(pending) ? this.waits.wait(pending) : { result: pending, error: null };
    } catch (e) {
      return { result: null, error: e };
    }
  }

  /** A try whose outputs hold a variable larger than the run allows fails with that limit. */
  private sizeChecked(plan: NodePlan, tried: AttemptResult<NodeRunResult>): AttemptResult<NodeRunResult> {
    if (tried.result === null) return tried;
    try {
      checkVariableSizes(plan.id, tried.result.outputs, this.o.limits.maxVariableBytes);
      return tried;
    } catch (e) {
      return { result: null, error: e };
    }
  }

  /** A node execution (a retry too) counts against the run's step limit, resumed attempts included. */
  private countStep(): void {
    if (this.o.stepsBefore + this.steps >= this.o.limits.maxSteps) throw stepLimitError(this.o.limits.maxSteps);
    this.steps++;
  }

  /** Counts a node's first execution; at the step limit the run stops instead, failing with the limit. */
  private stepAllowed(): boolean {
    try {
      this.countStep();
      return true;
    } catch (error) {
      this.stopForLimit(error as RunLimitError);
      return false;
    }
  }

  private stopForLimit(error: RunLimitError): void {
    this.limitError ??= error;
    this.stopping = true;
    this.o.abort.abort();
  }

  private emit(body: RunEventBody): Promise<void> | undefined {
    const pending = this.o.events.emit(body);
    return pending && isThenable(pending) ? pending : undefined;
  }
}

/** The scheduler of a container's round. */
function createScheduler(opts: SchedulerOptions, level: SchedulerLevel): Scheduler {
  return new Scheduler(opts, level);
}

/** The attempts' emitTextChunk of a streaming run (made apart, so the constructor captures nothing). */
function chunkEmitter(coordinator: StreamCoordinator): NonNullable<NodeRunContext['emitTextChunk']> {
  return (text, selector) => coordinator.chunk(selector, text);
}

/**
 * An idle scheduler (of a level without nodes) and node run, kept so that their hidden classes and
 * those of what a scheduler holds (its round runner, pool, cost, the run's abort and its signal, a
 * waiter) outlive a GC with no run in flight; see kept-shapes.
 */
function idleShapes(): object[] {
  const abort = new RunAbort();
  const index: ScopeIndex = { nodesById: new Map(), outgoingEdges: new Map(), incomingEdges: new Map() };
  const options = { counter: { next: 0 }, abort, stream: null, executors: {} } as unknown as SchedulerOptions;
  const scheduler = new Scheduler(options, { index, pool: new VariablePool(), restored: [], scope: null, parent: null });
  return [scheduler, new NodeRun(null as unknown as NodePlan, null), new Waiter(abort.waits)];
}
keepShapes(...idleShapes());
