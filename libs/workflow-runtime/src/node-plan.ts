// What the scheduler reads of a node on each of its executions, worked out once per level of a graph
// and set of executors. Node data objects have one shape per node type and executors one per
// executor, so reading `node.data.type` or `executor.callsLlm` on every execution went through V8's
// megamorphic lookups; a plan has the same shape for every node.
import { ERROR_STRATEGY_NODE_TYPES, type NodeType, type ScopeIndex, type WorkflowEdge, type WorkflowNode } from '@shoal/workflow-dsl';
import type { NodeExecutor, NodeExecutors } from './node-executor';
import { retryPolicyOf, type RetryPolicy } from './retry';

export interface NodePlan {
  readonly node: WorkflowNode;
  readonly id: string;
  readonly type: NodeType;
  readonly title: string;
  readonly executor: NodeExecutor | undefined;
  readonly callsLlm: boolean;
  readonly deterministic: boolean;
  /** Null when the node does not retry. */
  readonly retry: RetryPolicy | null;
  /** Its error_strategy handles its failures (as an `exception`). */
  readonly handlesErrors: boolean;
  readonly outgoing: readonly WorkflowEdge[];
}

const NO_EDGES: readonly WorkflowEdge[] = [];

// Graphs are immutable and reused across runs (see executeRun); the plans go with their level's index.
const plansByIndex = new WeakMap<ScopeIndex, WeakMap<NodeExecutors, ReadonlyMap<string, NodePlan>>>();

/** The plans of the nodes of one level (the top of a graph, or the inside of one container). */
export function nodePlans(index: ScopeIndex, executors: NodeExecutors): ReadonlyMap<string, NodePlan> {
  let byExecutors = plansByIndex.get(index);
  if (!byExecutors) plansByIndex.set(index, (byExecutors = new WeakMap()));
  let plans = byExecutors.get(executors);
  if (!plans) byExecutors.set(executors, (plans = planLevel(index, executors)));
  return plans;
}

function planLevel(index: ScopeIndex, executors: NodeExecutors): ReadonlyMap<string, NodePlan> {
  const plans = new Map<string, NodePlan>();
  for (const id of index.incomingEdges.keys()) {
    const node = index.nodesById.get(id);
    if (!node) continue;
    const executor = executors[node.data.type] as NodeExecutor | undefined;
    plans.set(id, {
      node,
      id,
      type: node.data.type,
      title: node.data.title,
      executor,
      callsLlm: executor?.callsLlm === true,
      deterministic: executor?.deterministic === true,
      retry: retryPolicyOf(node),
      handlesErrors: node.data.error_strategy !== undefined && ERROR_STRATEGY_NODE_TYPES.has(node.data.type),
      outgoing: index.outgoingEdges.get(id) ?? NO_EDGES,
    });
  }
  return plans;
}
