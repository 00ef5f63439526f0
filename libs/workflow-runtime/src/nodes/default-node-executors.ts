// The executors for every node type the DSL defines.
import type { NodeExecutors } from '../node-executor';
import { endNodeExecutor } from './end.node';
import { ifElseNodeExecutor } from './if-else.node';
import { llmNodeExecutor } from './llm.node';
import { startNodeExecutor } from './start.node';

export const defaultNodeExecutors: NodeExecutors = {
  start: startNodeExecutor,
  llm: llmNodeExecutor,
  end: endNodeExecutor,
  'if-else': ifElseNodeExecutor,
};
