// Checks a run's inputs against the start node's form, the way Dify's input form does.
import type { StartVariable } from './nodes/start.node';
import { toRunFile, type UploadedFileLookup } from './run-input-files';
import { describeValue, formatPath, quoteList, type ValidationIssue } from './validation-issue';
import { isNodeOfType, type WorkflowGraph } from './workflow-graph.types';

export type ValidateRunInputsResult = { ok: true; inputs: Record<string, unknown> } | { ok: false; issues: ValidationIssue[] };

export interface RunInputLimits {
  /** UTF-8 bytes of one text input (Dify's MAX_VARIABLE_SIZE, 200 KiB). */
  maxInputBytes: number;
  /** UTF-8 bytes of all text inputs together. */
  maxTotalInputBytes: number;
  /** Characters of a number given as a string; longer ones are refused before they are parsed. */
  maxNumberLength: number;
}

export const DEFAULT_RUN_INPUT_LIMITS: Readonly<RunInputLimits> = Object.freeze({
  maxInputBytes: 200 * 1024,
  maxTotalInputBytes: 1024 * 1024,
  maxNumberLength: 64,
});

/** `uploads` resolves the `local_file` inputs' upload ids (see `uploadIdsIn`); without it they must be resolved file objects. */
export function validateRunInputs(
  graph: WorkflowGraph,
  inputs: unknown,
  limits: Partial<RunInputLimits> = {},
  uploads?: UploadedFileLookup,
): ValidateRunInputsResult {
  const start = graph.nodes.find((n) => isNodeOfType(n, 'start'));
  return validateStartNodeInputs(start?.data.variables ?? [], inputs, limits, uploads);
}

/**
 * Returns a new object holding exactly the declared variables (null when optional and not given),
 * numbers from numeric strings, defaults applied. Undeclared inputs are dropped, as Dify drops them.
 */
export function validateStartNodeInputs(
  variables: readonly StartVariable[],
  inputs: unknown,
  limits: Partial<RunInputLimits> = {},
  uploads?: UploadedFileLookup,
): ValidateRunInputsResult {
  if (inputs !== undefined && inputs !== null && (typeof inputs !== 'object' || Array.isArray(inputs))) {
    return {
      ok: false,
      issues: [{ path: 'inputs', code: 'invalid_type', message: `inputs must be an object (got ${describeValue(inputs)})` }],
    };
  }
  const maxInputBytes = limits.maxInputBytes ?? DEFAULT_RUN_INPUT_LIMITS.maxInputBytes;
  const maxTotalInputBytes = limits.maxTotalInputBytes ?? DEFAULT_RUN_INPUT_LIMITS.maxTotalInputBytes;
  const maxNumberLength = limits.maxNumberLength ?? DEFAULT_RUN_INPUT_LIMITS.maxNumberLength;
  const given = (inputs ?? {}) as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const issues: ValidationIssue[] = [];
  let totalBytes = 0;
  for (const variable of variables) {
    const path = formatPath(['inputs', variable.variable]);
    const fail = (code: ValidationIssue['code'], detail: string) => issues.push({ path, code, message: `${path} ${detail}` });
    let value = Object.hasOwn(given, variable.variable) ? given[variable.variable] : undefined;
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
      if (typeof value === 'string' && value.length > maxNumberLength) {
        fail('too_big', `must be a number of at most ${maxNumberLength} characters (got ${value.length})`);
        continue;
      }
      const n = toNumber(value);
      if (n === null) fail('invalid_type', `must be a number (got ${describeValue(value)})`);
      else out[variable.variable] = n;
      continue;
    }
    if (variable.type === 'checkbox') {
      if (typeof value === 'boolean') out[variable.variable] = value;
      else fail('invalid_type', `must be a boolean (got ${describeValue(value)})`);
      continue;
    }
    if (variable.type === 'file' || variable.type === 'file-list') {
      const files = variable.type === 'file' ? [value] : value;
      if (!Array.isArray(files)) {
        fail('invalid_type', `must be a list of files (got ${describeValue(value)})`);
        continue;
      }
      // Dify's file-list max_length is its number limit (default 5)
      const max = variable.type === 'file' ? 1 : (variable.max_length ?? 5);
      if (files.length > max) {
        fail('too_big', `must hold at most ${max} files (got ${files.length})`);
        continue;
      }
      const parsed: Record<string, unknown>[] = [];
      for (const [i, f] of files.entries()) {
        const file = toRunFile(f, variable, uploads);
        if (typeof file === 'string') {
          const at = variable.type === 'file' ? path : formatPath(['inputs', variable.variable, i]);
          issues.push({ path: at, code: 'invalid_value', message: `${at} ${file}` });
          break;
        }
        parsed.push(file);
      }
      if (parsed.length !== files.length) continue;
      out[variable.variable] = variable.type === 'file' ? parsed[0] : parsed;
      continue;
    }
    if (variable.type === 'json_object') {
      if (typeof value !== 'object' || Array.isArray(value)) {
        fail('invalid_type', `must be a JSON object (got ${describeValue(value)})`);
        continue;
      }
      const objectBytes = utf8Length(JSON.stringify(value));
      if (objectBytes > maxInputBytes) {
        fail('too_big', `must be at most ${maxInputBytes} bytes (got ${objectBytes})`);
        continue;
      }
      totalBytes += objectBytes;
      out[variable.variable] = value;
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
    // A UTF-16 unit is at most 3 UTF-8 bytes, so short strings skip the count.
    const bytes = value.length * 3 <= maxInputBytes ? value.length : utf8Length(value);
    if (bytes > maxInputBytes) {
      fail('too_big', `must be at most ${maxInputBytes} bytes (got ${bytes})`);
      continue;
    }
    totalBytes += bytes;
    out[variable.variable] = value;
  }
  if (issues.length === 0 && totalBytes > maxTotalInputBytes) {
    issues.push({
      path: 'inputs',
      code: 'too_big',
      message: `inputs must be at most ${maxTotalInputBytes} bytes together (got at least ${totalBytes})`,
    });
  }
  return issues.length > 0 ? { ok: false, issues } : { ok: true, inputs: out };
}

// Plain decimals only: Number() would also take '0x1f' and 'Infinity'. Every part is unambiguous
// (digits, then an optional dot and digits), so a failed match costs one pass, not a backtracking search.
const DECIMAL = /^[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?$/;

function toNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (!DECIMAL.test(text)) return null;
  const n = Number(text);
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

function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}
