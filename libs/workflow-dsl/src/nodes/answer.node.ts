// The answer node: renders its template (`{{#node.field#}}` references) as the streamed answer.
import { z } from 'zod';
import { parseVariableReferences } from '../variable-reference';
import { baseDataShape, normalizeData, type BaseNodeData, type NodeDefinition } from './node-definition';

export interface AnswerNodeData extends BaseNodeData {
  type: 'answer';
  answer: string;
}

export const ANSWER_OUTPUT_FIELDS = ['answer', 'files'] as const;

const schema = z.looseObject({ ...baseDataShape, type: z.literal('answer'), answer: z.string() });
type Parsed = z.infer<typeof schema>;

export const answerNodeDefinition: NodeDefinition<AnswerNodeData, Parsed> = {
  type: 'answer',
  schema,
  normalize: (parsed, nodeId) => normalizeData(parsed, 'answer', nodeId, { answer: parsed.answer }),
  references: (parsed) => parseVariableReferences(parsed.answer).map((ref) => ({ path: ['answer'], selector: ref.selector, raw: ref.raw })),
  outputFields: () => ANSWER_OUTPUT_FIELDS,
};
