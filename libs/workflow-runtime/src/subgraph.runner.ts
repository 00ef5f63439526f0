// Runs one round of an iteration or loop: the nodes inside the container, as a scheduler of their own
// over the container's edges, with the round's pool and scope. A round resumed after a crash replays
// the inner executions an earlier attempt committed and runs only the rest.
import type { RunEventBody } from '@shoal/contracts';
import type { ScopeIndex } from '@shoal/workflow-dsl';
import type { NodeExecutor } from './node-executor';
import {
  DEFAULT_CONTAINER_LIMITS,
  type ContainerLimits,
  type RoundOutcome,
  type RoundSpec,
  type RunScope,
  type ScopeRunner,
} from './scope';
import type { Scheduler, SchedulerLevel, SchedulerOptions } from './scheduler';
import { RunCancelledError, WorkflowRuntimeError } from './runtime.errors';
import { isThenable } from './is-thenable';

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

export class SubgraphRunner implements ScopeRunner {
  readonly limits: Readonly<ContainerLimits>;
  /**
   * By container level: the schedulers of its finished rounds, for its next rounds to reuse (a
   * scheduler per round was a fifth of a container round's cost). At most as many as the container
   * ran rounds at once (its parallelism), and they go with the run.
   */
  private readonly idle = new Map<ScopeIndex, Scheduler[]>();

  /** `create` makes a round's scheduler (passed in: the scheduler module imports this one). */
  constructor(
    private readonly o: SchedulerOptions,
    /** The scheduler running the container: its tallies take the round's, its scope holds the round's. */
    private readonly parent: Scheduler,
    private readonly create: (opts: SchedulerOptions, level: SchedulerLevel) => Scheduler,
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

  runRound(spec: RoundSpec): Promise<RoundOutcome> | RoundOutcome {
    const child = this.roundScheduler(spec);
    const running = child.run();
    // settled during run(): every node of the round ended at once
    if (running === null) return this.roundOutcome(child);
    return running.then(() => this.roundOutcome(child));
  }

  /** The round's scheduler, reused from an earlier round of the container when one has finished. */
  private roundScheduler({ container, index, pool }: RoundSpec): Scheduler {
    const { o } = this;
    const inner = o.scopes.get(container.id);
    if (!inner) throw new WorkflowRuntimeError('no_executor', `${container.data.type} '${container.id}' has no nodes inside it`);
    const step = `${container.id}[${index}]`;
    const outer = this.parent.roundScope;
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
    // the run's options are shared; a round is its level
    const level: SchedulerLevel = { index: inner, pool, restored, scope, parent: this.parent, restoredTokens };
    const idle = this.idle.get(inner);
    if (idle === undefined || idle.length === 0) return this.create(o, level);
    const child = idle.pop() as Scheduler;
    child.reuse(level);
    return child;
  }

  /** Adds a settled round's tallies to its container's scheduler, and keeps the round's scheduler for the next. */
  private roundOutcome(child: Scheduler): RoundOutcome {
    const p = this.parent;
    p.steps += child.steps;
    p.tokens += child.tokens;
    p.exceptions += child.exceptions;
    p.cost.addTotal(child.cost);
    if (child.infraError !== null) {
      p.infraError ??= child.infraError;
      throw child.infraError;
    }
    if (this.o.abort.aborted) throw new RunCancelledError();
    const failure = child.failure;
    const error = failure ? `Node ${failure.node.data.title} (${failure.node.id}) failed: ${failure.message}` : null;
    const outcome: RoundOutcome = { error, reachedLoopEnd: child.reachedLoopEnd, tokens: child.restoredTokens + child.tokens };
    // settled, so nothing of the round refers to it: the next round of this container reuses it
    const inner = child.levelIndex;
    const idle = this.idle.get(inner);
    if (idle === undefined) this.idle.set(inner, [child]);
    else idle.push(child);
    return outcome;
  }
}
