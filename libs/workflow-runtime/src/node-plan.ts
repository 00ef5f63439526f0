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
  /** Its place in its level's `nodes`. */
  readonly ordinal: number;
  /** Its outgoing edges, each with the plan of the node it leads to (undefined: none at this level). */
  readonly outgoing: ReadonlyArray<{ readonly edge: WorkflowEdge; readonly target: NodePlan | undefined }>;
}

/** The plans of one level's nodes, and how many incoming edges each waits for before it can run. */
export interface LevelPlan {
  readonly byId: ReadonlyMap<string, NodePlan>;
  /** By ordinal. */
  readonly nodes: readonly NodePlan[];
  /** By ordinal: the node's incoming edges (0 for the nodes that start the level). */
  readonly incoming: readonly number[];
  /** The nodes without incoming edges, which start the level, in ordinal order. */
  readonly starting: readonly NodePlan[];
  /** How many nodes have incoming edges (wait for them before they run). */
  readonly waiting: number;
}

// Graphs are immutable and reused across runs (see executeRun); the plans go with their level's index.
const plansByIndex = new WeakMap<ScopeIndex, WeakMap<NodeExecutors, LevelPlan>>();

/** The plans of the nodes of one level (the top of a graph, or the inside of one container). */
export function levelPlan(index: ScopeIndex, executors: NodeExecutors): LevelPlan {
  let byExecutors = plansByIndex.get(index);
  if (!byExecutors) plansByIndex.set(index, (byExecutors = new WeakMap()));
  let plan = byExecutors.get(executors);
  if (!plan) byExecutors.set(executors, (plan = planLevel(index, executors)));
  return plan;
}

function planLevel(index: ScopeIndex, executors: NodeExecutors): LevelPlan {
  const byId = new Map<string, NodePlan>();
  const nodes: NodePlan[] = [];
  const incoming: number[] = [];
  const links: Array<Array<{ edge: WorkflowEdge; target: NodePlan | undefined }>> = [];
  for (const [id, edges] of index.incomingEdges) {
    const node = index.nodesById.get(id);
    if (!node) continue;
    const executor = executors[node.data.type] as NodeExecutor | undefined;
    const outgoing: Array<{ edge: WorkflowEdge; target: NodePlan | undefined }> = [];
    const plan: NodePlan = {
      node,
      id,
      type: node.data.type,
      title: node.data.title,
      executor,
      callsLlm: executor?.callsLlm === true,
      deterministic: executor?.deterministic === true,
      retry: retryPolicyOf(node),
      handlesErrors: node.data.error_strategy !== undefined && ERROR_STRATEGY_NODE_TYPES.has(node.data.type),
      ordinal: nodes.length,
      outgoing,
    };
    byId.set(id, plan);
    nodes.push(plan);
    incoming.push(edges.length);
    links.push(outgoing);
  }
  // the edges, once every plan they may lead to exists
  for (const plan of nodes)
    for (const edge of index.outgoingEdges.get(plan.id) ?? []) links[plan.ordinal].push({ edge, target: byId.get(edge.target) });
  const starting = nodes.filter((plan) => incoming[plan.ordinal] === 0);
  return { byId, nodes, incoming, starting, waiting: nodes.length - starting.length };
}
