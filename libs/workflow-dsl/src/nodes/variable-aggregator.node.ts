// The variable-aggregator node (and its legacy name, variable-assigner): the first of several
// selectors that has a value, typically one per branch; with groups, one such output per group.
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
  type NodeReference,
} from './node-definition';

export interface VariableAggregatorGroup {
  group_name: string;
  output_type: string;
  variables: string[][];
}

export interface VariableAggregatorNodeData extends BaseNodeData {
  type: 'variable-aggregator' | 'variable-assigner';
  output_type: string;
  variables: string[][];
  /** Present when groups are enabled: outputs are `{ [group_name]: { output } }`. */
  groups?: VariableAggregatorGroup[];
}

const groupSchema = z.looseObject({
  group_name: variableNameSchema,
  output_type: z.string().nullish(),
  variables: z.array(selectorSchema).nullish(),
});

function schemaFor<T extends 'variable-aggregator' | 'variable-assigner'>(type: T) {
  return z.looseObject({
    ...baseDataShape,
    type: z.literal(type),
    output_type: z.string().nullish(),
    variables: z.array(selectorSchema).nullish(),
    advanced_settings: z.looseObject({ group_enabled: z.boolean().nullish(), groups: z.array(groupSchema).nullish() }).nullish(),
  });
}
type Parsed = z.infer<ReturnType<typeof schemaFor>>;

type ParsedGroup = z.infer<typeof groupSchema>;

function groupsOf(parsed: Parsed): ParsedGroup[] | null {
  const settings = parsed.advanced_settings;
  return settings?.group_enabled ? (settings.groups ?? []) : null;
}

function check(parsed: Parsed): LocalIssue[] {
  const groups = groupsOf(parsed);
  return groups
    ? uniqueNames(
        groups.map((g) => g.group_name),
        ['advanced_settings', 'groups'],
        'group_name',
      )
    : [];
}

function references(parsed: Parsed): NodeReference[] {
  const groups = groupsOf(parsed);
  if (groups)
    return groups.flatMap((g, i) =>
      (g.variables ?? []).map((selector, j) => ({ path: ['advanced_settings', 'groups', i, 'variables', j], selector })),
    );
  return (parsed.variables ?? []).map((selector, i) => ({ path: ['variables', i], selector }));
}

function definitionFor<T extends 'variable-aggregator' | 'variable-assigner'>(
  type: T,
): NodeDefinition<VariableAggregatorNodeData & { type: T }, Parsed> {
  return {
    type,
    schema: schemaFor(type) as unknown as z.ZodType<Parsed>,
    normalize: (parsed, nodeId) => {
      const groups = groupsOf(parsed);
      const fields: Omit<VariableAggregatorNodeData, keyof BaseNodeData> = {
        output_type: parsed.output_type ?? 'any',
        variables: parsed.variables ?? [],
      };
      if (groups)
        fields.groups = groups.map((g) => ({
          group_name: g.group_name,
          output_type: g.output_type ?? 'any',
          variables: g.variables ?? [],
        }));
      return normalizeData(parsed, type, nodeId, fields);
    },
    check,
    references,
    outputFields: (parsed) => groupsOf(parsed)?.map((g) => g.group_name) ?? ['output'],
  };
}

export const variableAggregatorNodeDefinition = definitionFor('variable-aggregator');
/** Dify's earlier name for the aggregator (not the `assigner` node, which writes conversation variables). */
export const legacyVariableAssignerNodeDefinition = definitionFor('variable-assigner');
