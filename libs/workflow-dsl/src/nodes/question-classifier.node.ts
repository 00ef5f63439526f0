// The question-classifier node (Dify's): asks a model which of the node's classes a query belongs to
// and leaves by that class's handle (the class id).
import { z } from 'zod';
import type { LocalIssue } from '../zod-issues';
import { parseVariableReferences } from '../variable-reference';
import {
  baseDataShape,
  normalizeData,
  selectorSchema,
  type BaseNodeData,
  type NodeDefinition,
  type NodeReference,
} from './node-definition';
import {
  llmMemorySchema,
  llmModelSchema,
  llmVisionReferences,
  llmVisionSchema,
  normalizeLlmModel,
  type LlmModelConfig,
} from './llm-model.schema';

export interface QuestionClass {
  id: string;
  /** Shown to the model; may hold `{{#node.field#}}` references. */
  name: string;
  /** graphon's user-facing branch label (`class_label`); '' when none. */
  label: string;
}

export interface QuestionClassifierNodeData extends BaseNodeData {
  type: 'question-classifier';
  model: LlmModelConfig;
  query_variable_selector: string[];
  classes: QuestionClass[];
  instruction: string;
  memory?: unknown;
  vision?: unknown;
}

/** What a question-classifier writes to the variable pool. */
export const QUESTION_CLASSIFIER_OUTPUT_FIELDS = ['class_name', 'class_id', 'class_label', 'usage'] as const;

export const MAX_QUESTION_CLASSES = 100;
const MAX_CLASS_ID_CHARS = 200;

const schema = z.looseObject({
  ...baseDataShape,
  type: z.literal('question-classifier'),
  model: llmModelSchema,
  query_variable_selector: selectorSchema,
  classes: z
    .array(
      z.looseObject({
        id: z.string().min(1).max(MAX_CLASS_ID_CHARS),
        name: z.string().max(10_000).nullish(),
        label: z.string().max(1_000).nullish(),
      }),
    )
    .min(1, 'must hold at least one class')
    .max(MAX_QUESTION_CLASSES, `must hold at most ${MAX_QUESTION_CLASSES} classes`),
  instruction: z.string().max(100_000).nullish(),
  // Dify's older exports carry `instructions` and `topics`; `instruction` is the field it reads
  memory: llmMemorySchema,
  vision: llmVisionSchema,
});
type Parsed = z.infer<typeof schema>;

function check(parsed: Parsed): LocalIssue[] {
  const issues: LocalIssue[] = [];
  const seen = new Map<string, number>();
  parsed.classes.forEach((c, i) => {
    const first = seen.get(c.id);
    if (first === undefined) seen.set(c.id, i);
    else
      issues.push({ path: ['classes', i, 'id'], code: 'duplicate_variable', detail: `'${c.id}' is already the id of classes[${first}]` });
    if (c.id === 'fail-branch' && parsed.error_strategy === 'fail-branch')
      issues.push({
        path: ['classes', i, 'id'],
        code: 'invalid_value',
        detail: "'fail-branch' is the failure handle; choose another class id",
      });
  });
  return issues;
}

function references(parsed: Parsed): NodeReference[] {
  const refs: NodeReference[] = [{ path: ['query_variable_selector'], selector: parsed.query_variable_selector }];
  if (parsed.instruction)
    for (const ref of parseVariableReferences(parsed.instruction))
      refs.push({ path: ['instruction'], selector: ref.selector, raw: ref.raw });
  parsed.classes.forEach((c, i) => {
    for (const ref of parseVariableReferences(c.name ?? ''))
      refs.push({ path: ['classes', i, 'name'], selector: ref.selector, raw: ref.raw });
  });
  refs.push(...llmVisionReferences(parsed));
  return refs;
}

export const questionClassifierNodeDefinition: NodeDefinition<QuestionClassifierNodeData, Parsed> = {
  type: 'question-classifier',
  schema,
  normalize: (parsed, nodeId) =>
    normalizeData(parsed, 'question-classifier', nodeId, {
      model: normalizeLlmModel(parsed.model),
      query_variable_selector: parsed.query_variable_selector,
      classes: parsed.classes.map((c) => ({ id: c.id, name: c.name ?? '', label: c.label ?? '' })),
      instruction: parsed.instruction ?? '',
    }),
  check,
  references,
  outputFields: () => QUESTION_CLASSIFIER_OUTPUT_FIELDS,
  // Dify routes by the chosen class's id (edge_source_handle = category_id)
  sourceHandles: (parsed) => parsed.classes.map((c) => c.id),
};
