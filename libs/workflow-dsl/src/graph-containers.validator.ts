// Rules for Dify's containers (iteration, loop): which node sits in which container, the start node
// each begins with, edges that stay inside one container, and what a node may read across the boundary.
import type { NodeEntry, EdgeEntry } from './graph.validator';
import { CONTAINER_START_TYPES, isContainerType } from './nodes/node-registry';
import { ITERATION_ROUND_FIELDS } from './nodes/iteration.node';
import { quoteList, type PathSegment, type ValidationIssue, type ValidationIssueCode } from './validation-issue';

/** Containers nest at most this deep (Dify has no hard cap; each level multiplies the work of a run). */
export const MAX_CONTAINER_DEPTH = 5;

/** Node types that may not sit inside a container: a run has one start and its ends are top-level. */
const TOP_LEVEL_ONLY: ReadonlySet<string> = new Set(['start', 'end', 'answer']);

type IssueOf = (entry: NodeEntry, rel: PathSegment[], code: ValidationIssueCode, detail: string) => ValidationIssue;

export interface ContainerMap {
  /** node id -> the container it sits in; top-level nodes are absent. */
  readonly parents: ReadonlyMap<string, string>;
}

function dataOf(entry: NodeEntry): Record<string, unknown> {
  return (entry.parsed ?? {}) as Record<string, unknown>;
}

/** [id, its container, that container's container, ...] */
export function scopeChain(parents: ReadonlyMap<string, string>, id: string): string[] {
  const chain = [id];
  for (let p = parents.get(id); p !== undefined && chain.length <= MAX_CONTAINER_DEPTH + 1; p = parents.get(p)) chain.push(p);
  return chain;
}

export function checkContainers(
  byId: ReadonlyMap<string, NodeEntry>,
  edges: readonly EdgeEntry[],
  nodeIssue: IssueOf,
  edgeIssue: (entry: EdgeEntry, rel: PathSegment[], code: ValidationIssueCode, detail: string) => ValidationIssue,
  issues: ValidationIssue[],
): ContainerMap {
  const parents = new Map<string, string>();
  for (const entry of byId.values()) {
    if (entry.id === null || entry.parent === null) continue;
    const container = byId.get(entry.parent);
    if (!container || container.type === null || !isContainerType(container.type)) {
      const what = container ? `a ${container.type ?? 'invalid'} node` : 'not a node id';
      issues.push(
        nodeIssue(entry, ['parentId'], 'invalid_container', `is '${entry.parent}', which is ${what}; it must name an iteration or loop`),
      );
      continue;
    }
    if (entry.type !== null && TOP_LEVEL_ONLY.has(entry.type)) {
      issues.push(
        nodeIssue(
          entry,
          ['parentId'],
          'invalid_container',
          `places a ${entry.type} node inside ${container.type} '${entry.parent}'; ${entry.type} nodes belong to the top level`,
        ),
      );
      continue;
    }
    parents.set(entry.id, entry.parent);
  }
  // A parent chain that comes back to itself, or nests too deep.
  for (const id of [...parents.keys()]) {
    const chain = scopeChain(parents, id);
    const entry = byId.get(id) as NodeEntry;
    if (new Set(chain).size !== chain.length) {
      issues.push(nodeIssue(entry, ['parentId'], 'invalid_container', `is inside itself: ${chain.join(' -> ')}`));
      parents.delete(id);
    } else if (chain.length > MAX_CONTAINER_DEPTH + 1) {
      issues.push(nodeIssue(entry, ['parentId'], 'invalid_container', `is nested more than ${MAX_CONTAINER_DEPTH} containers deep`));
      parents.delete(id);
    }
  }
  for (const entry of byId.values()) {
    if (entry.id === null || entry.type === null) continue;
    const parent = parents.get(entry.id);
    const parentType = parent === undefined ? undefined : byId.get(parent)?.type;
    if (entry.type === 'iteration-start' || entry.type === 'loop-start' || entry.type === 'loop-end') {
      const wants = entry.type === 'iteration-start' ? 'iteration' : 'loop';
      if (parentType !== wants) {
        issues.push(
          nodeIssue(entry, ['parentId'], 'invalid_container', `is a ${entry.type} node, which only exists directly inside a ${wants}`),
        );
        continue;
      }
      if (entry.type !== 'loop-end' && dataOf(byId.get(parent as string) as NodeEntry).start_node_id !== entry.id)
        issues.push(
          nodeIssue(
            entry,
            ['data', 'type'],
            'invalid_container',
            `is a ${entry.type} node, but ${wants} '${parent}' starts at another node (its start_node_id)`,
          ),
        );
    }
    if (isContainerType(entry.type) && entry.parsed !== undefined) {
      const startId = dataOf(entry).start_node_id as string;
      const start = byId.get(startId);
      const want = CONTAINER_START_TYPES[entry.type];
      if (!start || start.type !== want || start.parent !== entry.id)
        issues.push(
          nodeIssue(
            entry,
            ['data', 'start_node_id'],
            'invalid_container',
            `is '${startId}', which must be a ${want} node inside this ${entry.type} (parentId '${entry.id}')`,
          ),
        );
    }
  }
  for (const edge of edges) {
    if (edge.source === null || edge.target === null || !byId.has(edge.source) || !byId.has(edge.target)) continue;
    const from = parents.get(edge.source);
    const to = parents.get(edge.target);
    if (from !== to) {
      const where = (p: string | undefined) => (p === undefined ? 'the top level' : `container '${p}'`);
      issues.push(
        edgeIssue(
          edge,
          [],
          'invalid_container',
          `connects '${edge.source}' in ${where(from)} to '${edge.target}' in ${where(to)}; edges stay inside one container`,
        ),
      );
    }
    const target = byId.get(edge.target) as NodeEntry;
    if (target.type === 'iteration-start' || target.type === 'loop-start')
      issues.push(edgeIssue(edge, ['target'], 'invalid_container', `is '${edge.target}', a ${target.type} node, which nothing leads into`));
  }
  return { parents };
}

