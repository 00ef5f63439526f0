// parseWorkflowGraph: raw JSON in, a normalized typed graph or every problem found out.
import { checkGraphStructure, edgeIssue, nodeIssue, type EdgeEntry, type NodeEntry } from './graph.validator';
import { isNodeType, nodeDefinition, NODE_TYPES } from './nodes/node-registry';
import { NODE_ID_PATTERN } from './variable-reference';
import { translateZodIssues } from './zod-issues';
import { z } from 'zod';
import { variableNameSchema } from './nodes/node-definition';
import { describeValue, formatPath, quoteList, type ValidationIssue } from './validation-issue';
import type { WorkflowEdge, WorkflowGraph, WorkflowNode, WorkflowVariable } from './workflow-graph.types';

export type ParseWorkflowGraphResult = { ok: true; graph: WorkflowGraph } | { ok: false; issues: ValidationIssue[] };

/** Bounds checked before any other work, so a hostile graph costs time in proportion to the limits. */
export interface GraphLimits {
  maxNodes: number;
  maxEdges: number;
  /** Characters of any one string in a node's data (prompts, templates, condition values). */
  maxTemplateLength: number;
}

export interface ParseWorkflowGraphOptions {
  limits?: Partial<GraphLimits>;
}

/**
 * Dify's editor has no hard node cap, but its runs stop after WORKFLOW_MAX_EXECUTION_STEPS (500) steps;
 * 1,000 nodes leaves room above that. Templates as Dify's template-transform output cap (400,000 characters).
 */
export const DEFAULT_GRAPH_LIMITS: Readonly<GraphLimits> = Object.freeze({ maxNodes: 1000, maxEdges: 4000, maxTemplateLength: 400_000 });

/** Namespaces a `{{#...#}}` reference can start with besides node ids (Dify's system, environment, conversation variables). */
const RESERVED_NODE_IDS = new Set(['sys', 'env', 'conversation']);

type Json = Record<string, unknown>;

