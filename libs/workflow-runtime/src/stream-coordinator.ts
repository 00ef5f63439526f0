// Decides which text a streaming run sends, and when: the text of its response nodes (answer, end),
// in order, as Dify's response coordinator (graphon's ResponseStreamFilter) does.
//
// Each response node is a template of segments: literal text, and variable references. An answer
// node's template is its `answer`; an end node's is its outputs' selectors joined by "\n". A response
// node's session becomes reachable once every *blocking* edge on some path from the start node to it
// was taken (edges out of branch nodes, response nodes and assigners); plain nodes do not block, so an
// answer after an LLM starts streaming its leading text before the LLM ends. One session streams at a
// time; the others wait in the order they became reachable. A session streams its segments in order:
// literal text at once; a reference to an LLM's `text` token by token as the LLM produces it; any
// other reference once its node finished (its value rendered as Dify's `markdown`: arrays as "- item"
// lines, objects as indented JSON); a reference into a skipped node streams nothing. LLM output that
// no session references is never streamed.
import type { GraphIndex, WorkflowEdge, WorkflowNode } from '@shoal/workflow-dsl';
import { compileTemplate } from '@shoal/workflow-dsl';
import type { VariablePool } from './variable-pool';

type Segment = { text: string } | { selector: readonly string[] };

interface Session {
  nodeId: string;
  segments: readonly Segment[];
  index: number;
}

/** Receives each piece of text to stream, with the selector it comes from (a node output, or the response node's own for literal text). */
export type StreamWriter = (text: string, selector: [string, string]) => void;

/** Past this many start-to-node paths, a response node becomes reachable only when it starts (bounded work per graph). */
const MAX_PATHS = 256;
const BLOCKING_TYPES: ReadonlySet<string> = new Set(['if-else', 'question-classifier', 'answer', 'end', 'assigner', 'iteration', 'loop']);
const RESPONSE_TYPES: ReadonlySet<string> = new Set(['answer', 'end']);

/** Per graph: each response node's template and its paths' blocking edges. */
interface StreamPlan {
  templates: ReadonlyMap<string, readonly Segment[]>;
  /** Per response node, its paths' numbers of blocking edges; null: too many paths, the node becomes reachable when it starts. */
  paths: ReadonlyMap<string, readonly number[] | null>;
  /** Per blocking edge, the response node paths it is on. */
  byEdge: ReadonlyMap<string, ReadonlyArray<{ nodeId: string; path: number }>>;
  /** Every `[node, field]` some template references. */
  referenced: ReadonlySet<string>;
}

const plans = new WeakMap<GraphIndex, StreamPlan>();

const key = (selector: readonly string[]) => `${selector[0]}\u0000${selector[1]}`;

function isBlocking(node: WorkflowNode | undefined): boolean {
  if (!node) return false;
  // a node with a fail branch chooses between two exits, as a branch node does
  return BLOCKING_TYPES.has(node.data.type) || node.data.error_strategy === 'fail-branch';
}

function templateOf(node: WorkflowNode): Segment[] {
  if (node.data.type === 'answer')
    return compileTemplate(node.data.answer).parts.map((p) => (typeof p === 'string' ? { text: p } : { selector: p }));
  if (node.data.type !== 'end') return [];
  const segments: Segment[] = [];
  for (const output of node.data.outputs) {
    if (segments.length > 0) segments.push({ text: '\n' });
    if (output.value_selector.length > 0) segments.push({ selector: output.value_selector });
  }
  if (segments.length > 0 && 'text' in segments[segments.length - 1]) segments.pop();
  return segments;
}

/** The nodes from which `target` can be reached (itself included). */
function ancestorsOf(index: GraphIndex, target: string): Set<string> {
  const seen = new Set([target]);
  const queue = [target];
  for (let i = 0; i < queue.length; i++)
    for (const p of index.predecessors.get(queue[i]) ?? []) {
      if (seen.has(p)) continue;
      seen.add(p);
      queue.push(p);
    }
  return seen;
}

/**
 * The blocking edges of every path from the start node to `target`; null past MAX_PATHS. The walk
 * only enters nodes that lead to `target`, so each branch it takes ends in a path: its work is
 * bounded by MAX_PATHS times the graph's depth.
 */
function blockingPaths(index: GraphIndex, target: string): string[][] | null {
  const leads = ancestorsOf(index, target);
  if (!leads.has(index.start.id)) return [];
  const paths: string[][] = [];
  const walk = (nodeId: string, blocking: string[]): boolean => {
    if (nodeId === target) {
      paths.push(blocking);
      return paths.length <= MAX_PATHS;
    }
    const blocks = isBlocking(index.nodesById.get(nodeId));
    for (const edge of index.outgoingEdges.get(nodeId) ?? []) {
      if (!leads.has(edge.target)) continue;
      if (!walk(edge.target, blocks ? [...blocking, edge.id] : blocking)) return false;
    }
    return true;
  };
  return walk(index.start.id, []) ? paths : null;
}

