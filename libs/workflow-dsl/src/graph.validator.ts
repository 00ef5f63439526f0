// Whole-graph rules: unique ids, one start, an end, edges, cycles, reachability, variable references.
import { buildAdjacency, topologicalSort, type Adjacency } from './graph-index';
import type { AnyNodeDefinition, NodeType } from './nodes/node-registry';
import { DEFAULT_SOURCE_HANDLES, FAIL_BRANCH_HANDLE } from './nodes/node-definition';
import { ERROR_STRATEGY_NODE_TYPES } from './nodes/node-registry';
import { checkContainerSelectors, checkContainers, checkScope, type ContainerMap } from './graph-containers.validator';
import { formatPath, quoteList, type PathSegment, type ValidationIssue, type ValidationIssueCode } from './validation-issue';

/** A node as far as parsing got: id and type when valid, parsed data when its shape was valid. */
export interface NodeEntry {
  index: number;
  id: string | null;
  type: NodeType | null;
  definition: AnyNodeDefinition | null;
  /** Output of the definition's schema; undefined when the data did not parse. */
  parsed: unknown;
  /** The container (iteration or loop) it sits in: Dify's `parentId`; null at the top level. */
  parent: string | null;
}

export interface EdgeEntry {
  index: number;
  id: string | null;
  source: string | null;
  target: string | null;
  sourceHandle: string;
  targetHandle: string;
}

function handlesErrors(entry: NodeEntry): boolean {
  const strategy = (entry.parsed as { error_strategy?: unknown } | undefined)?.error_strategy;
  return (strategy === 'fail-branch' || strategy === 'default-value') && entry.type !== null && ERROR_STRATEGY_NODE_TYPES.has(entry.type);
}

/** What other nodes may read from a node; a node with an error strategy also has error_message and error_type. */
function outputFieldsOf(entry: NodeEntry): readonly string[] | null {
  if (entry.parsed === undefined || !entry.definition) return null;
  const fields = entry.definition.outputFields(entry.parsed);
  return fields && handlesErrors(entry) ? [...fields, 'error_message', 'error_type'] : fields;
}

function sourceHandlesOf(entry: NodeEntry): readonly string[] {
  if (!entry.definition || entry.parsed === undefined) return DEFAULT_SOURCE_HANDLES;
  const handles = entry.definition.sourceHandles?.(entry.parsed) ?? DEFAULT_SOURCE_HANDLES;
  const strategy = (entry.parsed as { error_strategy?: unknown }).error_strategy;
  return strategy === 'fail-branch' && handlesErrors(entry) ? [...handles, FAIL_BRANCH_HANDLE] : handles;
}

export function nodeSubject(entry: { index: number; id: string | null }): string {
  return entry.id === null ? `nodes[${entry.index}]` : `node '${entry.id}' (nodes[${entry.index}])`;
}

export function edgeSubject(entry: { index: number; id: string | null }): string {
  return entry.id === null ? `edges[${entry.index}]` : `edge '${entry.id}' (edges[${entry.index}])`;
}

/** `rel` is relative to the node (`['data', 'model', 'name']`); the message reads "<subject>: <rel> <detail>". */
export function nodeIssue(
  entry: { index: number; id: string | null },
  rel: PathSegment[],
  code: ValidationIssueCode,
  detail: string,
): ValidationIssue {
  const issue: ValidationIssue = {
    path: formatPath(['nodes', entry.index, ...rel]),
    code,
    message: rel.length ? `${nodeSubject(entry)}: ${formatPath(rel)} ${detail}` : `${nodeSubject(entry)} ${detail}`,
  };
  if (entry.id !== null) issue.nodeId = entry.id;
  return issue;
}

export function edgeIssue(
  entry: { index: number; id: string | null },
  rel: PathSegment[],
  code: ValidationIssueCode,
  detail: string,
): ValidationIssue {
  return {
    path: formatPath(['edges', entry.index, ...rel]),
    code,
    message: rel.length ? `${edgeSubject(entry)}: ${formatPath(rel)} ${detail}` : `${edgeSubject(entry)} ${detail}`,
  };
}

