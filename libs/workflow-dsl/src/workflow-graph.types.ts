// The normalized, typed workflow graph that parseWorkflowGraph returns.
import type { StartNodeData } from './nodes/start.node';
import type { LlmNodeData } from './nodes/llm.node';
import type { EndNodeData } from './nodes/end.node';
import type { IfElseNodeData } from './nodes/if-else.node';
import type { NodeType } from './nodes/node-registry';

interface NodeOf<D> {
  id: string;
  data: D;
}

export type StartNode = NodeOf<StartNodeData>;
export type LlmNode = NodeOf<LlmNodeData>;
export type EndNode = NodeOf<EndNodeData>;
export type IfElseNode = NodeOf<IfElseNodeData>;

/** Discriminated on `data.type`. */
export type WorkflowNode = StartNode | LlmNode | EndNode | IfElseNode;

export type NodeOfType<T extends NodeType> = Extract<WorkflowNode, { data: { type: T } }>;

export interface WorkflowEdge {
  /** Given, or `${source}-${sourceHandle}-${target}-${targetHandle}`. */
  id: string;
  source: string;
  target: string;
  /** 'source' unless the node has several exits (if-else: its case ids and 'false'). */
  sourceHandle: string;
  targetHandle: string;
}

export interface WorkflowGraph {
  nodes: WorkflowNode[];
  edges: WorkflowEdge[];
}

// Fails to compile when a node type joins the registry but not the union, or the other way round.
type Expect<T extends true> = T;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export type _RegistryMatchesUnion = Expect<Same<NodeType, WorkflowNode['data']['type']>>;

/** Narrows a node by `data.type` (TypeScript does not narrow the node itself on a nested discriminant). */
export function isNodeOfType<T extends NodeType>(node: WorkflowNode, type: T): node is NodeOfType<T> {
  return node.data.type === type;
}
