// The start node: declares the run's input form.
import { z } from 'zod';
import type { LocalIssue } from '../zod-issues';
import { baseDataShape, normalizeData, variableNameSchema, type BaseNodeData, type NodeDefinition } from './node-definition';

/** Dify's input form types: `checkbox` is a boolean, `json_object` a mapping, `file` / `file-list` Dify file objects (remote URLs). */
export const START_VARIABLE_TYPES = [
  'text-input',
  'paragraph',
  'select',
  'number',
  'checkbox',
  'json_object',
  'file',
  'file-list',
] as const;
export type StartVariableType = (typeof START_VARIABLE_TYPES)[number];

export interface StartVariable {
  variable: string;
  /** Defaults to `variable`. */
  label: string;
  type: StartVariableType;
  required: boolean;
  /** Characters (code points) for text types; absent means no limit. */
  max_length?: number;
  /** Only for `select`. */
  options?: string[];
  default?: string | number | boolean | Record<string, unknown>;
  /** Files: Dify's allowed kinds (`image`, `document`, `audio`, `video`, `custom`), extensions (`.pdf`) and transfer methods. */
  allowed_file_types?: string[];
  allowed_file_extensions?: string[];
  allowed_file_upload_methods?: string[];
}

export interface StartNodeData extends BaseNodeData {
  type: 'start';
  variables: StartVariable[];
}

const variableSchema = z.looseObject({
  variable: variableNameSchema,
  label: z.string().nullish(),
  type: z.enum(START_VARIABLE_TYPES),
  required: z.boolean().nullish(),
  max_length: z.number().int().nonnegative().nullish(),
  options: z.array(z.string()).nullish(),
  default: z.union([z.string(), z.number(), z.boolean(), z.record(z.string(), z.unknown())]).nullish(),
  allowed_file_types: z.array(z.string().max(32)).max(16).nullish(),
  allowed_file_extensions: z.array(z.string().max(32)).max(256).nullish(),
  allowed_file_upload_methods: z.array(z.string().max(32)).max(8).nullish(),
});

const schema = z.looseObject({
  ...baseDataShape,
  type: z.literal('start'),
  variables: z.array(variableSchema).nullish(),
});
type ParsedStart = z.infer<typeof schema>;
type ParsedVariable = z.infer<typeof variableSchema>;

function normalizeVariable(v: ParsedVariable): StartVariable {
  const out: StartVariable = { variable: v.variable, label: v.label || v.variable, type: v.type, required: v.required ?? false };
  // Dify writes max_length 0 or null for "no limit" and '' for "no default".
  if (v.max_length) out.max_length = v.max_length;
  if (v.type === 'select') out.options = v.options ?? [];
  if (v.default != null && v.default !== '') out.default = v.default;
  if (v.type === 'file' || v.type === 'file-list') {
    if (v.allowed_file_types?.length) out.allowed_file_types = v.allowed_file_types;
    if (v.allowed_file_extensions?.length) out.allowed_file_extensions = v.allowed_file_extensions;
    if (v.allowed_file_upload_methods?.length) out.allowed_file_upload_methods = v.allowed_file_upload_methods;
  }
  return out;
}

function check(parsed: ParsedStart): LocalIssue[] {
  const issues: LocalIssue[] = [];
  const seen = new Map<string, number>();
  (parsed.variables ?? []).forEach((v, i) => {
    const path = ['variables', i];
    const first = seen.get(v.variable);
    if (first !== undefined)
      issues.push({
        path: [...path, 'variable'],
        code: 'duplicate_variable',
        detail: `'${v.variable}' is already declared by variables[${first}]`,
      });
    else seen.set(v.variable, i);
    if (v.type === 'select' && !v.options?.length)
      issues.push({ path: [...path, 'options'], code: 'required', detail: 'must list at least one option for a select variable' });
    const dflt = v.default;
    if (dflt == null || dflt === '') return;
    if (v.type === 'file' || v.type === 'file-list') {
      issues.push({ path: [...path, 'default'], code: 'unsupported', detail: 'a file variable cannot have a default' });
      return;
    }
    const expected = v.type === 'number' ? 'number' : v.type === 'checkbox' ? 'boolean' : v.type === 'json_object' ? 'object' : 'string';
    const got = typeof dflt === 'object' ? 'object' : typeof dflt;
    if (got !== expected)
      issues.push({
        path: [...path, 'default'],
        code: 'invalid_type',
        detail: `must be a${expected === 'object' ? 'n' : ''} ${expected} for a ${v.type} variable (got ${got} ${JSON.stringify(dflt)})`,
      });
    if (v.type === 'select' && v.options?.length && !v.options.includes(String(dflt))) {
      issues.push({ path: [...path, 'default'], code: 'invalid_value', detail: `must be one of the options (got '${String(dflt)}')` });
    }
  });
  return issues;
}

export const startNodeDefinition: NodeDefinition<StartNodeData, ParsedStart> = {
  type: 'start',
  schema,
  normalize: (parsed, nodeId) => normalizeData(parsed, 'start', nodeId, { variables: (parsed.variables ?? []).map(normalizeVariable) }),
  check,
  references: () => [],
  outputFields: (parsed) => (parsed.variables ?? []).map((v) => v.variable),
};