/** Names declared in the `conversation` and `env` namespaces. */
export interface Namespaces {
  conversation: readonly string[];
  env: readonly string[];
}

const NO_NAMESPACES: Namespaces = { conversation: [], env: [] };

export function checkGraphStructure(
  nodes: readonly NodeEntry[],
  edges: readonly EdgeEntry[],
  namespaces: Namespaces = NO_NAMESPACES,
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const byId = uniqueNodes(nodes, issues);
  checkStartAndEnd(nodes, issues);
  const usable = checkEdges(edges, byId, issues);
  const containers = checkContainers(byId, edges, nodeIssue, edgeIssue, issues);
  const adjacency = buildAdjacency(byId.keys(), usable);
  const { order, remaining } = topologicalSort(adjacency);
  reportCycles(adjacency, remaining, byId, issues);
  const start = nodes.find((n) => n.type === 'start' && n.id !== null && byId.get(n.id) === n);
  if (start?.id) reportUnreachable(adjacency, start.id, byId, issues);
  checkReferences(byId, adjacency, order, namespaces, containers, issues);
  checkContainerSelectors(byId, containers, nodeIssue, issues);
  return issues;
}

function uniqueNodes(nodes: readonly NodeEntry[], issues: ValidationIssue[]): Map<string, NodeEntry> {
  const byId = new Map<string, NodeEntry>();
  for (const entry of nodes) {
    if (entry.id === null) continue;
    const first = byId.get(entry.id);
    if (first) issues.push(nodeIssue(entry, ['id'], 'duplicate_node_id', `'${entry.id}' is already used by nodes[${first.index}]`));
    else byId.set(entry.id, entry);
  }
  return byId;
}

function checkStartAndEnd(nodes: readonly NodeEntry[], issues: ValidationIssue[]): void {
  const starts = nodes.filter((n) => n.type === 'start');
  if (starts.length === 0)
    issues.push({ path: 'nodes', code: 'missing_start', message: 'nodes: the workflow needs a start node (data.type "start")' });
  for (const extra of starts.slice(1)) {
    issues.push(
      nodeIssue(
        extra,
        ['data', 'type'],
        'multiple_start',
        `is 'start', but ${nodeSubject(starts[0])} is already the start node; a workflow has exactly one`,
      ),
    );
  }
  // A chatflow ends in answer nodes instead.
  if (!nodes.some((n) => n.type === 'end' || n.type === 'answer'))
    issues.push({
      path: 'nodes',
      code: 'missing_end',
      message: 'nodes: the workflow needs at least one end node (data.type "end") or answer node',
    });
}

function checkEdges(
  edges: readonly EdgeEntry[],
  byId: ReadonlyMap<string, NodeEntry>,
  issues: ValidationIssue[],
): Array<{ source: string; target: string }> {
  const usable: Array<{ source: string; target: string }> = [];
  const ids = new Map<string, number>();
  const pairs = new Map<string, number>();
  for (const edge of edges) {
    if (edge.id !== null) {
      const first = ids.get(edge.id);
      if (first !== undefined) issues.push(edgeIssue(edge, ['id'], 'duplicate_edge_id', `'${edge.id}' is already used by edges[${first}]`));
      else ids.set(edge.id, edge.index);
    }
    const { source, target } = edge;
    let ok = source !== null && target !== null;
    if (source !== null && !byId.has(source)) {
      issues.push(edgeIssue(edge, ['source'], 'unknown_edge_node', `is '${source}', which is not a node id`));
      ok = false;
    }
    if (target !== null && !byId.has(target)) {
      issues.push(edgeIssue(edge, ['target'], 'unknown_edge_node', `is '${target}', which is not a node id`));
      ok = false;
    }
    if (!ok || source === null || target === null) continue;
    if (source === target) {
      issues.push(edgeIssue(edge, [], 'self_loop', `connects node '${source}' to itself`));
      continue;
    }
    const from = byId.get(source);
    if (from?.definition && from.parsed !== undefined) {
      const handles = sourceHandlesOf(from);
      // Reported, but the edge still counts for reachability and cycles: one mistake, one issue.
      if (!handles.includes(edge.sourceHandle))
        issues.push(
          edgeIssue(
            edge,
            ['sourceHandle'],
            'unknown_source_handle',
            `is '${edge.sourceHandle}', but ${from.type} node '${source}' has the handles ${quoteList(handles)}`,
          ),
        );
    }
    const key = `${source}\u0000${edge.sourceHandle}\u0000${target}\u0000${edge.targetHandle}`;
    const first = pairs.get(key);
    if (first !== undefined) {
      issues.push(edgeIssue(edge, [], 'duplicate_edge', `repeats edges[${first}] (${source} -> ${target})`));
      continue;
    }
    pairs.set(key, edge.index);
    usable.push({ source, target });
  }
  return usable;
}

