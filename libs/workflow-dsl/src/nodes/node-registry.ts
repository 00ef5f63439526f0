// Every node type the DSL knows, keyed by `data.type`. A new node type is one entry here plus its file.
import type { BaseNodeData, NodeDefinition } from './node-definition';
import { startNodeDefinition } from './start.node';
import { llmNodeDefinition } from './llm.node';
import { endNodeDefinition } from './end.node';
import { ifElseNodeDefinition } from './if-else.node';
import { templateTransformNodeDefinition } from './template-transform.node';
import { legacyVariableAssignerNodeDefinition, variableAggregatorNodeDefinition } from './variable-aggregator.node';
import { answerNodeDefinition } from './answer.node';
import { listOperatorNodeDefinition } from './list-operator.node';
import { assignerNodeDefinition } from './assigner.node';
import { iterationNodeDefinition, iterationStartNodeDefinition } from './iteration.node';
import { loopEndNodeDefinition, loopNodeDefinition, loopStartNodeDefinition } from './loop.node';
import { httpRequestNodeDefinition } from './http-request.node';
import { codeNodeDefinition } from './code.node';
import { documentExtractorNodeDefinition } from './document-extractor.node';
import { toolNodeDefinition } from './tool.node';
import { questionClassifierNodeDefinition } from './question-classifier.node';
import { parameterExtractorNodeDefinition } from './parameter-extractor.node';

export const NODE_DEFINITIONS = {
  start: startNodeDefinition,
  llm: llmNodeDefinition,
  end: endNodeDefinition,
  'if-else': ifElseNodeDefinition,
  'template-transform': templateTransformNodeDefinition,
  'variable-aggregator': variableAggregatorNodeDefinition,
  'variable-assigner': legacyVariableAssignerNodeDefinition,
  answer: answerNodeDefinition,
  'list-operator': listOperatorNodeDefinition,
  assigner: assignerNodeDefinition,
  iteration: iterationNodeDefinition,
  'iteration-start': iterationStartNodeDefinition,
  loop: loopNodeDefinition,
  'loop-start': loopStartNodeDefinition,
  'loop-end': loopEndNodeDefinition,
  'http-request': httpRequestNodeDefinition,
  code: codeNodeDefinition,
  'document-extractor': documentExtractorNodeDefinition,
  tool: toolNodeDefinition,
  'question-classifier': questionClassifierNodeDefinition,
  'parameter-extractor': parameterExtractorNodeDefinition,
} as const;

/** Node types that hold a sub-graph (Dify's containers), and the start node type each begins with. */
export const CONTAINER_START_TYPES = { iteration: 'iteration-start', loop: 'loop-start' } as const;
export type ContainerNodeType = keyof typeof CONTAINER_START_TYPES;

export function isContainerType(type: string): type is ContainerNodeType {
  return type === 'iteration' || type === 'loop';
}

export type NodeType = keyof typeof NODE_DEFINITIONS;

/** Node types whose `error_strategy` is honoured (Dify offers it on the nodes that call out). */
export const ERROR_STRATEGY_NODE_TYPES: ReadonlySet<NodeType> = new Set<NodeType>([
  'llm',
  'code',
  'http-request',
  'tool',
  'question-classifier',
  'parameter-extractor',
]);

/** Node types whose `retry_config` is honoured (Dify retries the nodes that call out: LLM, code, HTTP, tool). */
export const RETRY_NODE_TYPES: ReadonlySet<NodeType> = new Set<NodeType>([
  'llm',
  'code',
  'http-request',
  'tool',
  'question-classifier',
  'parameter-extractor',
]);

export const NODE_TYPES = Object.keys(NODE_DEFINITIONS) as readonly NodeType[];

/** The registry seen through one erased type: callers only pass data a definition's own schema produced. */
export type AnyNodeDefinition = NodeDefinition<BaseNodeData, unknown>;

export function isNodeType(type: string): type is NodeType {
  return Object.hasOwn(NODE_DEFINITIONS, type);
}

export function nodeDefinition(type: NodeType): AnyNodeDefinition {
  return NODE_DEFINITIONS[type] as unknown as AnyNodeDefinition;
}
