// Runs one round of an iteration or loop: the nodes inside the container, as a scheduler of their own
// over the container's edges, with the round's pool and scope. A round resumed after a crash replays
// the inner executions an earlier attempt committed and runs only the rest.
import type { RunEventBody } from '@shoal/contracts';
import type { NodeExecutor } from './node-executor';
import {
  DEFAULT_CONTAINER_LIMITS,
  type ContainerLimits,
  type RoundOutcome,
  type RoundSpec,
  type RunScope,
  type ScopeRunner,
} from './scope';
import type { Scheduler, SchedulerOptions } from './scheduler';
import type { ScopeIndex } from '@shoal/workflow-dsl';
import type { VariablePool } from './variable-pool';
import { RunCancelledError, WorkflowRuntimeError } from './runtime.errors';
import { isThenable } from './is-thenable';
import type { RunCost } from './run-cost';

/** A node execution an earlier attempt finished, as a scheduler replays it. */
export interface RestoredNode {
  nodeId: string;
  outputs: Readonly<Record<string, unknown>>;
  exception: boolean;
  /** Tokens it used (counted into its container's totals). */
  tokens?: number;
  /** Its index in the run, for replaying in start order. */
  index?: number;
}

const NONE: readonly RestoredNode[] = [];

/** The parts of the parent scheduler a round reports back to. */
interface Tallies {
  steps: number;
  tokens: number;
  exceptions: number;
  infraError: unknown;
  readonly cost: RunCost;
}

/**
 * A round's scheduler options: the parent's, with the round's index, pool, scope and restored nodes.
 * Spelled out rather than spread: `{ ...o, … }` of this many fields makes V8 build a dictionary-mode
 * object, and every `this.o.x` of the round's scheduler then pays a hash lookup (a tenth of a
 * parallel iteration's CPU went there). The mapped type makes forgetting a field a type error.
 */
function roundOptions(
  o: SchedulerOptions,
  index: ScopeIndex,
  pool: VariablePool,
  restored: readonly RestoredNode[],
  scope: RunScope,
  counter: { next: number },
  onInfraError: (error: unknown) => void,
): SchedulerOptions {
  const child: { [K in keyof Required<SchedulerOptions>]: SchedulerOptions[K] } = {
    runId: o.runId,
    workflowId: o.workflowId,
    index,
    scopes: o.scopes,
    pool,
    runInputs: o.runInputs,
    inputLimits: o.inputLimits,
    executors: o.executors,
    llm: o.llm,
    http: o.http,
    code: o.code,
    documents: o.documents,
    fileStore: o.fileStore,
    tools: o.tools,
    checkpoints: o.checkpoints,
    events: o.events,
    clock: o.clock,
    stream: o.stream,
    history: o.history,
    abort: o.abort,
    nextIndex: o.nextIndex,
    limits: o.limits,
    sleeper: o.sleeper,
    secrets: o.secrets,
    firstAttempts: o.firstAttempts,
    stepsBefore: o.stepsBefore,
    restored,
    scope,
    counter,
    innerRestored: o.innerRestored,
    containerLimits: o.containerLimits,
    onInfraError,
  };
  return child;
}

export class SubgraphRunner implements ScopeRunner {
  readonly limits: Readonly<ContainerLimits>;

  constructor(
    private readonly o: SchedulerOptions,
    private readonly counter: { next: number },
    private readonly parent: Tallies,
    private readonly create: (opts: SchedulerOptions) => Scheduler,
  ) {
    this.limits = o.containerLimits ?? DEFAULT_CONTAINER_LIMITS;
  }

  now(): number {
    return this.o.clock.now();
  }

  emit(body: RunEventBody): Promise<void> | undefined {
    const pending = this.o.events.emit(body);
    return pending && isThenable(pending) ? pending : undefined;
  }

  async runRound({ container, index, pool }: RoundSpec): Promise<RoundOutcome> {
    const { o } = this;
    const inner = o.scopes.get(container.id);
    if (!inner) throw new WorkflowRuntimeError('no_executor', `${container.data.type} '${container.id}' has no nodes inside it`);
    const step = `${container.id}[${index}]`;
    const outer = o.scope;
    const isLoop = container.data.type === 'loop';
    const scope: RunScope = {
      path: outer ? `${outer.path}/${step}` : step,
      iterationId: isLoop ? (outer?.iterationId ?? null) : container.id,
      iterationIndex: isLoop ? (outer?.iterationIndex ?? null) : index,
      loopId: isLoop ? container.id : (outer?.loopId ?? null),
      loopIndex: isLoop ? index : (outer?.loopIndex ?? null),
    };
    const restored = o.innerRestored === undefined || o.innerRestored.size === 0 ? NONE : (o.innerRestored.get(scope.path) ?? NONE);
    let restoredTokens = 0;
    for (const r of restored) {
      restoredTokens += r.tokens ?? 0;
      pool.set(r.nodeId, r.outputs);
      const node = inner.nodesById.get(r.nodeId);
      // Re-applies what restored nodes wrote outside their outputs (an assigner's loop variables).
      if (node && !r.exception) (o.executors[node.data.type] as NodeExecutor).restore?.(node, r.outputs, pool);
    }
    const child = this.create(
      roundOptions(o, inner, pool, restored, scope, this.counter, (error) => {
        this.parent.infraError ??= error;
        o.onInfraError?.(error);
      }),
    );
    await child.run();
    const p = this.parent;
    p.steps += child.steps;
    p.tokens += child.tokens;
    p.exceptions += child.exceptions;
    p.cost.addTotal(child.cost);
    if (child.infraError !== null) {
      p.infraError ??= child.infraError;
      throw child.infraError;
    }
    if (o.abort.aborted) throw new RunCancelledError();
    const failure = child.failure;
    const error = failure ? `Node ${failure.node.data.title} (${failure.node.id}) failed: ${failure.message}` : null;
    return { error, reachedLoopEnd: child.reachedLoopEnd, tokens: restoredTokens + child.tokens };
  }
}