/** A reference that crosses no boundary it may not: 'fine', 'enclosing' (its own container's round values), or the problem. */
export type ScopeVerdict = 'fine' | 'enclosing' | { code: ValidationIssueCode; detail: string };

/**
 * Whether `entryId` may read `selector` given where both sit. `isUpstream(a, b)` answers for two nodes
 * in the same container (or both top-level).
 */
export function checkScope(
  entryId: string,
  selector: readonly string[],
  byId: ReadonlyMap<string, NodeEntry>,
  containers: ContainerMap,
  isUpstream: (ancestor: string, node: string) => boolean | null,
): ScopeVerdict {
  const [targetId, field] = selector;
  const target = byId.get(targetId) as NodeEntry;
  const chain = scopeChain(containers.parents, entryId);
  if (chain.indexOf(targetId) > 0) {
    // An enclosing container: an iteration offers item/index, a loop its variables.
    const fields = roundFieldsOf(target);
    if (fields.includes(field)) return 'enclosing';
    const known = fields.length ? quoteList(fields) : 'none (declare loop_variables)';
    return {
      code: 'unknown_variable_reference',
      detail: `'${field}' is not something its own ${target.type} '${targetId}' offers the nodes inside it; it offers ${known}`,
    };
  }
  const scope = containers.parents.get(targetId);
  const anchor = chain.find((id) => containers.parents.get(id) === scope);
  if (anchor === undefined) {
    const kind = byId.get(scope as string)?.type ?? 'container';
    return {
      code: 'reference_not_upstream',
      detail: `node '${targetId}' is inside ${kind} '${scope}', so only nodes inside it can read it; outside, read the ${kind}'s outputs`,
    };
  }
  if (isUpstream(targetId, anchor) === false) {
    const via = anchor === entryId ? '' : ` (the container '${entryId}' sits in)`;
    return {
      code: 'reference_not_upstream',
      detail: `node '${targetId}' is not upstream of '${anchor}'${via}, so it has not run when '${entryId}' runs`,
    };
  }
  return 'fine';
}

function roundFieldsOf(container: NodeEntry): readonly string[] {
  if (container.type === 'iteration') return ITERATION_ROUND_FIELDS;
  return ((dataOf(container).loop_variables as Array<{ label: string }> | undefined) ?? []).map((v) => v.label);
}

/**
 * Selectors that read inside a container from the container itself (an iteration's output_selector, a
 * loop's break_conditions) and assigner writes to loop variables, which only the loop's own nodes make.
 */
export function checkContainerSelectors(
  byId: ReadonlyMap<string, NodeEntry>,
  containers: ContainerMap,
  nodeIssue: IssueOf,
  issues: ValidationIssue[],
): void {
  const inside = (id: string, container: string) => scopeChain(containers.parents, id).indexOf(container) > 0;
  for (const entry of byId.values()) {
    if (entry.id === null || entry.parsed === undefined) continue;
    const data = dataOf(entry);
    if (entry.type === 'iteration') {
      const selector = data.output_selector as string[];
      if (!byId.has(selector[0]) || !inside(selector[0], entry.id))
        issues.push(
          nodeIssue(
            entry,
            ['data', 'output_selector'],
            'unknown_variable_reference',
            `is ${JSON.stringify(selector)}, but '${selector[0]}' is not a node inside this iteration`,
          ),
        );
    } else if (entry.type === 'loop') {
      const labels = roundFieldsOf(entry);
      ((data.break_conditions as Array<{ variable_selector: string[] }> | undefined) ?? []).forEach((c, i) => {
        const [id, field] = c.variable_selector;
        const namespace = id === 'sys' || id === 'env' || id === 'conversation';
        const ok =
          id === entry.id
            ? labels.includes(field)
            : namespace || (byId.has(id) && (inside(id, entry.id ?? '') || !containers.parents.has(id)));
        if (!ok)
          issues.push(
            nodeIssue(
              entry,
              ['data', 'break_conditions', i, 'variable_selector'],
              'unknown_variable_reference',
              id === entry.id
                ? `reads '${field}', which is not a loop variable of '${entry.id}' (it has ${labels.length ? quoteList(labels) : 'none'})`
                : `reads node '${id}', which is neither a node of this loop nor a top-level node`,
            ),
          );
      });
    } else if (entry.type === 'assigner') {
      const v1 = data.version !== '2' && Array.isArray(data.assigned_variable_selector);
      const writes = v1
        ? [{ path: ['data', 'assigned_variable_selector'], selector: data.assigned_variable_selector as string[] }]
        : ((data.items as Array<{ variable_selector: string[] }> | undefined) ?? []).map((item, i) => ({
            path: ['data', 'items', i, 'variable_selector'],
            selector: item.variable_selector,
          }));
      writes.forEach(({ path, selector }) => {
        const item = { variable_selector: selector };
        const [target] = item.variable_selector;
        if (target === 'conversation' || item.variable_selector.length === 0) return;
        if (byId.get(target)?.type !== 'loop' || !inside(entry.id ?? '', target))
          issues.push(
            nodeIssue(
              entry,
              path,
              'invalid_value',
              `must name a conversation variable (['conversation', name]) or a loop variable of a loop this node is inside ([loop_id, name]); got ${JSON.stringify(item.variable_selector)}`,
            ),
          );
      });
    }
  }
}
