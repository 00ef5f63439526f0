// The loop container (Dify's `loop`), its `loop-start` and `loop-end` nodes: runs the nodes inside it
// round after round, up to `loop_count`, until the break conditions hold after a round or a `loop-end`
// node runs. Loop variables live under the loop's id (`[loop_id, label]`); assigner nodes inside write them.
import { z } from 'zod';
import type { LocalIssue } from '../zod-issues';
import { conditionSchema, logicalOperator, normalizeCondition, type IfElseCondition } from './if-else.node';
import {
  baseDataShape,
  normalizeData,
  uniqueNames,
  variableNameSchema,
  type BaseNodeData,
  type NodeDefinition,
  type NodeReference,
} from './node-definition';

/** Dify's LoopVariableData.var_type values. */
export const LOOP_VARIABLE_TYPES = [
  'string',
  'number',
  'object',
  'boolean',
  'array[string]',
  'array[number]',
  'array[object]',
  'array[boolean]',
] as const;
export type LoopVariableType = (typeof LOOP_VARIABLE_TYPES)[number];

export interface LoopVariable {
  label: string;
  var_type: LoopVariableType;
  /** 'constant': `value` is the initial value; 'variable': `value` is a selector read when the loop starts. */
  value_type: 'constant' | 'variable';
  value: unknown;
}

export interface LoopNodeData extends BaseNodeData {
  type: 'loop';
  start_node_id: string;
  /** The most rounds the loop runs. */
  loop_count: number;
  /** Checked before the first round and after each one; the loop ends when they hold. */
  break_conditions: IfElseCondition[];
  logical_operator: 'and' | 'or';
  loop_variables: LoopVariable[];
}

export interface LoopStartNodeData extends BaseNodeData {
  type: 'loop-start';
}

export interface LoopEndNodeData extends BaseNodeData {
  type: 'loop-end';
}

/** Besides its loop variables, a loop outputs `loop_round`: the number of rounds run (as Dify). */
export const LOOP_ROUND_OUTPUT = 'loop_round';

const variableSchema = z.looseObject({
  label: variableNameSchema,
  var_type: z.enum(LOOP_VARIABLE_TYPES),
  value_type: z.enum(['constant', 'variable']),
  value: z.unknown().optional(),
});

const schema = z.looseObject({
  ...baseDataShape,
  type: z.literal('loop'),
  start_node_id: z.string().min(1),
  loop_count: z.number().int().min(1),
  break_conditions: z.array(conditionSchema).nullish(),
  logical_operator: logicalOperator.nullish(),
  loop_variables: z.array(variableSchema).nullish(),
});
type Parsed = z.infer<typeof schema>;

function isSelector(value: unknown): value is string[] {
  return Array.isArray(value) && value.length >= 2 && value.every((s) => typeof s === 'string' && s !== '');
}

function check(parsed: Parsed): LocalIssue[] {
  const vars = parsed.loop_variables ?? [];
  const issues = uniqueNames(
    vars.map((v) => v.label),
    'loop_variables',
    'label',
  );
  vars.forEach((v, i) => {
    if (v.label === LOOP_ROUND_OUTPUT)
      issues.push({
        path: ['loop_variables', i, 'label'],
        code: 'invalid_value',
        detail: `'${LOOP_ROUND_OUTPUT}' is the loop's own output`,
      });
    if (v.value_type === 'variable' && !isSelector(v.value))
      issues.push({
        path: ['loop_variables', i, 'value'],
        code: 'invalid_value',
        detail: 'must be a variable selector ([node_id, field, ...]) when value_type is variable',
      });
  });
  return issues;
}

function references(parsed: Parsed): NodeReference[] {
  const refs: NodeReference[] = [];
  (parsed.loop_variables ?? []).forEach((v, i) => {
    if (v.value_type === 'variable' && isSelector(v.value)) refs.push({ path: ['loop_variables', i, 'value'], selector: v.value });
  });
  // break_conditions read the loop's own variables and inner nodes; the graph validator checks them with the container.
  return refs;
}

export const loopNodeDefinition: NodeDefinition<LoopNodeData, Parsed> = {
  type: 'loop',
  schema,
  normalize: (parsed, nodeId) =>
    normalizeData(parsed, 'loop', nodeId, {
      start_node_id: parsed.start_node_id,
      loop_count: parsed.loop_count,
      break_conditions: (parsed.break_conditions ?? []).map(normalizeCondition),
      logical_operator: parsed.logical_operator ?? 'and',
      loop_variables: (parsed.loop_variables ?? []).map((v) => ({
        label: v.label,
        var_type: v.var_type,
        value_type: v.value_type,
        value: v.value ?? null,
      })),
    }),
  check,
  references,
  outputFields: (parsed) => [...(parsed.loop_variables ?? []).map((v) => v.label), LOOP_ROUND_OUTPUT],
};

const startSchema = z.looseObject({ ...baseDataShape, type: z.literal('loop-start') });
const endSchema = z.looseObject({ ...baseDataShape, type: z.literal('loop-end') });

export const loopStartNodeDefinition: NodeDefinition<LoopStartNodeData, z.infer<typeof startSchema>> = {
  type: 'loop-start',
  schema: startSchema,
  normalize: (parsed, nodeId) => normalizeData(parsed, 'loop-start', nodeId, {}),
  references: () => [],
  outputFields: () => [],
};

export const loopEndNodeDefinition: NodeDefinition<LoopEndNodeData, z.infer<typeof endSchema>> = {
  type: 'loop-end',
  schema: endSchema,
  normalize: (parsed, nodeId) => normalizeData(parsed, 'loop-end', nodeId, {}),
  references: () => [],
  outputFields: () => [],
};