function planOf(index: GraphIndex): StreamPlan {
  let plan = plans.get(index);
  if (plan) return plan;
  const templates = new Map<string, Segment[]>();
  const paths = new Map<string, number[] | null>();
  const byEdge = new Map<string, Array<{ nodeId: string; path: number }>>();
  const referenced = new Set<string>();
  for (const node of index.nodesById.values()) {
    if (!RESPONSE_TYPES.has(node.data.type)) continue;
    const segments = templateOf(node);
    templates.set(node.id, segments);
    const found = blockingPaths(index, node.id);
    paths.set(node.id, found && found.map((p) => p.length));
    found?.forEach((edges, path) => {
      for (const edge of edges) {
        const on = byEdge.get(edge);
        if (on) on.push({ nodeId: node.id, path });
        else byEdge.set(edge, [{ nodeId: node.id, path }]);
      }
    });
    for (const s of segments) if ('selector' in s && s.selector.length >= 2) referenced.add(key(s.selector));
  }
  plan = { templates, paths, byEdge, referenced };
  plans.set(index, plan);
  return plan;
}

/** Dify's Segment.markdown: how a value that was not streamed reads in the stream. */
export function streamText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map((item) => `- ${typeof item === 'string' ? item : streamText(item)}`).join('\n');
  if (typeof value === 'object') return JSON.stringify(value, null, 2);
  return String(value);
}

export class StreamCoordinator {
  private readonly plan: StreamPlan;
  /** Per response node not yet reachable: how many blocking edges of each of its paths are not taken yet. */
  private readonly pending = new Map<string, number[] | null>();
  private active: Session | null = null;
  private readonly waiting: Session[] = [];
  /** Chunks of referenced selectors not streamed yet. */
  private readonly buffers = new Map<string, string[]>();
  private readonly finished = new Set<string>();
  private readonly skipped = new Set<string>();

  constructor(
    private readonly index: GraphIndex,
    private readonly pool: VariablePool,
    private readonly write: StreamWriter,
  ) {
    this.plan = planOf(index);
    for (const [nodeId, paths] of this.plan.paths) this.pending.set(nodeId, paths && [...paths]);
  }

  /** Sessions reachable before any edge is taken, by node id (as Dify sorts them). Call once, before the first node runs. */
  begin(): void {
    for (const nodeId of [...this.pending.keys()].sort()) {
      const paths = this.pending.get(nodeId);
      if (paths?.some((left) => left === 0)) this.reach(nodeId);
    }
  }

  /** A chunk of a node's output as it streams (an LLM's `text`); buffered until its segment is streamed. */
  chunk(selector: readonly [string, string], text: string): void {
    const k = key(selector);
    // a chunk after its node finished (a misbehaving adapter) is dropped: the node's value is final
    if (!this.plan.referenced.has(k) || text === '' || this.finished.has(selector[0])) return;
    const buffer = this.buffers.get(k);
    if (buffer) buffer.push(text);
    else this.buffers.set(k, [text]);
    this.flush();
  }

  /** A node finished and its outputs are in the pool (call before its node_finished). */
  nodeFinished(nodeId: string): void {
    this.finished.add(nodeId);
    this.flush();
  }

  /** A node will never run. */
  nodeSkipped(nodeId: string): void {
    this.skipped.add(nodeId);
    this.pending.delete(nodeId);
    this.flush();
  }

  /** A response node starts: it is reachable whatever its paths said (the fallback for graphs with too many paths). */
  nodeStarted(nodeId: string): void {
    if (this.pending.has(nodeId)) this.reach(nodeId);
  }

  edgeTaken(edge: WorkflowEdge): void {
    for (const { nodeId, path } of this.plan.byEdge.get(edge.id) ?? []) {
      const paths = this.pending.get(nodeId);
      if (paths && --paths[path] === 0) this.reach(nodeId);
    }
  }

  private reach(nodeId: string): void {
    this.pending.delete(nodeId);
    const segments = this.plan.templates.get(nodeId);
    if (!segments) return;
    const session: Session = { nodeId, segments, index: 0 };
    if (this.active) this.waiting.push(session);
    else {
      this.active = session;
      this.flush();
    }
  }

  private flush(): void {
    while (this.active) {
      const session = this.active;
      while (session.index < session.segments.length) {
        const segment = session.segments[session.index];
        if ('text' in segment) {
          if (segment.text !== '') this.write(segment.text, [session.nodeId, 'answer']);
          session.index++;
        } else if (this.streamVariable(segment.selector)) session.index++;
        else return;
      }
      this.active = this.waiting.shift() ?? null;
    }
  }

  /** Streams what is there of one reference; true when the reference is complete. */
  private streamVariable(selector: readonly string[]): boolean {
    const source = selector[0];
    const fromNode = this.index.nodesById.has(source);
    if (fromNode && this.skipped.has(source)) return true;
    const pair: [string, string] = [selector[0], selector[1] ?? ''];
    const k = key(selector);
    const buffer = selector.length === 2 ? this.buffers.get(k) : undefined;
    if (buffer) {
      for (const text of buffer.splice(0)) this.write(text, pair);
      if (!this.finished.has(source)) return false;
      this.buffers.delete(k);
      return true;
    }
    // a reference outside the nodes (sys, env, conversation) is in the pool from the start, or written by an assigner that blocks
    if (fromNode && !this.finished.has(source)) return false;
    const value = this.pool.get(selector);
    const text = streamText(value);
    if (text !== '') this.write(text, pair);
    return true;
  }
}
