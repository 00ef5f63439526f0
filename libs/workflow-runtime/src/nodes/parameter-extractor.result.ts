// What the parameter extractor makes of the model's answer, as graphon's ParameterExtractorNode does:
// the JSON object of the function call's arguments (or of the text), checked (the first problem is the
// node's `__reason`, and `__is_success` is 0), then each parameter coerced to its type, a missing or
// unusable value replaced by the type's empty value. A wrong answer does not fail the node.
import type { ExtractorParameter, ExtractorParameterType } from '@shoal/workflow-dsl';
import { firstJsonObjectIn } from '../llm/json-in-text';

export const NO_RESULT_REASON = 'Failed to extract result from function call or text response, using empty result.';

export interface ExtractedParameters {
  values: Record<string, unknown>;
  /** null when the answer passed every check */
  reason: string | null;
}

const UNSET = Symbol('unset');

export function extractParameters(
  parameters: readonly ExtractorParameter[],
  answer: { text: string; toolArguments: string | null },
): ExtractedParameters {
  let reason: string | null = null;
  let result: Record<string, unknown> | null;
  if (answer.toolArguments !== null) result = firstJsonObjectIn(answer.toolArguments);
  else {
    result = firstJsonObjectIn(answer.text);
    if (!result) {
      result = defaultResult(parameters);
      reason = NO_RESULT_REASON;
    }
  }
  const problem = validate(parameters, result ?? {});
  if (problem) reason = problem;
  const values: Record<string, unknown> = {};
  for (const p of parameters) {
    const raw = result && Object.hasOwn(result, p.name) ? result[p.name] : UNSET;
    const value = raw === UNSET ? UNSET : transform(p.type, raw);
    values[p.name] = value === UNSET ? emptyValue(p.type) : value;
  }
  return { values, reason };
}

/** graphon _generate_default_result: numbers 0, booleans false, strings '' (arrays left out). */
function defaultResult(parameters: readonly ExtractorParameter[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of parameters) {
    if (p.type === 'number') out[p.name] = 0;
    else if (p.type === 'boolean') out[p.name] = false;
    else if (p.type === 'string') out[p.name] = '';
  }
  return out;
}

/** graphon _validate_result: the first problem, in Dify's words. */
function validate(parameters: readonly ExtractorParameter[], result: Record<string, unknown>): string | null {
  if (parameters.length !== Object.keys(result).length) return 'Invalid number of parameters';
  for (const p of parameters) {
    if (p.required && !Object.hasOwn(result, p.name)) return `Parameter ${p.name} is required`;
    const value = Object.hasOwn(result, p.name) ? result[p.name] : null;
    if (!isValid(p.type, value))
      return `Invalid value for parameter ${p.name}, expected segment type: ${p.type}, actual_type: ${segmentTypeOf(value)}, python_type: <class '${pythonTypeOf(value)}'>, value: ${pythonRepr(value)}`;
    if (p.type === 'string' && p.options.length && !p.options.includes(value as string))
      return `Invalid \`select\` value for parameter ${p.name}`;
  }
  return null;
}

// Python's bool is an int: Dify's number check takes true and false
const isNumber = (v: unknown) => typeof v === 'number' || typeof v === 'boolean';
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function isValid(type: ExtractorParameterType, value: unknown): boolean {
  switch (type) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return isNumber(value);
    case 'boolean':
      return typeof value === 'boolean';
    case 'array[string]':
      return Array.isArray(value) && value.every((v) => typeof v === 'string');
    case 'array[number]':
      return Array.isArray(value) && value.every(isNumber);
    case 'array[boolean]':
      return Array.isArray(value) && value.every((v) => typeof v === 'boolean');
    case 'array[object]':
      return Array.isArray(value) && value.every(isObject);
  }
}

function segmentTypeOf(value: unknown): string {
  if (value === null || value === undefined) return 'none';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'float';
  if (Array.isArray(value)) return 'array[any]';
  return 'object';
}

function pythonTypeOf(value: unknown): string {
  if (value === null || value === undefined) return 'NoneType';
  if (typeof value === 'string') return 'str';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  return Array.isArray(value) ? 'list' : 'dict';
}

function pythonRepr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return JSON.stringify(value);
}

function transform(type: ExtractorParameterType, value: unknown): unknown {
  if (type.startsWith('array[')) {
    if (!Array.isArray(value)) return UNSET;
    const item = type.slice('array['.length, -1);
    const out: unknown[] = [];
    for (const v of value) {
      const t =
        item === 'number'
          ? toNumber(v)
          : item === 'boolean'
            ? typeof v === 'boolean'
              ? v
              : UNSET
            : item === 'string'
              ? toString(v)
              : isObject(v)
                ? v
                : UNSET;
      if (t !== UNSET) out.push(t);
    }
    return out;
  }
  if (type === 'number') return toNumber(value);
  if (type === 'boolean') return typeof value === 'boolean' ? value : Number.isInteger(value) ? value !== 0 : UNSET;
  return toString(value);
}

const toString = (v: unknown) => (typeof v === 'string' ? v : UNSET);

/** graphon _transform_number: booleans as 1/0, numbers as they are, text as Python's int() or float() reads it. */
function toNumber(value: unknown): number | typeof UNSET {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return UNSET;
  const s = value.trim();
  if (value.includes('.')) return /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(s) ? Number(s) : UNSET;
  return /^[-+]?\d+$/.test(s) ? Number(s) : UNSET;
}

/** graphon _build_default_parameter_value. */
function emptyValue(type: ExtractorParameterType): unknown {
  if (type.startsWith('array[')) return [];
  return type === 'number' ? 0 : type === 'boolean' ? false : '';
}