function isRecord(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function parseWorkflowGraph(input: unknown, options: ParseWorkflowGraphOptions = {}): ParseWorkflowGraphResult {
  if (!isRecord(input)) {
    return {
      ok: false,
      issues: [
        { path: '', code: 'invalid_type', message: `the graph must be an object with "nodes" and "edges" (got ${describeValue(input)})` },
      ],
    };
  }
  const limits: GraphLimits = Object.assign({}, DEFAULT_GRAPH_LIMITS, options.limits);
  const issues: ValidationIssue[] = [];
  const rawNodes = listAt(input, 'nodes', issues);
  const rawEdges = listAt(input, 'edges', issues);
  if (rawNodes.length > limits.maxNodes)
    issues.push({ path: 'nodes', code: 'too_big', message: `nodes must have at most ${limits.maxNodes} items (got ${rawNodes.length})` });
  if (rawEdges.length > limits.maxEdges)
    issues.push({ path: 'edges', code: 'too_big', message: `edges must have at most ${limits.maxEdges} items (got ${rawEdges.length})` });
  if (issues.length > 0 && (rawNodes.length > limits.maxNodes || rawEdges.length > limits.maxEdges)) return { ok: false, issues };
  const nodes = rawNodes.map((raw, index) => parseNode(raw, index, issues, limits));
  const edges = rawEdges.map((raw, index) => parseEdge(raw, index, issues));
  const conversation = parseWorkflowVariables(input, 'conversation_variables', issues);
  const environment = parseWorkflowVariables(input, 'environment_variables', issues);
  const namespaces = { conversation: (conversation ?? []).map((v) => v.name), env: (environment ?? []).map((v) => v.name) };
  issues.push(
    ...checkGraphStructure(
      nodes.map((n) => n.entry),
      edges.map((e) => e.entry),
      namespaces,
    ),
  );
  if (issues.length > 0) return { ok: false, issues };
  // No issues means every node and edge parsed.
  const graph: WorkflowGraph = { nodes: nodes.map((n) => n.node as WorkflowNode), edges: edges.map((e) => e.edge as WorkflowEdge) };
  if (conversation) graph.conversation_variables = conversation;
  if (environment) graph.environment_variables = environment;
  return { ok: true, graph };
}

const workflowVariableSchema = z.looseObject({
  name: variableNameSchema,
  value_type: z.string().min(1),
  value: z.unknown().optional(),
  id: z.string().nullish(),
  description: z.string().nullish(),
});

/** Dify's workflow-level conversation_variables / environment_variables; null when absent. */
function parseWorkflowVariables(
  input: Json,
  key: 'conversation_variables' | 'environment_variables',
  issues: ValidationIssue[],
): WorkflowVariable[] | null {
  const raw = input[key];
  if (raw === undefined || raw === null) return null;
  const result = z.array(workflowVariableSchema).safeParse(raw, { reportInput: true });
  if (!result.success) {
    for (const local of translateZodIssues(result.error.issues, [key]))
      issues.push({ path: formatPath(local.path), code: local.code, message: `${formatPath(local.path)} ${local.detail}` });
    return null;
  }
  const out: WorkflowVariable[] = [];
  for (const [i, v] of result.data.entries()) {
    if (out.some((o) => o.name === v.name)) {
      issues.push({
        path: formatPath([key, i, 'name']),
        code: 'duplicate_variable',
        message: `${formatPath([key, i, 'name'])} '${v.name}' is declared twice`,
      });
      continue;
    }
    const variable: WorkflowVariable = { name: v.name, value_type: v.value_type, value: v.value ?? null };
    if (v.id) variable.id = v.id;
    if (v.description) variable.description = v.description;
    out.push(variable);
  }
  return out;
}

function listAt(input: Json, key: 'nodes' | 'edges', issues: ValidationIssue[]): unknown[] {
  const value = input[key];
  if (Array.isArray(value)) return value;
  if (value === undefined) issues.push({ path: key, code: 'required', message: `${key} is required (an array)` });
  else issues.push({ path: key, code: 'invalid_type', message: `${key} must be an array (got ${describeValue(value)})` });
  return [];
}

function parseNode(
  raw: unknown,
  index: number,
  issues: ValidationIssue[],
  limits: GraphLimits,
): { entry: NodeEntry; node: WorkflowNode | null } {
  const entry: NodeEntry = { index, id: null, type: null, definition: null, parsed: undefined, parent: null };
  if (!isRecord(raw)) {
    issues.push(nodeIssue(entry, [], 'invalid_type', `must be an object with "id" and "data" (got ${describeValue(raw)})`));
    return { entry, node: null };
  }
  const id = raw.id;
  if (typeof id !== 'string' || id === '') {
    issues.push(
      nodeIssue(
        entry,
        ['id'],
        id === undefined || id === '' ? 'required' : 'invalid_type',
        id === undefined || id === '' ? 'is required' : `must be a string (got ${describeValue(id)})`,
      ),
    );
  } else if (!NODE_ID_PATTERN.test(id)) {
    issues.push(
      nodeIssue(
        entry,
        ['id'],
        'invalid_node_id',
        `'${id}' may only contain letters, digits, '_' and '-' (it is used in {{#${id}.field#}} references)`,
      ),
    );
  } else if (RESERVED_NODE_IDS.has(id)) {
    issues.push(nodeIssue(entry, ['id'], 'reserved_node_id', `'${id}' is reserved for {{#${id}.…#}} variables; choose another id`));
  } else {
    entry.id = id;
  }
  const data = raw.data;
  if (!isRecord(data)) {
    issues.push(
      nodeIssue(
        entry,
        ['data'],
        data === undefined ? 'required' : 'invalid_type',
        data === undefined ? 'is required' : `must be an object (got ${describeValue(data)})`,
      ),
    );
    return { entry, node: null };
  }
  entry.parent = containerOf(raw, data);
  const type = data.type;
  if (typeof type !== 'string' || !isNodeType(type)) {
    const detail =
      type === undefined ? 'is required' : `${typeof type === 'string' ? `'${type}'` : describeValue(type)} is not a supported node type`;
    issues.push(
      nodeIssue(
        entry,
        ['data', 'type'],
        type === undefined ? 'required' : 'unknown_node_type',
        `${detail}; supported types: ${quoteList(NODE_TYPES)}`,
      ),
    );
    return { entry, node: null };
  }
  entry.type = type;
  const tooLong = findLongString(data, limits.maxTemplateLength);
  if (tooLong) {
    issues.push(
      nodeIssue(
        entry,
        ['data', ...tooLong.path],
        'too_big',
        `must be at most ${limits.maxTemplateLength} characters (got ${tooLong.length})`,
      ),
    );
    return { entry, node: null };
  }
  const definition = nodeDefinition(type);
  entry.definition = definition;
  const result = definition.schema.safeParse(data, { reportInput: true });
  if (!result.success) {
    for (const local of translateZodIssues(result.error.issues, ['data']))
      issues.push(nodeIssue(entry, local.path, local.code, local.detail));
    return { entry, node: null };
  }
  entry.parsed = result.data;
  const extra = definition.check?.(result.data) ?? [];
  for (const local of extra) issues.push(nodeIssue(entry, ['data', ...local.path], local.code, local.detail));
  if (entry.id === null || extra.length > 0) return { entry, node: null };
  // Node-level extras (Dify's position, width, ...) are kept so an imported graph round-trips.
  // The definition was picked by data.type, so its normalized data is that member of the union.
  const node = Object.assign({}, raw, { id: entry.id, data: definition.normalize(result.data, entry.id) }) as unknown as WorkflowNode;
  if (entry.parent !== null) node.parentId = entry.parent;
  else delete node.parentId;
  return { entry, node };
}

/** Dify marks a node inside an iteration or loop with `parentId`, and in its data `iteration_id` / `loop_id`. */
function containerOf(raw: Json, data: Json): string | null {
  for (const value of [raw.parentId, data.iteration_id, data.loop_id]) if (typeof value === 'string' && value !== '') return value;
  return null;
}

function optionalString(raw: Json, key: string, entry: EdgeEntry, issues: ValidationIssue[]): string | null {
  const value = raw[key];
  if (value === undefined || value === null || value === '') return null;
  if (typeof value === 'string') return value;
  issues.push(edgeIssue(entry, [key], 'invalid_type', `must be a string (got ${describeValue(value)})`));
  return null;
}

function nodeIdAt(raw: Json, key: 'source' | 'target', entry: EdgeEntry, issues: ValidationIssue[]): string | null {
  const value = raw[key];
  if (typeof value === 'string' && value !== '') return value;
  if (value === undefined || value === '') issues.push(edgeIssue(entry, [key], 'required', 'is required (a node id)'));
  else issues.push(edgeIssue(entry, [key], 'invalid_type', `must be a node id string (got ${describeValue(value)})`));
  return null;
}

function parseEdge(raw: unknown, index: number, issues: ValidationIssue[]): { entry: EdgeEntry; edge: WorkflowEdge | null } {
  const entry: EdgeEntry = { index, id: null, source: null, target: null, sourceHandle: 'source', targetHandle: 'target' };
  if (!isRecord(raw)) {
    issues.push(edgeIssue(entry, [], 'invalid_type', `must be an object with "source" and "target" (got ${describeValue(raw)})`));
    return { entry, edge: null };
  }
  entry.id = optionalString(raw, 'id', entry, issues);
  entry.source = nodeIdAt(raw, 'source', entry, issues);
  entry.target = nodeIdAt(raw, 'target', entry, issues);
  entry.sourceHandle = optionalString(raw, 'sourceHandle', entry, issues) ?? 'source';
  entry.targetHandle = optionalString(raw, 'targetHandle', entry, issues) ?? 'target';
  if (entry.source === null || entry.target === null) return { entry, edge: null };
  const { source, target, sourceHandle, targetHandle } = entry;
  const id = entry.id ?? `${source}-${sourceHandle}-${target}-${targetHandle}`;
  // Edge-level extras (Dify's data, type, zIndex) are kept, as for nodes.
  return { entry, edge: Object.assign({}, raw, { id, source, target, sourceHandle, targetHandle }) };
}

/**
 * The first string longer than `max` in a JSON value. Iterative, so deep nesting cannot overflow the
 * stack, and each item keeps a link to its parent rather than a copy of its path, so the walk is linear.
 */
function findLongString(root: unknown, max: number): { path: Array<string | number>; length: number } | null {
  interface Item {
    value: unknown;
    key: string | number | null;
    parent: Item | null;
  }
  const stack: Item[] = [{ value: root, key: null, parent: null }];
  while (stack.length > 0) {
    const item = stack.pop() as Item;
    const { value } = item;
    if (typeof value === 'string') {
      if (value.length <= max) continue;
      const path: Array<string | number> = [];
      for (let at: Item | null = item; at !== null && at.key !== null; at = at.parent) path.unshift(at.key);
      return { path, length: value.length };
    }
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], key: i, parent: item });
    } else if (isRecord(value)) {
      const keys = Object.keys(value);
      for (let i = keys.length - 1; i >= 0; i--) stack.push({ value: value[keys[i]], key: keys[i], parent: item });
    }
  }
  return null;
}
