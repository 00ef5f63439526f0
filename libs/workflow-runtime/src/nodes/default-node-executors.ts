// The executors for every node type the DSL defines.
import type { NodeExecutors } from '../node-executor';
import { endNodeExecutor } from './end.node';
import { ifElseNodeExecutor } from './if-else.node';
import { templateTransformNodeExecutor } from './template-transform.node';
import { legacyVariableAssignerNodeExecutor, variableAggregatorNodeExecutor } from './variable-aggregator.node';
import { answerNodeExecutor } from './answer.node';
import { listOperatorNodeExecutor } from './list-operator.node';
import { assignerNodeExecutor } from './assigner.node';
import { llmNodeExecutor } from './llm.node';
import { startNodeExecutor } from './start.node';
import { containerPartExecutor } from './container-events';
import { iterationNodeExecutor } from './iteration.node';
import { loopNodeExecutor } from './loop.node';
import { httpRequestNodeExecutor } from './http-request.node';
import { codeNodeExecutor } from './code.node';
import { documentExtractorNodeExecutor } from './document-extractor.node';
import { toolNodeExecutor } from './tool.node';
import { questionClassifierNodeExecutor } from './question-classifier.node';
import { parameterExtractorNodeExecutor } from './parameter-extractor.node';

export const defaultNodeExecutors: NodeExecutors = {
  start: startNodeExecutor,
  llm: llmNodeExecutor,
  end: endNodeExecutor,
  'if-else': ifElseNodeExecutor,
  'template-transform': templateTransformNodeExecutor,
  'variable-aggregator': variableAggregatorNodeExecutor,
  'variable-assigner': legacyVariableAssignerNodeExecutor,
  answer: answerNodeExecutor,
  'list-operator': listOperatorNodeExecutor,
  assigner: assignerNodeExecutor,
  iteration: iterationNodeExecutor,
  'iteration-start': containerPartExecutor,
  loop: loopNodeExecutor,
  'loop-start': containerPartExecutor,
  'loop-end': containerPartExecutor,
  'http-request': httpRequestNodeExecutor,
  code: codeNodeExecutor,
  'document-extractor': documentExtractorNodeExecutor,
  tool: toolNodeExecutor,
  'question-classifier': questionClassifierNodeExecutor,
  'parameter-extractor': parameterExtractorNodeExecutor,
};
