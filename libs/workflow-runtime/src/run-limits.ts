// The bounds every run executes within, with Dify's defaults and Dify's names for the settings.
import { RunLimitError } from './runtime.errors';

export interface RunLimits {
  /** Node executions per run, retries included, across resumes (WORKFLOW_MAX_EXECUTION_STEPS). */
  maxSteps: number;
  /** Wall time from the run's creation, across resumes (WORKFLOW_MAX_EXECUTION_TIME, here in ms). */
  maxRunMs: number;
  /** UTF-8 JSON bytes of one variable a node writes (MAX_VARIABLE_SIZE). */
  maxVariableBytes: number;
  /** How deep a run may be nested in the runs that called it (WORKFLOW_CALL_MAX_DEPTH). */
  maxCallDepth: number;
}

export const DEFAULT_RUN_LIMITS: Readonly<RunLimits> = {
  maxSteps: 500,
  maxRunMs: 1200 * 1000,
  maxVariableBytes: 200 * 1024,
  maxCallDepth: 5,
};

export function stepLimitError(max: number): RunLimitError {
  return new RunLimitError('WORKFLOW_MAX_EXECUTION_STEPS', max, `The run reached its limit of ${max} node executions`);
}

export function timeLimitError(maxMs: number): RunLimitError {
  return new RunLimitError('WORKFLOW_MAX_EXECUTION_TIME', maxMs / 1000, `The run reached its time limit of ${maxMs / 1000} s`);
}

export function callDepthError(depth: number, max: number): RunLimitError {
  return new RunLimitError('WORKFLOW_CALL_MAX_DEPTH', max, `The run is nested ${depth} calls deep, deeper than allowed`);
}

/** Throws when one of `outputs`' variables is larger than `maxBytes` as UTF-8 JSON. */
export function checkVariableSizes(nodeId: string, outputs: Readonly<Record<string, unknown>>, maxBytes: number): void {
  // for-in, as upperBound walks nested objects: no array of keys per node (Object.keys) and no
  // own-property test per key; outputs are plain data, and anything inherited would only be counted too
  for (const key in outputs) {
    const bytes = jsonBytes(outputs[key], maxBytes);
    if (bytes > maxBytes)
      throw new RunLimitError('MAX_VARIABLE_SIZE', maxBytes, `The variable ${nodeId}.${key} is ${bytes} bytes, more than allowed`);
  }
}

/**
 * UTF-8 bytes of `value` as JSON, measured exactly only when a cheap upper bound (3 bytes a char,
 * generous sizes for the rest) does not already show it fits: the usual small output costs a walk.
 */
function jsonBytes(value: unknown, maxBytes: number): number {
  if (upperBound(value, maxBytes, 0) <= maxBytes) return 0;
  return typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : Buffer.byteLength(JSON.stringify(value) ?? '', 'utf8');
}

/** At least the UTF-8 JSON size of `value`; stops counting once past `budget`. */
function upperBound(value: unknown, budget: number, depth: number): number {
  if (typeof value === 'string') return value.length * 3 + 2;
  if (value === null || typeof value !== 'object') return 24;
  if (depth > 32) return Infinity;
  let total = 2;
  if (Array.isArray(value)) {
    for (const v of value) if ((total += upperBound(v, budget - total, depth + 1) + 1) > budget) return total;
    return total;
  }
  for (const k in value as Record<string, unknown>) {
    total += k.length * 3 + 4 + upperBound((value as Record<string, unknown>)[k], budget - total, depth + 1);
    if (total > budget) return total;
  }
  return total;
}
