// The normalized, typed workflow graph that parseWorkflowGraph returns.
import type { StartNodeData } from './nodes/start.node';
import type { LlmNodeData } from './nodes/llm.node';
import type { EndNodeData } from './nodes/end.node';
import type { IfElseNodeData } from './nodes/if-else.node';
import type { TemplateTransformNodeData } from './nodes/template-transform.node';
import type { VariableAggregatorNodeData } from './nodes/variable-aggregator.node';
import type { AnswerNodeData } from './nodes/answer.node';
import type { ListOperatorNodeData } from './nodes/list-operator.node';
import type { AssignerNodeData } from './nodes/assigner.node';
import type { IterationNodeData, IterationStartNodeData } from './nodes/iteration.node';
import type { LoopEndNodeData, LoopNodeData, LoopStartNodeData } from './nodes/loop.node';
import type { HttpRequestNodeData } from './nodes/http-request.node';
import type { CodeNodeData } from './nodes/code.node';
import type { DocumentExtractorNodeData } from './nodes/document-extractor.node';
import type { ToolNodeData } from './nodes/tool.node';
import type { QuestionClassifierNodeData } from './nodes/question-classifier.node';
import type { ParameterExtractorNodeData } from './nodes/parameter-extractor.node';
import type { NodeType } from './nodes/node-registry';

interface NodeOf<D> {
  id: string;
  data: D;
  /** The iteration or loop this node sits in (Dify's `parentId`); absent at the top level. */
  parentId?: string;
}

export type StartNode = NodeOf<StartNodeData>;
export type LlmNode = NodeOf<LlmNodeData>;
export type EndNode = NodeOf<EndNodeData>;
export type IfElseNode = NodeOf<IfElseNodeData>;
export type TemplateTransformNode = NodeOf<TemplateTransformNodeData>;
export type VariableAggregatorNode = NodeOf<VariableAggregatorNodeData & { type: 'variable-aggregator' }>;
export type LegacyVariableAssignerNode = NodeOf<VariableAggregatorNodeData & { type: 'variable-assigner' }>;
export type AnswerNode = NodeOf<AnswerNodeData>;
export type ListOperatorNode = NodeOf<ListOperatorNodeData>;
export type AssignerNode = NodeOf<AssignerNodeData>;
export type IterationNode = NodeOf<IterationNodeData>;
export type IterationStartNode = NodeOf<IterationStartNodeData>;
export type LoopNode = NodeOf<LoopNodeData>;
export type LoopStartNode = NodeOf<LoopStartNodeData>;
export type LoopEndNode = NodeOf<LoopEndNodeData>;
export type HttpRequestNode = NodeOf<HttpRequestNodeData>;
export type CodeNode = NodeOf<CodeNodeData>;
export type DocumentExtractorNode = NodeOf<DocumentExtractorNodeData>;
export type ToolNode = NodeOf<ToolNodeData>;
export type QuestionClassifierNode = NodeOf<QuestionClassifierNodeData>;
export type ParameterExtractorNode = NodeOf<ParameterExtractorNodeData>;

/** Discriminated on `data.type`. */
export type WorkflowNode =
  | StartNode
  | LlmNode
  | EndNode
  | IfElseNode
  | TemplateTransformNode
  | VariableAggregatorNode
  | LegacyVariableAssignerNode
  | AnswerNode
  | ListOperatorNode
  | AssignerNode
  | IterationNode
  | IterationStartNode
  | LoopNode
  | LoopStartNode
  | LoopEndNode
  | HttpRequestNode
  | CodeNode
  | DocumentExtractorNode
  | ToolNode
  | QuestionClassifierNode
  | ParameterExtractorNode;

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

/** A conversation or environment variable the workflow declares (Dify's workflow-level lists). */
export interface WorkflowVariable {
  name: string;
  /** Dify's value_type: 'string', 'number', 'boolean', 'object', 'array[string]', ... ('secret' for env). */
  value_type: string;
  /** The initial (conversation) or configured (environment) value. */
  value: unknown;
  id?: string;
  description?: string;
}

export interface WorkflowGraph {
  nodes: WorkflowNode[];
  edges: WorkflowEdge[];
  /** `{{#conversation.name#}}`; written by assigner nodes. Absent when none are declared. */
  conversation_variables?: WorkflowVariable[];
  /** `{{#env.name#}}`; read-only. Absent when none are declared. */
  environment_variables?: WorkflowVariable[];
}

// Fails to compile when a node type joins the registry but not the union, or the other way round.
type Expect<T extends true> = T;
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
export type _RegistryMatchesUnion = Expect<Same<NodeType, WorkflowNode['data']['type']>>;

/** Narrows a node by `data.type` (TypeScript does not narrow the node itself on a nested discriminant). */
export function isNodeOfType<T extends NodeType>(node: WorkflowNode, type: T): node is NodeOfType<T> {
  return node.data.type === type;
}
