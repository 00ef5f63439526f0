// The parameter-extractor node (Dify's): asks a model to fill the node's typed parameters from a
// query, by function calling or by a JSON prompt.
import { z } from 'zod';
import type { LocalIssue } from '../zod-issues';
import { parseVariableReferences } from '../variable-reference';
import {
  baseDataShape,
  normalizeData,
  selectorSchema,
  uniqueNames,
  variableNameSchema,
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

/** The types Dify's parameter extractor takes (its _VALID_PARAMETER_TYPES); `bool` and `select` are its legacy names. */
export const EXTRACTOR_PARAMETER_TYPES = [
  'string',
  'number',
  'boolean',
  'bool',
  'select',
  'array[string]',
  'array[number]',
  'array[object]',
  'array[boolean]',
] as const;

/** The type a parameter's value has once read: `bool` is `boolean`, `select` is `string`. */
export type ExtractorParameterType =
  'string' | 'number' | 'boolean' | 'array[string]' | 'array[number]' | 'array[object]' | 'array[boolean]';

export interface ExtractorParameter {
  name: string;
  type: ExtractorParameterType;
  description: string;
  required: boolean;
  /** The allowed values of a `select` (or any string) parameter; empty when free. */
  options: string[];
}

export type ExtractorReasoningMode = 'function_call' | 'prompt';

export interface ParameterExtractorNodeData extends BaseNodeData {
  type: 'parameter-extractor';
  model: LlmModelConfig;
  /** The selector of the text to extract from (Dify's `query`). */
  query: string[];
  parameters: ExtractorParameter[];
  instruction: string;
  reasoning_mode: ExtractorReasoningMode;
  memory?: unknown;
  vision?: unknown;
}

/** Outputs written beside the parameters. */
export const EXTRACTOR_STATUS_FIELDS = ['__is_success', '__reason', '__usage'] as const;
const RESERVED_PARAMETER_NAMES = new Set(['__reason', '__is_success', '__usage']);
export const MAX_EXTRACTOR_PARAMETERS = 100;

const schema = z.looseObject({
  ...baseDataShape,
  type: z.literal('parameter-extractor'),
  model: llmModelSchema,
  query: selectorSchema,
  parameters: z
    .array(
      z.looseObject({
        name: variableNameSchema,
        type: z.enum(EXTRACTOR_PARAMETER_TYPES, {
          error: (issue) => `'${String(issue.input)}' is not a parameter type; use one of ${EXTRACTOR_PARAMETER_TYPES.join(', ')}`,
        }),
        description: z.string().max(10_000).nullish(),
        required: z.boolean().nullish(),
        options: z.array(z.string().max(1_000)).max(1_000).nullish(),
      }),
    )
    .min(1, 'must hold at least one parameter')
    .max(MAX_EXTRACTOR_PARAMETERS, `must hold at most ${MAX_EXTRACTOR_PARAMETERS} parameters`),
  instruction: z.string().max(100_000).nullish(),
  reasoning_mode: z.enum(['function_call', 'prompt']).nullish(),
  memory: llmMemorySchema,
  vision: llmVisionSchema,
});
type Parsed = z.infer<typeof schema>;

function check(parsed: Parsed): LocalIssue[] {
  const issues = uniqueNames(
    parsed.parameters.map((p) => p.name),
    'parameters',
    'name',
  );
  parsed.parameters.forEach((p, i) => {
    if (RESERVED_PARAMETER_NAMES.has(p.name))
      issues.push({
        path: ['parameters', i, 'name'],
        code: 'invalid_value',
        detail: `'${p.name}' is reserved for the node's status outputs`,
      });
    if (p.type === 'select' && !p.options?.length)
      issues.push({ path: ['parameters', i, 'options'], code: 'required', detail: "must list the values a 'select' parameter takes" });
  });
  return issues;
}

function references(parsed: Parsed): NodeReference[] {
  const refs: NodeReference[] = [{ path: ['query'], selector: parsed.query }];
  if (parsed.instruction)
    for (const ref of parseVariableReferences(parsed.instruction))
      refs.push({ path: ['instruction'], selector: ref.selector, raw: ref.raw });
  refs.push(...llmVisionReferences(parsed));
  return refs;
}

function normalizeType(type: Parsed['parameters'][number]['type']): ExtractorParameterType {
  return type === 'bool' ? 'boolean' : type === 'select' ? 'string' : type;
}

export const parameterExtractorNodeDefinition: NodeDefinition<ParameterExtractorNodeData, Parsed> = {
  type: 'parameter-extractor',
  schema,
  normalize: (parsed, nodeId) =>
    normalizeData(parsed, 'parameter-extractor', nodeId, {
      model: normalizeLlmModel(parsed.model),
      query: parsed.query,
      parameters: parsed.parameters.map((p) => ({
        name: p.name,
        type: normalizeType(p.type),
        description: p.description ?? '',
        required: p.required ?? false,
        options: p.options ?? [],
      })),
      instruction: parsed.instruction ?? '',
      // Dify reads a missing reasoning_mode as function_call
      reasoning_mode: parsed.reasoning_mode ?? 'function_call',
    }),
  check,
  references,
  outputFields: (parsed) => [...parsed.parameters.map((p) => p.name), ...EXTRACTOR_STATUS_FIELDS],
};
