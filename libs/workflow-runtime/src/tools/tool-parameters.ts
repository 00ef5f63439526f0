// A tool node's parameters from the variable pool, as Dify's ToolNode._generate_parameters builds them,
// then cast to the types a built-in tool declares (as Dify's tool runtime casts form values).
import { renderTemplate, type ToolInput, type ToolNodeData, type VariableLookup } from '@shoal/workflow-dsl';
import type { ToolParameterDeclaration } from './builtin-tool';

/** A parameter that cannot be built (Dify's ToolParameterError): the node fails with it. */
export class ToolParameterError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ToolParameterError';
  }
}

/** Configurations first, parameters over them: both are bindings of the tool's parameters. */
export function toolInputsOf(data: ToolNodeData): Array<[string, ToolInput]> {
  return Object.entries({ ...data.tool_configurations, ...data.tool_parameters });
}

/**
 * Values by parameter name: a `variable` input's value as it is (skipped when the variable is absent,
 * an error when `required(name)`), a `mixed` or `constant` one rendered as text.
 */
export function generateToolParameters(
  data: ToolNodeData,
  lookup: VariableLookup,
  required: (name: string) => boolean,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, input] of toolInputsOf(data)) {
    if (input.type === 'variable') {
      const value = lookup(input.value);
      if (value === undefined || value === null) {
        if (required(name)) throw new ToolParameterError(`Variable ${input.value.join('.')} does not exist`);
        continue;
      }
      out[name] = value;
    } else out[name] = renderTemplate(input.value, lookup);
  }
  return out;
}

const TRUE = new Set(['true', 'yes', 'y', '1', 'on']);
const FALSE = new Set(['false', 'no', 'n', '0', 'off', '']);

function cast(decl: ToolParameterDeclaration, value: unknown): unknown {
  switch (decl.type) {
    case 'number': {
      if (typeof value === 'number') return value;
      const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
      if (Number.isNaN(n))
        throw new ToolParameterError(`tool parameter ${decl.name} must be a number (got ${JSON.stringify(value)?.slice(0, 80)})`);
      return n;
    }
    case 'boolean': {
      if (typeof value === 'boolean') return value;
      const s = String(value).trim().toLowerCase();
      if (TRUE.has(s)) return true;
      if (FALSE.has(s)) return false;
      throw new ToolParameterError(`tool parameter ${decl.name} must be a boolean (got ${JSON.stringify(value)?.slice(0, 80)})`);
    }
    case 'select': {
      const s = typeof value === 'string' ? value : String(value);
      if (decl.options && !decl.options.includes(s))
        throw new ToolParameterError(
          `tool parameter ${decl.name} must be one of ${decl.options.join(', ')} (got ${JSON.stringify(s).slice(0, 80)})`,
        );
      return s;
    }
    default:
      return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  }
}

/** The declared parameters only, cast, defaults filled in; a required one with neither value nor default is an error. */
export function castToolParameters(
  decls: readonly ToolParameterDeclaration[],
  values: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const decl of decls) {
    const raw = Object.hasOwn(values, decl.name) ? values[decl.name] : undefined;
    if (raw === undefined || (raw === '' && decl.type !== 'string')) {
      if (decl.default !== undefined) out[decl.name] = decl.default;
      else if (decl.required) throw new ToolParameterError(`tool parameter ${decl.name} is required`);
      continue;
    }
    out[decl.name] = cast(decl, raw);
  }
  return out;
}
