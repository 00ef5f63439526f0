// Checks a run's inputs against the start node's form, the way Dify's input form does.
import type { StartVariable } from './nodes/start.node';
import { describeValue, formatPath, quoteList, type ValidationIssue } from './validation-issue';
import { isNodeOfType, type WorkflowGraph } from './workflow-graph.types';

export type ValidateRunInputsResult = { ok: true; inputs: Record<string, unknown> } | { ok: false; issues: ValidationIssue[] };

export function validateRunInputs(graph: WorkflowGraph, inputs: unknown): ValidateRunInputsResult {
  const start = graph.nodes.find((n) => isNodeOfType(n, 'start'));
  return validateStartNodeInputs(start?.data.variables ?? [], inputs);
}

/**
 * Returns a new object: every declared variable present (null when optional and not given), numbers
 * from numeric strings, defaults applied. Undeclared inputs pass through unchanged, as in Dify.
 */
export function validateStartNodeInputs(variables: readonly StartVariable[], inputs: unknown): ValidateRunInputsResult {
  if (inputs !== undefined && inputs !== null && (typeof inputs !== 'object' || Array.isArray(inputs))) {
    return { ok: false, issues: [{ path: 'inputs', code: 'invalid_type', message: `inputs must be an object (got ${describeValue(inputs)})` }] };
  }
  // Object.assign, not spread: V8 makes a spread copy that then gains keys very slow.
  const out: Record<string, unknown> = Object.assign({}, inputs as Record<string, unknown> | null | undefined);
  const issues: ValidationIssue[] = [];
  for (const variable of variables) {
    const path = formatPath(['inputs', variable.variable]);
    const fail = (code: ValidationIssue['code'], detail: string) => issues.push({ path, code, message: `${path} ${detail}` });
    let value = Object.hasOwn(out, variable.variable) ? out[variable.variable] : undefined;
    if (value === undefined || value === null || value === '') {
      if (variable.default !== undefined) value = variable.default;
      else if (variable.required) {
        fail('required', `is required (${variable.label})`);
        continue;
      } else {
        out[variable.variable] = null;
        continue;
      }
    }
    if (variable.type === 'number') {
      const n = toNumber(value);
      if (n === null) fail('invalid_type', `must be a number (got ${describeValue(value)})`);
      else out[variable.variable] = n;
      continue;
    }
    if (typeof value !== 'string') {
      fail('invalid_type', `must be a string (got ${describeValue(value)})`);
      continue;
    }
    if (variable.type === 'select' && !(variable.options ?? []).includes(value)) {
      fail('invalid_value', `must be one of ${quoteList(variable.options ?? [])} (got ${describeValue(value)})`);
      continue;
    }
    // Code points, as Dify counts; `.length` (UTF-16 units) is an upper bound that spares the count for most inputs.
    if (variable.max_length !== undefined && value.length > variable.max_length) {
      const length = countCodePoints(value);
      if (length > variable.max_length) {
        fail('too_big', `must be at most ${variable.max_length} characters (got ${length})`);
        continue;
      }
    }
    out[variable.variable] = value;
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, inputs: out };
}

// Plain decimals only: Number() would also take '0x1f' and 'Infinity'.
const DECIMAL = /^\s*[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?\s*$/i;

function toNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string' || !DECIMAL.test(value)) return null;
  const n = Number(value);
  return Number.isFinite(n) ? n : null;
}

function countCodePoints(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    // A high surrogate followed by a low one is one character.
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    count++;
  }
  return count;
}
