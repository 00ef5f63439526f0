// The assigner node (Dify's variable assigner, v1 and v2): writes conversation variables.
import { z } from 'zod';
import type { LocalIssue } from '../zod-issues';
import {
  baseDataShape,
  normalizeData,
  selectorSchema,
  type BaseNodeData,
  type NodeDefinition,
  type NodeReference,
} from './node-definition';

export const ASSIGNER_OPERATIONS = [
  'over-write',
  'clear',
  'append',
  'extend',
  'set',
  '+=',
  '-=',
  '*=',
  '/=',
  'remove-first',
  'remove-last',
] as const;
export type AssignerOperation = (typeof ASSIGNER_OPERATIONS)[number];

export interface AssignerItem {
  /** `['conversation', name]` */
  variable_selector: string[];
  input_type: 'variable' | 'constant';
  operation: AssignerOperation;
  /** A selector when input_type is 'variable'; the literal value when 'constant'; unused for clear/remove-*. */
  value: unknown;
}

export interface AssignerNodeData extends BaseNodeData {
  type: 'assigner';
  /** '1' (Dify's write_mode shape) or '2' (items); v1 data is normalized into `items`. */
  version: string;
  items: AssignerItem[];
}

const V1_WRITE_MODES = ['over-write', 'append', 'clear'] as const;
const NO_VALUE: ReadonlySet<AssignerOperation> = new Set(['clear', 'remove-first', 'remove-last']);

const itemSchema = z.looseObject({
  variable_selector: selectorSchema,
  input_type: z.enum(['variable', 'constant']).nullish(),
  operation: z.enum(ASSIGNER_OPERATIONS),
  value: z.unknown().optional(),
});

const schema = z.looseObject({
  ...baseDataShape,
  type: z.literal('assigner'),
  version: z.string().nullish(),
  items: z.array(itemSchema).nullish(),
  assigned_variable_selector: selectorSchema.nullish(),
  write_mode: z.enum(V1_WRITE_MODES).nullish(),
  input_variable_selector: z.array(z.string()).nullish(),
});
type Parsed = z.infer<typeof schema>;

function itemsOf(parsed: Parsed): Array<{ path: Array<string | number>; item: AssignerItem }> {
  if (parsed.version !== '2' && parsed.assigned_variable_selector) {
    const operation = parsed.write_mode ?? 'over-write';
    const value = NO_VALUE.has(operation) ? null : (parsed.input_variable_selector ?? []);
    return [{ path: [], item: { variable_selector: parsed.assigned_variable_selector, input_type: 'variable', operation, value } }];
  }
  return (parsed.items ?? []).map((it, i) => ({
    path: ['items', i],
    item: {
      variable_selector: it.variable_selector,
      input_type: it.input_type ?? 'variable',
      operation: it.operation,
      value: it.value ?? null,
    },
  }));
}

function isSelector(value: unknown): value is string[] {
  return Array.isArray(value) && value.length >= 2 && value.every((s) => typeof s === 'string' && s !== '');
}

function check(parsed: Parsed): LocalIssue[] {
  const issues: LocalIssue[] = [];
  if (parsed.version !== '2' && !parsed.assigned_variable_selector && !parsed.items)
    issues.push({ path: ['items'], code: 'required', detail: 'is required (or the v1 assigned_variable_selector)' });
  for (const { path, item } of itemsOf(parsed)) {
    const target = path.length ? [...path, 'variable_selector'] : ['assigned_variable_selector'];
    // Inside a loop it may also name a loop variable ([loop_id, name]); the graph validator checks which loop.
    const [namespace] = item.variable_selector;
    if (namespace !== 'conversation' && (item.variable_selector.length !== 2 || namespace === 'sys' || namespace === 'env'))
      issues.push({
        path: target,
        code: 'invalid_value',
        detail: `must name a conversation variable (['conversation', name]) or, inside a loop, a loop variable ([loop_id, name]), got ${JSON.stringify(item.variable_selector)}`,
      });
    if (item.input_type === 'variable' && !NO_VALUE.has(item.operation) && !isSelector(item.value)) {
      issues.push({
        path: path.length ? [...path, 'value'] : ['input_variable_selector'],
        code: 'invalid_value',
        detail: 'must be a variable selector ([node_id, field, ...]) when input_type is variable',
      });
    }
  }
  return issues;
}

function references(parsed: Parsed): NodeReference[] {
  const refs: NodeReference[] = [];
  for (const { path, item } of itemsOf(parsed)) {
    refs.push({ path: path.length ? [...path, 'variable_selector'] : ['assigned_variable_selector'], selector: item.variable_selector });
    if (item.input_type === 'variable' && isSelector(item.value))
      refs.push({ path: path.length ? [...path, 'value'] : ['input_variable_selector'], selector: item.value });
  }
  return refs;
}

export const assignerNodeDefinition: NodeDefinition<AssignerNodeData, Parsed> = {
  type: 'assigner',
  schema,
  normalize: (parsed, nodeId) =>
    normalizeData(parsed, 'assigner', nodeId, { version: parsed.version === '2' ? '2' : '1', items: itemsOf(parsed).map((x) => x.item) }),
  check,
  references,
  outputFields: () => [],
};
