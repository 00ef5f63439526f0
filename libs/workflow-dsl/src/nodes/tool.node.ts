// The tool node (Dify's ToolNodeData): one tool of a built-in provider or of a tenant's MCP server,
// called with parameters bound to the variable pool. Other provider types are refused here, naming them.
import { z } from 'zod';
import type { LocalIssue } from '../zod-issues';
import { parseVariableReferences } from '../variable-reference';
import {
  baseDataShape,
  normalizeData,
  selectorSchema,
  type BaseNodeData,
  type NodeDefinition,
  type NodeReference,
} from './node-definition';

/** Every provider type Dify exports; only the first two run in Shoal. */
export const DIFY_TOOL_PROVIDER_TYPES = ['builtin', 'mcp', 'api', 'workflow', 'plugin', 'app', 'dataset-retrieval'] as const;
export const TOOL_PROVIDER_TYPES = ['builtin', 'mcp'] as const;
export type ToolProviderType = (typeof TOOL_PROVIDER_TYPES)[number];

/**
 * How one parameter is bound (Dify's ToolInput): `variable`, a selector whose value is passed as it is;
 * `mixed` and `constant`, a template rendered to text (Dify renders both), cast by the tool's declared type.
 */
export type ToolInput = { type: 'variable'; value: string[] } | { type: 'mixed' | 'constant'; value: string };

export interface ToolNodeData extends BaseNodeData {
  type: 'tool';
  provider_type: ToolProviderType;
  /** A built-in provider's name (`time`, or Dify's plugin id `langgenius/time/time`), or an MCP server's id (`mcp_…`). */
  provider_id: string;
  provider_name: string;
  tool_name: string;
  tool_label: string;
  tool_parameters: Record<string, ToolInput>;
  /** The tool's form settings, bound as parameters are (a bare value is a constant); tool_parameters win on a clash. */
  tool_configurations: Record<string, ToolInput>;
}

/** Dify's outputs: `text`, `files` and `json` (a list of the JSON objects the tool returned, `[{data: []}]` when none). */
export const TOOL_OUTPUT_FIELDS = ['text', 'files', 'json'] as const;

export const TOOL_NODE_LIMITS = { parameters: 100, nameChars: 256, valueChars: 256 * 1024 } as const;

const name = z.string().max(TOOL_NODE_LIMITS.nameChars, `must be at most ${TOOL_NODE_LIMITS.nameChars} characters`);
const inputSchema = z.looseObject({
  type: z.enum(['variable', 'mixed', 'constant']),
  value: z.unknown().optional(),
});
const inputs = z
  .record(name, z.unknown())
  .refine((r) => Object.keys(r).length <= TOOL_NODE_LIMITS.parameters, `must have at most ${TOOL_NODE_LIMITS.parameters} entries`);

const schema = z.looseObject({
  ...baseDataShape,
  type: z.literal('tool'),
  provider_type: z.enum(DIFY_TOOL_PROVIDER_TYPES, { error: `must be one of ${TOOL_PROVIDER_TYPES.join(', ')}` }),
  provider_id: name.min(1, 'is required'),
  provider_name: name.nullish(),
  tool_name: name.min(1, 'is required'),
  tool_label: name.nullish(),
  tool_parameters: inputs.nullish(),
  tool_configurations: inputs.nullish(),
});
type Parsed = z.infer<typeof schema>;

type Field = 'tool_parameters' | 'tool_configurations';

/** One entry of tool_parameters or tool_configurations read as a ToolInput, or the detail of what is wrong with it. */
function readInput(raw: unknown, field: Field): ToolInput | null | string {
  // Dify drops entries whose value is null; configurations may be bare scalars (constants)
  if (raw === null || raw === undefined) return null;
  if (field === 'tool_configurations' && typeof raw !== 'object') return { type: 'constant', value: String(raw) };
  const parsed = inputSchema.safeParse(raw);
  if (!parsed.success) return "must be { type: 'variable' | 'mixed' | 'constant', value }";
  const { type, value } = parsed.data;
  if (value === null || value === undefined) return null;
  if (type === 'variable')
    return selectorSchema.safeParse(value).success ? { type, value: value as string[] } : 'must be a selector ([node, variable, ...])';
  if (type === 'mixed' && typeof value !== 'string') return 'must be a string (a template) for type mixed';
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  if (text.length > TOOL_NODE_LIMITS.valueChars) return `must be at most ${TOOL_NODE_LIMITS.valueChars} characters`;
  return { type, value: text };
}

function inputsOf(parsed: Parsed, field: Field): Record<string, ToolInput> {
  const out: Record<string, ToolInput> = {};
  for (const [key, raw] of Object.entries(parsed[field] ?? {})) {
    const input = readInput(raw, field);
    if (input && typeof input === 'object') out[key] = input;
  }
  return out;
}

function check(parsed: Parsed): LocalIssue[] {
  const issues: LocalIssue[] = [];
  if (!(TOOL_PROVIDER_TYPES as readonly string[]).includes(parsed.provider_type))
    issues.push({
      path: ['provider_type'],
      code: 'unsupported',
      detail: `is '${parsed.provider_type}': Shoal runs only builtin and mcp tools (api, workflow and plugin tools are not supported yet)`,
    });
  for (const field of ['tool_parameters', 'tool_configurations'] as const)
    for (const [key, raw] of Object.entries(parsed[field] ?? {})) {
      const input = readInput(raw, field);
      if (typeof input === 'string') issues.push({ path: [field, key], code: 'invalid_value', detail: input });
    }
  return issues;
}

function references(parsed: Parsed): NodeReference[] {
  const refs: NodeReference[] = [];
  for (const field of ['tool_parameters', 'tool_configurations'] as const)
    for (const [key, input] of Object.entries(inputsOf(parsed, field))) {
      const path = [field, key, 'value'];
      if (input.type === 'variable') refs.push({ path, selector: input.value });
      else for (const r of parseVariableReferences(input.value)) refs.push({ path, selector: r.selector, raw: r.raw });
    }
  return refs;
}

export const toolNodeDefinition: NodeDefinition<ToolNodeData, Parsed> = {
  type: 'tool',
  schema,
  normalize: (parsed, nodeId) =>
    normalizeData(parsed, 'tool', nodeId, {
      provider_type: parsed.provider_type as ToolProviderType,
      provider_id: parsed.provider_id,
      provider_name: parsed.provider_name ?? parsed.provider_id,
      tool_name: parsed.tool_name,
      tool_label: parsed.tool_label ?? parsed.tool_name,
      tool_parameters: inputsOf(parsed, 'tool_parameters'),
      tool_configurations: inputsOf(parsed, 'tool_configurations'),
    }),
  check,
  references,
  // an MCP tool's structured output adds variables the graph cannot know before the run
  outputFields: (parsed) => (parsed.provider_type === 'builtin' ? TOOL_OUTPUT_FIELDS : null),
};
