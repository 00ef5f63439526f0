// Where a node execution sits: the top level of the run, or one round of an iteration or loop, and the
// bounds on container work.
import type { WorkflowNode } from '@shoal/workflow-dsl';
import type { RunEventBody } from '@shoal/contracts';
import type { VariablePool } from './variable-pool';

export interface RunScope {
  /** `iter[2]`, `outer[0]/iter[1]`: the round's place; inner execution keys are `${nodeId}#${path}`. */
  readonly path: string;
  /** The innermost iteration / loop this round belongs to, and the round's 0-based index in it (Dify's metadata). */
  readonly iterationId: string | null;
  readonly iterationIndex: number | null;
  readonly loopId: string | null;
  readonly loopIndex: number | null;
}

/** The key a node execution is checkpointed under: unique in the run, the same in every attempt. */
export function executionKeyOf(nodeId: string, scope: RunScope | null): string {
  return scope === null ? nodeId : `${nodeId}#${scope.path}`;
}

/** The scope path a key belongs to ('' at the top level). */
export function scopePathOfKey(key: string): string {
  const hash = key.indexOf('#');
  return hash < 0 ? '' : key.slice(hash + 1);
}

export interface ContainerLimits {
  /** Most items an iteration takes (WORKFLOW_MAX_ITERATION_ITEMS). Dify has no cap; its runs stop at 500 steps. */
  maxIterationItems: number;
  /** Most rounds a loop's loop_count may ask for (WORKFLOW_MAX_LOOP_COUNT; Dify's LOOP_NODE_MAX_COUNT, 100). */
  maxLoopCount: number;
  /** Most rounds a parallel iteration runs at once (WORKFLOW_MAX_ITERATION_PARALLELISM; Dify's MAX_PARALLEL_LIMIT, 10). */
  maxParallelism: number;
}

export const DEFAULT_CONTAINER_LIMITS: Readonly<ContainerLimits> = Object.freeze({
  maxIterationItems: 1000,
  maxLoopCount: 100,
  maxParallelism: 10,
});

export interface RoundSpec {
  container: WorkflowNode;
  index: number;
  /** The round's pool: a child of the container's, holding item/index (iteration) or nothing yet (loop). */
  pool: VariablePool;
}

export interface RoundOutcome {
  /** The inner node failure that ended the round, as a message; null when the round finished. */
  error: string | null;
  /** A loop-end node ran in this round. */
  reachedLoopEnd: boolean;
  /** Tokens the round's nodes used, restored ones included. */
  tokens: number;
}

/** What container executors get from the scheduler running them. */
export interface ScopeRunner {
  readonly limits: Readonly<ContainerLimits>;
  /**
   * Runs the nodes inside `container` once, resuming from the round's checkpoints. A round whose nodes
   * all ended at once (deterministic nodes, stores and sink that answer at once) answers its outcome
   * directly: a loop of such rounds costs no promise and no microtask turn per round.
   */
  runRound(spec: RoundSpec): Promise<RoundOutcome> | RoundOutcome;
  /** Emits a container event (iteration_started, loop_next, ...) in order with the node events; a promise when the sink answers with one. */
  emit(body: RunEventBody): Promise<void> | undefined;
  now(): number;
}
