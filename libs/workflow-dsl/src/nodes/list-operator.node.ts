// The list-operator node: filters, picks the n-th item, sorts and limits an array variable.
import { z } from 'zod';
import { parseVariableReferences } from '../variable-reference';
import {
  baseDataShape,
  normalizeData,
  selectorSchema,
  type BaseNodeData,
  type NodeDefinition,
  type NodeReference,
} from './node-definition';

/** Dify's list-operator FilterOperator. */
export const LIST_FILTER_OPERATORS = [
  'contains',
  'start with',
  'end with',
  'is',
  'in',
  'empty',
  'not contains',
  'is not',
  'not in',
  'not empty',
  '=',
  '≠',
  '<',
  '>',
  '≥',
  '≤',
] as const;
export type ListFilterOperator = (typeof LIST_FILTER_OPERATORS)[number];

export interface ListFilterCondition {
  key: string;
  comparison_operator: ListFilterOperator;
  /** A template string, a list (in / not in) or a boolean (boolean arrays). */
  value: string | string[] | boolean;
}

export interface ListOperatorNodeData extends BaseNodeData {
  type: 'list-operator';
  variable: string[];
  filter_by: { enabled: boolean; conditions: ListFilterCondition[] };
  order_by: { enabled: boolean; key: string; value: 'asc' | 'desc' };
  limit: { enabled: boolean; size: number };
  /** 1-based position, a template string. */
  extract_by: { enabled: boolean; serial: string };
}

export const LIST_OPERATOR_OUTPUT_FIELDS = ['result', 'first_record', 'last_record'] as const;

const schema = z.looseObject({
  ...baseDataShape,
  type: z.literal('list-operator'),
  variable: selectorSchema,
  filter_by: z
    .looseObject({
      enabled: z.boolean().nullish(),
      conditions: z
        .array(
          z.looseObject({
            key: z.string().nullish(),
            comparison_operator: z.enum(LIST_FILTER_OPERATORS).nullish(),
            value: z.union([z.string(), z.array(z.string()), z.boolean()]).nullish(),
          }),
        )
        .nullish(),
    })
    .nullish(),
  order_by: z
    .looseObject({ enabled: z.boolean().nullish(), key: z.string().nullish(), value: z.enum(['asc', 'desc']).nullish() })
    .nullish(),
  limit: z.looseObject({ enabled: z.boolean().nullish(), size: z.number().int().nullish() }).nullish(),
  extract_by: z.looseObject({ enabled: z.boolean().nullish(), serial: z.union([z.string(), z.number().int()]).nullish() }).nullish(),
});
type Parsed = z.infer<typeof schema>;

function references(parsed: Parsed): NodeReference[] {
  const refs: NodeReference[] = [{ path: ['variable'], selector: parsed.variable }];
  (parsed.filter_by?.conditions ?? []).forEach((c, i) => {
    if (typeof c.value === 'string')
      for (const ref of parseVariableReferences(c.value))
        refs.push({ path: ['filter_by', 'conditions', i, 'value'], selector: ref.selector, raw: ref.raw });
  });
  const serial = parsed.extract_by?.serial;
  if (typeof serial === 'string')
    for (const ref of parseVariableReferences(serial)) refs.push({ path: ['extract_by', 'serial'], selector: ref.selector, raw: ref.raw });
  return refs;
}

export const listOperatorNodeDefinition: NodeDefinition<ListOperatorNodeData, Parsed> = {
  type: 'list-operator',
  schema,
  normalize: (parsed, nodeId) =>
    normalizeData(parsed, 'list-operator', nodeId, {
      variable: parsed.variable,
      filter_by: {
        enabled: parsed.filter_by?.enabled ?? false,
        conditions: (parsed.filter_by?.conditions ?? []).map((c) => ({
          key: c.key ?? '',
          comparison_operator: c.comparison_operator ?? 'contains',
          value: c.value ?? '',
        })),
      },
      order_by: { enabled: parsed.order_by?.enabled ?? false, key: parsed.order_by?.key ?? '', value: parsed.order_by?.value ?? 'asc' },
      limit: { enabled: parsed.limit?.enabled ?? false, size: parsed.limit?.size ?? -1 },
      extract_by: { enabled: parsed.extract_by?.enabled ?? false, serial: String(parsed.extract_by?.serial ?? '1') },
    }),
  references,
  outputFields: () => LIST_OPERATOR_OUTPUT_FIELDS,
};
