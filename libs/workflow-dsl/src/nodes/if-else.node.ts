// The if-else node: picks the first case whose conditions hold; its edges leave by case_id, or 'false'.
import { z } from 'zod';
import type { LocalIssue } from '../zod-issues';
import { parseVariableReferences } from '../variable-reference';
import { baseDataShape, normalizeData, type BaseNodeData, type NodeDefinition, type NodeReference } from './node-definition';

/** Dify's SupportedComparisonOperator, every one of them. */
export const COMPARISON_OPERATORS = [
  'contains',
  'not contains',
  'start with',
  'end with',
  'is',
  'is not',
  'empty',
  'not empty',
  'in',
  'not in',
  'all of',
  '=',
  '≠',
  '>',
  '<',
  '≥',
  '≤',
  'null',
  'not null',
  'exists',
  'not exists',
] as const;
export type ComparisonOperator = (typeof COMPARISON_OPERATORS)[number];

export interface IfElseCondition {
  variable_selector: string[];
  comparison_operator: ComparisonOperator;
  /** A template string (`{{#node.field#}}` allowed), a list for in / not in / all of, a boolean, or absent. */
  value?: string | string[] | boolean | null;
}

export interface IfElseCase {
  case_id: string;
  logical_operator: 'and' | 'or';
  conditions: IfElseCondition[];
}

export interface IfElseNodeData extends BaseNodeData {
  type: 'if-else';
  /** Always present after normalizing; the legacy `conditions` shape becomes one case with id 'true'. */
  cases: IfElseCase[];
  /** True when the data used Dify's legacy single-condition shape (handles 'true' / 'false'). */
  legacy: boolean;
}

export const IF_ELSE_OUTPUT_FIELDS = ['result', 'selected_case_id'] as const;
/** The handle taken when no case matches. */
export const IF_ELSE_DEFAULT_HANDLE = 'false';

export const conditionSchema = z.looseObject({
  variable_selector: z.array(z.string().min(1)).min(2),
  comparison_operator: z.enum(COMPARISON_OPERATORS),
  value: z.union([z.string(), z.array(z.string()), z.boolean()]).nullish(),
});
export const logicalOperator = z.enum(['and', 'or']);
const caseSchema = z.looseObject({
  case_id: z.string().min(1),
  logical_operator: logicalOperator.nullish(),
  conditions: z.array(conditionSchema).nullish(),
});

const schema = z.looseObject({
  ...baseDataShape,
  type: z.literal('if-else'),
  cases: z.array(caseSchema).nullish(),
  logical_operator: logicalOperator.nullish(),
  conditions: z.array(conditionSchema).nullish(),
});
type ParsedIfElse = z.infer<typeof schema>;
export type ParsedCondition = z.infer<typeof conditionSchema>;

export function normalizeCondition(c: ParsedCondition): IfElseCondition {
  const out: IfElseCondition = { variable_selector: c.variable_selector, comparison_operator: c.comparison_operator };
  if (c.value !== undefined && c.value !== null) out.value = c.value;
  return out;
}

/** Cases with their paths, in Dify's order: `cases` when present, else the legacy conditions as case 'true'. */
function casesOf(parsed: ParsedIfElse): Array<{ path: Array<string | number>; c: IfElseCase }> {
  if (parsed.cases) {
    return parsed.cases.map((c, i) => ({
      path: ['cases', i],
      c: { case_id: c.case_id, logical_operator: c.logical_operator ?? 'and', conditions: (c.conditions ?? []).map(normalizeCondition) },
    }));
  }
  return [
    {
      path: [],
      c: {
        case_id: 'true',
        logical_operator: parsed.logical_operator ?? 'and',
        conditions: (parsed.conditions ?? []).map(normalizeCondition),
      },
    },
  ];
}

function check(parsed: ParsedIfElse): LocalIssue[] {
  const issues: LocalIssue[] = [];
  const seen = new Map<string, number>();
  (parsed.cases ?? []).forEach((c, i) => {
    const first = seen.get(c.case_id);
    if (c.case_id === IF_ELSE_DEFAULT_HANDLE)
      issues.push({
        path: ['cases', i, 'case_id'],
        code: 'invalid_value',
        detail: `must not be '${IF_ELSE_DEFAULT_HANDLE}', the handle of the else branch`,
      });
    else if (first !== undefined)
      issues.push({
        path: ['cases', i, 'case_id'],
        code: 'duplicate_variable',
        detail: `'${c.case_id}' is already used by cases[${first}]`,
      });
    else seen.set(c.case_id, i);
  });
  return issues;
}

function references(parsed: ParsedIfElse): NodeReference[] {
  const refs: NodeReference[] = [];
  for (const { path, c } of casesOf(parsed)) {
    c.conditions.forEach((cond, i) => {
      const at = [...path, 'conditions', i];
      refs.push({ path: [...at, 'variable_selector'], selector: cond.variable_selector });
      if (typeof cond.value === 'string')
        for (const ref of parseVariableReferences(cond.value)) refs.push({ path: [...at, 'value'], selector: ref.selector, raw: ref.raw });
    });
  }
  return refs;
}

export const ifElseNodeDefinition: NodeDefinition<IfElseNodeData, ParsedIfElse> = {
  type: 'if-else',
  schema,
  normalize: (parsed, nodeId) => {
    const data = normalizeData(parsed, 'if-else', nodeId, { cases: casesOf(parsed).map((x) => x.c), legacy: !parsed.cases });
    // The legacy fields are folded into `cases`; keeping both would leave two sources of truth.
    delete (data as { conditions?: unknown }).conditions;
    delete (data as { logical_operator?: unknown }).logical_operator;
    return data;
  },
  check,
  references,
  outputFields: () => IF_ELSE_OUTPUT_FIELDS,
  sourceHandles: (parsed) => [...casesOf(parsed).map((x) => x.c.case_id), IF_ELSE_DEFAULT_HANDLE],
};