/**
 * Every node left after Kahn's algorithm has a predecessor that is also left, so walking predecessors
 * from one of them must revisit a node: that loop is a cycle. Linear in the size of the graph.
 */
function reportCycles(
  adjacency: Adjacency,
  remaining: ReadonlySet<string>,
  byId: ReadonlyMap<string, NodeEntry>,
  issues: ValidationIssue[],
): void {
  const done = new Set<string>();
  for (const from of remaining) {
    if (done.has(from)) continue;
    const walk: string[] = [];
    const position = new Map<string, number>();
    let current: string | undefined = from;
    while (current !== undefined && !position.has(current) && !done.has(current)) {
      position.set(current, walk.length);
      walk.push(current);
      current = (adjacency.predecessors.get(current) ?? []).find((p) => remaining.has(p));
    }
    for (const id of walk) done.add(id);
    if (current === undefined || !position.has(current)) continue;
    // The walk went backwards along edges; reverse it to read in edge direction.
    const cycle = walk.slice(position.get(current)).reverse();
    const entry = byId.get(cycle[0]);
    if (!entry) continue;
    issues.push(nodeIssue(entry, [], 'cycle', `is on a cycle: ${[...cycle, cycle[0]].join(' -> ')}; workflows must be acyclic`));
  }
}

/** The node an iteration or loop starts each round at; a reached container reaches it. */
function containerStartOf(entry: NodeEntry | undefined): string | undefined {
  if (!entry || (entry.type !== 'iteration' && entry.type !== 'loop') || entry.parsed === undefined) return undefined;
  const id = (entry.parsed as { start_node_id?: unknown }).start_node_id;
  return typeof id === 'string' ? id : undefined;
}

function reportUnreachable(adjacency: Adjacency, startId: string, byId: ReadonlyMap<string, NodeEntry>, issues: ValidationIssue[]): void {
  const reached = new Set<string>([startId]);
  const queue = [startId];
  for (let i = 0; i < queue.length; i++) {
    const start = containerStartOf(byId.get(queue[i]));
    for (const next of start ? [...(adjacency.successors.get(queue[i]) ?? []), start] : (adjacency.successors.get(queue[i]) ?? [])) {
      if (!reached.has(next)) {
        reached.add(next);
        queue.push(next);
      }
    }
  }
  for (const [id, entry] of byId) {
    // A second start node is reported as such; calling it unreachable too would only repeat that.
    if (!reached.has(id) && entry.type !== 'start')
      issues.push(
        nodeIssue(
          entry,
          [],
          'unreachable_node',
          `cannot be reached from the start node '${startId}'; connect it with an edge or remove it`,
        ),
      );
  }
}

/**
 * "Is `ancestor` upstream of `node`": one forward walk per distinct referenced node, memoised as a byte
 * per node in topological position. Cost is (referenced nodes) x (nodes + edges), never nodes x nodes
 * for a graph with few references, and the graph limits bound the worst case.
 */
