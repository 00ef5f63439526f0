// The template-transform node: renders a Jinja2 template over named variables into `output`.
import { z } from 'zod';
import type { LocalIssue } from '../zod-issues';
import {
  baseDataShape,
  normalizeData,
  selectorSchema,
  uniqueNames,
  variableNameSchema,
  type BaseNodeData,
  type NodeDefinition,
} from './node-definition';

export interface TemplateVariable {
  variable: string;
  /** `[nodeId, field, ...path]` */
  value_selector: string[];
}

export interface TemplateTransformNodeData extends BaseNodeData {
  type: 'template-transform';
  variables: TemplateVariable[];
  /** Jinja2 source. */
  template: string;
}

export const TEMPLATE_TRANSFORM_OUTPUT_FIELDS = ['output'] as const;

const schema = z.looseObject({
  ...baseDataShape,
  type: z.literal('template-transform'),
  variables: z.array(z.looseObject({ variable: variableNameSchema, value_selector: selectorSchema })).nullish(),
  template: z.string(),
});
type Parsed = z.infer<typeof schema>;

function check(parsed: Parsed): LocalIssue[] {
  return uniqueNames(
    (parsed.variables ?? []).map((v) => v.variable),
    'variables',
    'variable',
  );
}

export const templateTransformNodeDefinition: NodeDefinition<TemplateTransformNodeData, Parsed> = {
  type: 'template-transform',
  schema,
  normalize: (parsed, nodeId) =>
    normalizeData(parsed, 'template-transform', nodeId, {
      variables: (parsed.variables ?? []).map((v) => ({ variable: v.variable, value_selector: v.value_selector })),
      template: parsed.template,
    }),
  check,
  references: (parsed) =>
    (parsed.variables ?? []).map((v, i) => ({ path: ['variables', i, 'value_selector'], selector: v.value_selector })),
  outputFields: () => TEMPLATE_TRANSFORM_OUTPUT_FIELDS,
};
