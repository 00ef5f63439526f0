// The code node (Dify's): `main` in JavaScript or Python receives the node's variables and returns its declared outputs.
import { z } from 'zod';
import type { LocalIssue } from '../zod-issues';
import type { PathSegment } from '../validation-issue';
import {
  baseDataShape,
  normalizeData,
  selectorSchema,
  uniqueNames,
  variableNameSchema,
  RESERVED_VARIABLE_NAMES,
  VARIABLE_NAME,
  type BaseNodeData,
  type NodeDefinition,
} from './node-definition';

export const CODE_LANGUAGES = ['javascript', 'python3'] as const;
export type CodeLanguage = (typeof CODE_LANGUAGES)[number];

/** The output types Dify's code node accepts (its _ALLOWED_OUTPUT_FROM_CODE). */
export const CODE_OUTPUT_TYPES = [
  'string',
  'number',
  'boolean',
  'object',
  'array[string]',
  'array[number]',
  'array[boolean]',
  'array[object]',
] as const;
export type CodeOutputType = (typeof CODE_OUTPUT_TYPES)[number];

export interface CodeOutput {
  type: CodeOutputType;
  /** The declared fields of an `object` or of each `array[object]` item; null: not checked field by field. */
  children: Record<string, CodeOutput> | null;
}

export interface CodeVariable {
  variable: string;
  /** `[nodeId, field, ...path]` */
  value_selector: string[];
}

export interface CodeNodeData extends BaseNodeData {
  type: 'code';
  code_language: CodeLanguage;
  code: string;
  variables: CodeVariable[];
  outputs: Record<string, CodeOutput>;
}

/** How deep `children` may nest: Dify checks values to CODE_MAX_DEPTH (5) levels, so deeper declarations could never match. */
export const MAX_CODE_OUTPUT_DEPTH = 5;
/** Bounds on what one node may declare: outputs per level and source size. */
export const MAX_CODE_OUTPUTS = 100;
export const MAX_CODE_CHARS = 100_000;

interface RawOutput {
  type?: unknown;
  children?: unknown;
}

const outputsSchema = z.record(z.string(), z.looseObject({ type: z.string(), children: z.unknown().optional() }));

const schema = z.looseObject({
  ...baseDataShape,
  type: z.literal('code'),
  code_language: z.enum(CODE_LANGUAGES),
  code: z.string().max(MAX_CODE_CHARS),
  variables: z.array(z.looseObject({ variable: variableNameSchema, value_selector: selectorSchema })).nullish(),
  outputs: outputsSchema,
});
type Parsed = z.infer<typeof schema>;

/** Checks output names, types and children level by level (zod's recursive records give poor paths). */
function checkOutputs(outputs: Readonly<Record<string, RawOutput>>, path: PathSegment[], depth: number, issues: LocalIssue[]): void {
  const names = Object.keys(outputs);
  if (names.length > MAX_CODE_OUTPUTS)
    issues.push({ path, code: 'too_big', detail: `must declare at most ${MAX_CODE_OUTPUTS} outputs (got ${names.length})` });
  for (const name of names.slice(0, MAX_CODE_OUTPUTS)) {
    const at = [...path, name];
    if (!VARIABLE_NAME.test(name) || RESERVED_VARIABLE_NAMES.has(name))
      issues.push({
        path: at,
        code: 'invalid_format',
        detail: `is not a valid output name (an identifier, not __proto__, constructor or prototype)`,
      });
    const out = outputs[name];
    if (!isOutputType(out.type)) {
      issues.push({
        path: [...at, 'type'],
        code: 'invalid_value',
        detail: `must be one of ${CODE_OUTPUT_TYPES.join(', ')} (got ${JSON.stringify(out.type)})`,
      });
      continue;
    }
    if (out.children === undefined || out.children === null) continue;
    if (out.type !== 'object' && out.type !== 'array[object]') {
      issues.push({ path: [...at, 'children'], code: 'invalid_value', detail: `is only allowed on object and array[object] outputs` });
      continue;
    }
    if (depth >= MAX_CODE_OUTPUT_DEPTH) {
      issues.push({ path: [...at, 'children'], code: 'too_big', detail: `nests deeper than ${MAX_CODE_OUTPUT_DEPTH} levels` });
      continue;
    }
    const children = outputsSchema.safeParse(out.children);
    if (!children.success) {
      issues.push({ path: [...at, 'children'], code: 'invalid_type', detail: 'must be an object of {type, children} outputs' });
      continue;
    }
    checkOutputs(children.data, [...at, 'children'], depth + 1, issues);
  }
}

function isOutputType(type: unknown): type is CodeOutputType {
  return typeof type === 'string' && (CODE_OUTPUT_TYPES as readonly string[]).includes(type);
}

function check(parsed: Parsed): LocalIssue[] {
  const issues = uniqueNames(
    (parsed.variables ?? []).map((v) => v.variable),
    'variables',
    'variable',
  );
  checkOutputs(parsed.outputs, ['outputs'], 1, issues);
  return issues;
}

/** Outputs as checked by `check` (it runs before normalize), children null where absent. */
function normalizeOutputs(outputs: Readonly<Record<string, RawOutput>>): Record<string, CodeOutput> {
  const out: Record<string, CodeOutput> = {};
  for (const [name, o] of Object.entries(outputs))
    out[name] = {
      type: o.type as CodeOutputType,
      children: o.children && typeof o.children === 'object' ? normalizeOutputs(o.children as Record<string, RawOutput>) : null,
    };
  return out;
}

export const codeNodeDefinition: NodeDefinition<CodeNodeData, Parsed> = {
  type: 'code',
  schema,
  normalize: (parsed, nodeId) =>
    normalizeData(parsed, 'code', nodeId, {
      code_language: parsed.code_language,
      code: parsed.code,
      variables: (parsed.variables ?? []).map((v) => ({ variable: v.variable, value_selector: v.value_selector })),
      outputs: normalizeOutputs(parsed.outputs),
    }),
  check,
  references: (parsed) =>
    (parsed.variables ?? []).map((v, i) => ({ path: ['variables', i, 'value_selector'], selector: v.value_selector })),
  outputFields: (parsed) => Object.keys(parsed.outputs),
};
