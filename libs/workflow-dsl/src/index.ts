// @shoal/workflow-dsl — the workflow format: types, parsing with precise error paths, references.
//
//   parseWorkflowGraph(input: unknown): { ok: true; graph: WorkflowGraph } | { ok: false; issues: ValidationIssue[] }
//   validateRunInputs(graph: WorkflowGraph, inputs: unknown): { ok: true; inputs } | { ok: false; issues }
//   validateStartNodeInputs(variables: StartVariable[], inputs: unknown): same result
//   buildGraphIndex(graph: WorkflowGraph): GraphIndex   (predecessors, successors, topological order)
//   parseVariableReferences(text): Array<{ selector: string[]; raw: string }>
//   compileTemplate(text): CompiledTemplate; renderCompiledTemplate(t, lookup); renderTemplate(text, lookup)
//   stringifyValue(value): string   (how a variable reads inside text)

export {
  parseWorkflowGraph,
  DEFAULT_GRAPH_LIMITS,
  type ParseWorkflowGraphResult,
  type ParseWorkflowGraphOptions,
  type GraphLimits,
} from './graph.parser';
export {
  validateRunInputs,
  validateStartNodeInputs,
  DEFAULT_RUN_INPUT_LIMITS,
  type ValidateRunInputsResult,
  type RunInputLimits,
} from './run-inputs.validator';
export {
  uploadIdsIn,
  validateRunFiles,
  MAX_UPLOAD_IDS_PER_RUN,
  type UploadedFileFacts,
  type UploadedFileLookup,
  type ValidateRunFilesResult,
  type FileRules,
} from './run-input-files';
export { FILE_KINDS, FILE_KIND_EXTENSIONS, fileKindOf, extensionOf, isFileKind, type FileKind } from './file-kinds';
export { buildGraphIndex, type GraphIndex, type ScopeIndex } from './graph-index';
export {
  parseVariableReferences,
  compileTemplate,
  renderCompiledTemplate,
  renderTemplate,
  stringifyValue,
  NODE_ID_PATTERN,
  type VariableReference,
  type VariableLookup,
  type CompiledTemplate,
} from './variable-reference';
export { formatPath, type ValidationIssue, type ValidationIssueCode, type PathSegment } from './validation-issue';
export {
  NODE_TYPES,
  ERROR_STRATEGY_NODE_TYPES,
  RETRY_NODE_TYPES,
  CONTAINER_START_TYPES,
  isNodeType,
  isContainerType,
  type NodeType,
  type ContainerNodeType,
} from './nodes/node-registry';
export {
  ITERATION_ERROR_HANDLE_MODES,
  ITERATION_ROUND_FIELDS,
  type IterationNodeData,
  type IterationStartNodeData,
  type IterationErrorHandleMode,
} from './nodes/iteration.node';
export {
  LOOP_VARIABLE_TYPES,
  LOOP_ROUND_OUTPUT,
  type LoopNodeData,
  type LoopStartNodeData,
  type LoopEndNodeData,
  type LoopVariable,
  type LoopVariableType,
} from './nodes/loop.node';
export { MAX_CONTAINER_DEPTH } from './graph-containers.validator';
export {
  RESERVED_VARIABLE_NAMES,
  FAIL_BRANCH_HANDLE,
  MAX_NODE_RETRIES,
  MAX_RETRY_INTERVAL_MS,
  type RetryConfig,
  type BaseNodeData,
  type ErrorStrategy,
  type ErrorDefaultValue,
} from './nodes/node-definition';
export { START_VARIABLE_TYPES, type StartNodeData, type StartVariable, type StartVariableType } from './nodes/start.node';
export { LLM_OUTPUT_FIELDS, llmContextSelector, type LlmNodeData, type LlmPromptMessage, type LlmMessageRole } from './nodes/llm.node';
export { llmVisionOf, type LlmVisionConfig, type LlmModelConfig, type LlmCompletionParams } from './nodes/llm-model.schema';
export type { EndNodeData, EndOutput } from './nodes/end.node';
export {
  COMPARISON_OPERATORS,
  IF_ELSE_OUTPUT_FIELDS,
  IF_ELSE_DEFAULT_HANDLE,
  type ComparisonOperator,
  type IfElseCase,
  type IfElseCondition,
  type IfElseNodeData,
} from './nodes/if-else.node';
export type { TemplateTransformNodeData, TemplateVariable } from './nodes/template-transform.node';
export type { VariableAggregatorNodeData, VariableAggregatorGroup } from './nodes/variable-aggregator.node';
export type { AnswerNodeData } from './nodes/answer.node';
export {
  LIST_FILTER_OPERATORS,
  type ListOperatorNodeData,
  type ListFilterCondition,
  type ListFilterOperator,
} from './nodes/list-operator.node';
export { ASSIGNER_OPERATIONS, type AssignerNodeData, type AssignerItem, type AssignerOperation } from './nodes/assigner.node';
export {
  isNodeOfType,
  type WorkflowGraph,
  type WorkflowNode,
  type WorkflowEdge,
  type WorkflowVariable,
  type StartNode,
  type LlmNode,
  type EndNode,
  type IfElseNode,
  type TemplateTransformNode,
  type VariableAggregatorNode,
  type LegacyVariableAssignerNode,
  type AnswerNode,
  type ListOperatorNode,
  type AssignerNode,
  type IterationNode,
  type IterationStartNode,
  type LoopNode,
  type LoopStartNode,
  type LoopEndNode,
  type HttpRequestNode,
  type CodeNode,
  type DocumentExtractorNode,
  type ToolNode,
  type QuestionClassifierNode,
  type ParameterExtractorNode,
  type NodeOfType,
} from './workflow-graph.types';
export {
  CODE_LANGUAGES,
  CODE_OUTPUT_TYPES,
  MAX_CODE_OUTPUT_DEPTH,
  type CodeNodeData,
  type CodeLanguage,
  type CodeOutput,
  type CodeOutputType,
  type CodeVariable,
} from './nodes/code.node';
export { DOCUMENT_EXTRACTOR_OUTPUT_FIELDS, type DocumentExtractorNodeData } from './nodes/document-extractor.node';
export {
  HTTP_METHODS,
  HTTP_BODY_TYPES,
  HTTP_NODE_LIMITS,
  HTTP_REQUEST_OUTPUT_FIELDS,
  type HttpRequestNodeData,
  type HttpMethod,
  type HttpBodyType,
  type HttpBodyItem,
  type HttpAuthorization,
  type HttpTimeout,
} from './nodes/http-request.node';
export {
  DIFY_TOOL_PROVIDER_TYPES,
  TOOL_PROVIDER_TYPES,
  TOOL_OUTPUT_FIELDS,
  TOOL_NODE_LIMITS,
  type ToolNodeData,
  type ToolInput,
  type ToolProviderType,
} from './nodes/tool.node';
export { checkToolNodes, mcpProviderIds, type ToolCatalog, type ToolCatalogProvider } from './tool-catalog.check';
export { QUESTION_CLASSIFIER_OUTPUT_FIELDS, type QuestionClassifierNodeData, type QuestionClass } from './nodes/question-classifier.node';
export {
  EXTRACTOR_PARAMETER_TYPES,
  EXTRACTOR_STATUS_FIELDS,
  type ParameterExtractorNodeData,
  type ExtractorParameter,
  type ExtractorParameterType,
  type ExtractorReasoningMode,
} from './nodes/parameter-extractor.node';
export { importDifyDsl } from './dify/dify-dsl.importer';
export { exportDifyDsl, type DifyExportOptions } from './dify/dify-dsl.exporter';
export { parseModelMapParam, type ParseModelMapResult } from './dify/model-map.parser';
export { DIFY_DSL_VERSION } from './dify/dify-version';
export type {
  DifyAppMode,
  DifyImportIssue,
  DifyImportIssueCode,
  DifyImportOptions,
  DifyImportResult,
  DifyImportWarning,
  DifyImportWarningCode,
  ExportableWorkflow,
  ImportedDifyWorkflow,
} from './dify/dify-dsl.types';
