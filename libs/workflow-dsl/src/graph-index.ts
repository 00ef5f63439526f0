// Adjacency and topological order of a graph, computed once and shared by validator and runtime.
import {
  isNodeOfType,
  type EndNode,
  type StartNode,
  type WorkflowEdge,
  type WorkflowGraph,
  type WorkflowNode,
} from './workflow-graph.types';

export interface GraphIndex {
  readonly nodesById: ReadonlyMap<string, WorkflowNode>;
  readonly start: StartNode;
  readonly ends: readonly EndNode[];
  /** Distinct node ids, in edge order. */
  readonly successors: ReadonlyMap<string, readonly string[]>;
  readonly predecessors: ReadonlyMap<string, readonly string[]>;
  /** Outgoing edges with their handles, for nodes that choose a branch. */
  readonly outgoingEdges: ReadonlyMap<string, readonly WorkflowEdge[]>;
  /** Incoming edges, one per edge (two edges from different handles of one node count twice). */
  readonly incomingEdges: ReadonlyMap<string, readonly WorkflowEdge[]>;
  /** Every node, each after all of its predecessors. */
  readonly topologicalOrder: readonly string[];
}

export interface Adjacency {
  successors: Map<string, string[]>;
  predecessors: Map<string, string[]>;
}

/** Adjacency over the given ids; edges naming unknown nodes, self-loops and repeated pairs are left out. */
export function buildAdjacency(nodeIds: Iterable<string>, edges: Iterable<{ source: string; target: string }>): Adjacency {
  const successors = new Map<string, string[]>();
  const predecessors = new Map<string, string[]>();
  for (const id of nodeIds) {
    successors.set(id, []);
    predecessors.set(id, []);
  }
  for (const { source, target } of edges) {
    const out = successors.get(source);
    const inc = predecessors.get(target);
    // includes() is quadratic in one node's fan-out only, and cheaper than a key set for real graphs.
    if (!out || !inc || source === target || out.includes(target)) continue;
    out.push(target);
    inc.push(source);
  }
  return { successors, predecessors };
}

/** Kahn's algorithm. `remaining` holds the nodes on or behind a cycle. */
export function topologicalSort(adjacency: Adjacency): { order: string[]; remaining: Set<string> } {
  const inDegree = new Map<string, number>();
  const order: string[] = [];
  for (const [id, preds] of adjacency.predecessors) {
    inDegree.set(id, preds.length);
    if (preds.length === 0) order.push(id);
  }
  for (let i = 0; i < order.length; i++) {
    for (const next of adjacency.successors.get(order[i]) ?? []) {
      const left = (inDegree.get(next) ?? 0) - 1;
      inDegree.set(next, left);
      if (left === 0) order.push(next);
    }
  }
  const remaining = new Set<string>();
  if (order.length < adjacency.predecessors.size) for (const [id, d] of inDegree) if (d > 0) remaining.add(id);
  return { order, remaining };
}

/** For a graph that passed parseWorkflowGraph; throws on the structural faults that parsing reports. */
export function buildGraphIndex(graph: WorkflowGraph): GraphIndex {
  const nodesById = new Map<string, WorkflowNode>();
  let start: StartNode | undefined;
  const ends: EndNode[] = [];
  for (const node of graph.nodes) {
    nodesById.set(node.id, node);
    if (isNodeOfType(node, 'start')) start = node;
    else if (isNodeOfType(node, 'end')) ends.push(node);
  }
  if (!start) throw new Error('buildGraphIndex: the graph has no start node; parse it with parseWorkflowGraph first');
  const adjacency = buildAdjacency(nodesById.keys(), graph.edges);
  const { order, remaining } = topologicalSort(adjacency);
  if (remaining.size > 0)
    throw new Error(
      `buildGraphIndex: the graph has a cycle through ${[...remaining].slice(0, 3).join(', ')}; parse it with parseWorkflowGraph first`,
    );
  const outgoingEdges = new Map<string, WorkflowEdge[]>();
  const incomingEdges = new Map<string, WorkflowEdge[]>();
  for (const id of nodesById.keys()) {
    outgoingEdges.set(id, []);
    incomingEdges.set(id, []);
  }
  for (const edge of graph.edges) {
    const out = outgoingEdges.get(edge.source);
    const inc = incomingEdges.get(edge.target);
    if (!out || !inc || edge.source === edge.target) continue;
    out.push(edge);
    inc.push(edge);
  }
  return {
    nodesById,
    start,
    ends,
    successors: adjacency.successors,
    predecessors: adjacency.predecessors,
    outgoingEdges,
    incomingEdges,
    topologicalOrder: order,
  };
}