class UpstreamIndex {
  private readonly position = new Map<string, number>();
  private readonly reached = new Map<string, Uint8Array>();

  constructor(
    private readonly adjacency: Adjacency,
    order: readonly string[],
  ) {
    order.forEach((id, i) => this.position.set(id, i));
  }

  /** null when either node is on a cycle (reported separately). */
  isUpstream(ancestor: string, node: string): boolean | null {
    const from = this.position.get(ancestor);
    const to = this.position.get(node);
    if (from === undefined || to === undefined) return null;
    // Topological order: a node can only be reached from nodes placed before it.
    if (from >= to) return false;
    let seen = this.reached.get(ancestor);
    if (!seen) {
      seen = new Uint8Array(this.position.size);
      const queue = [ancestor];
      for (let i = 0; i < queue.length; i++) {
        for (const next of this.adjacency.successors.get(queue[i]) ?? []) {
          const p = this.position.get(next);
          if (p === undefined || seen[p]) continue;
          seen[p] = 1;
          queue.push(next);
        }
      }
      this.reached.set(ancestor, seen);
    }
    return seen[to] === 1;
  }
}

function checkReferences(
  byId: ReadonlyMap<string, NodeEntry>,
  adjacency: Adjacency,
  order: readonly string[],
  namespaces: Namespaces,
  containers: ContainerMap,
  issues: ValidationIssue[],
): void {
  const upstream = new UpstreamIndex(adjacency, order);
  const isUpstream = (a: string, b: string) => upstream.isUpstream(a, b);
  for (const entry of byId.values()) {
    if (entry.parsed === undefined || !entry.definition || entry.id === null) continue;
    for (const ref of entry.definition.references(entry.parsed)) {
      const [nodeId, field] = ref.selector;
      if (nodeId === 'sys') continue;
      const shown = ref.raw ?? JSON.stringify(ref.selector);
      const where = ['data', ...ref.path];
      if (nodeId === 'conversation' || nodeId === 'env') {
        const names = namespaces[nodeId];
        const noun = nodeId === 'env' ? 'environment' : 'conversation';
        const known = names.length
          ? `; declared: ${quoteList(names)}`
          : `; the workflow declares none (${noun === 'environment' ? 'environment_variables' : 'conversation_variables'})`;
        if (!names.includes(field))
          issues.push(
            nodeIssue(
              entry,
              where,
              'unknown_variable_reference',
              `references ${shown}, but there is no ${noun} variable '${field}'${known}`,
            ),
          );
        continue;
      }
      const target = byId.get(nodeId);
      if (!target) {
        issues.push(nodeIssue(entry, where, 'unknown_variable_reference', `references ${shown}, but there is no node '${nodeId}'`));
        continue;
      }
      if (target === entry) {
        issues.push(
          nodeIssue(
            entry,
            where,
            'reference_not_upstream',
            `references ${shown}, the node's own output, which does not exist while it runs`,
          ),
        );
        continue;
      }
      // Nodes on a cycle have no position; the cycle is reported already.
      const verdict = checkScope(entry.id, ref.selector, byId, containers, isUpstream);
      if (verdict === 'enclosing') continue;
      if (verdict !== 'fine') {
        issues.push(nodeIssue(entry, where, verdict.code, `references ${shown}, but ${verdict.detail}`));
        continue;
      }
      const fields = outputFieldsOf(target);
      if (fields && !fields.includes(field)) {
        const noun = target.type === 'start' ? 'variable' : 'output';
        const known = fields.length ? `; it has ${quoteList(fields)}` : `; it has none`;
        issues.push(
          nodeIssue(
            entry,
            where,
            'unknown_variable_reference',
            `references ${shown}, but ${target.type} node '${nodeId}' has no ${noun} '${field}'${known}`,
          ),
        );
      }
    }
  }
}
