// The end node: picks the run's outputs from the variable pool.
import { z } from 'zod';
import type { LocalIssue } from '../zod-issues';
import { baseDataShape, normalizeData, variableNameSchema, type BaseNodeData, type NodeDefinition } from './node-definition';

export interface EndOutput {
  variable: string;
  /** `[nodeId, field, ...path]` */
  value_selector: string[];
}

export interface EndNodeData extends BaseNodeData {
  type: 'end';
  outputs: EndOutput[];
}

const outputSchema = z.looseObject({
  variable: variableNameSchema,
  value_selector: z.array(z.string().min(1)).min(2),
});

const schema = z.looseObject({
  ...baseDataShape,
  type: z.literal('end'),
  outputs: z.array(outputSchema).nullish(),
});
type ParsedEnd = z.infer<typeof schema>;

function check(parsed: ParsedEnd): LocalIssue[] {
  const issues: LocalIssue[] = [];
  const seen = new Map<string, number>();
  (parsed.outputs ?? []).forEach((o, i) => {
    const first = seen.get(o.variable);
    if (first === undefined) seen.set(o.variable, i);
    else
      issues.push({
        path: ['outputs', i, 'variable'],
        code: 'duplicate_variable',
        detail: `'${o.variable}' is already declared by outputs[${first}]`,
      });
  });
  return issues;
}

export const endNodeDefinition: NodeDefinition<EndNodeData, ParsedEnd> = {
  type: 'end',
  schema,
  normalize: (parsed, nodeId) =>
    normalizeData(parsed, 'end', nodeId, {
      outputs: (parsed.outputs ?? []).map((o) => ({ variable: o.variable, value_selector: o.value_selector })),
    }),
  check,
  references: (parsed) => (parsed.outputs ?? []).map((o, i) => ({ path: ['outputs', i, 'value_selector'], selector: o.value_selector })),
  outputFields: (parsed) => (parsed.outputs ?? []).map((o) => o.variable),
};
