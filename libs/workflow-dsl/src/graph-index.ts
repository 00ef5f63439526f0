// Adjacency and topological order of a graph, computed once and shared by validator and runtime.
import {
  isNodeOfType,
  type EndNode,
  type StartNode,
  type WorkflowEdge,
  type WorkflowGraph,
  type WorkflowNode,
} from './workflow-graph.types';

/** The edges of one level of the graph: the top level, or the inside of one iteration or loop. */
export interface ScopeIndex {
  /** Every node of the graph, whatever its level. */
  readonly nodesById: ReadonlyMap<string, WorkflowNode>;
  /** Outgoing edges of this level's nodes (and only theirs), with their handles. */
  readonly outgoingEdges: ReadonlyMap<string, readonly WorkflowEdge[]>;
  /** Incoming edges, one per edge, keyed by exactly this level's nodes. */
  readonly incomingEdges: ReadonlyMap<string, readonly WorkflowEdge[]>;
}

export interface GraphIndex extends ScopeIndex {
  readonly start: StartNode;
  readonly ends: readonly EndNode[];
  /** container (iteration / loop) id -> the index of the nodes inside it. Empty for a flat graph. */
  readonly scopes: ReadonlyMap<string, ScopeIndex>;
  /** Distinct node ids, in edge order. */
  readonly successors: ReadonlyMap<string, readonly string[]>;
  readonly predecessors: ReadonlyMap<string, readonly string[]>;
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
  // One pair of edge maps per level; validation keeps every edge inside one level.
  const levels = new Map<string | undefined, { outgoingEdges: Map<string, WorkflowEdge[]>; incomingEdges: Map<string, WorkflowEdge[]> }>();
  const levelOf = new Map<string, { outgoingEdges: Map<string, WorkflowEdge[]>; incomingEdges: Map<string, WorkflowEdge[]> }>();
  for (const node of graph.nodes) {
    let level = levels.get(node.parentId);
    if (!level) {
      level = { outgoingEdges: new Map(), incomingEdges: new Map() };
      levels.set(node.parentId, level);
    }
    level.outgoingEdges.set(node.id, []);
    level.incomingEdges.set(node.id, []);
    levelOf.set(node.id, level);
  }
  for (const edge of graph.edges) {
    const level = levelOf.get(edge.source);
    if (!level || level !== levelOf.get(edge.target) || edge.source === edge.target) continue;
    (level.outgoingEdges.get(edge.source) as WorkflowEdge[]).push(edge);
    (level.incomingEdges.get(edge.target) as WorkflowEdge[]).push(edge);
  }
  const top = levels.get(undefined) ?? { outgoingEdges: new Map(), incomingEdges: new Map() };
  const scopes = new Map<string, ScopeIndex>();
  for (const [parent, level] of levels) if (parent !== undefined) scopes.set(parent, { nodesById, ...level });
  const { outgoingEdges, incomingEdges } = top;
  return {
    nodesById,
    start,
    ends,
    scopes,
    successors: adjacency.successors,
    predecessors: adjacency.predecessors,
    outgoingEdges,
    incomingEdges,
    topologicalOrder: order,
  };
}
