// Checks what a code node's `main` returned against its declared outputs, with Dify's rules and limits (CODE_MAX_*).
import type { CodeOutput } from '@shoal/workflow-dsl';

/** Dify's CODE_MAX_* settings, with Dify's defaults in DEFAULT_CODE_OUTPUT_LIMITS. */
export interface CodeOutputLimits {
  /** CODE_MAX_STRING_LENGTH: characters of one string anywhere in the outputs */
  maxStringLength: number;
  /** CODE_MAX_NUMBER / CODE_MIN_NUMBER */
  maxNumber: number;
  minNumber: number;
  /** CODE_MAX_PRECISION: digits after the decimal point of a non-integer */
  maxPrecision: number;
  /** CODE_MAX_DEPTH: nesting of objects, the outputs object itself being level 1 */
  maxDepth: number;
  /** CODE_MAX_NUMBER_ARRAY_LENGTH, CODE_MAX_STRING_ARRAY_LENGTH, CODE_MAX_OBJECT_ARRAY_LENGTH */
  maxNumberArrayLength: number;
  maxStringArrayLength: number;
  maxObjectArrayLength: number;
}

export const DEFAULT_CODE_OUTPUT_LIMITS: Readonly<CodeOutputLimits> = {
  maxStringLength: 80_000,
  // Dify's ±9223372036854775807 (2^63 - 1), which a double holds as ±2^63
  maxNumber: 2 ** 63,
  minNumber: -(2 ** 63),
  maxPrecision: 20,
  maxDepth: 5,
  maxNumberArrayLength: 1000,
  maxStringArrayLength: 30,
  maxObjectArrayLength: 30,
};

/** An output that does not match its declaration; the message names the output's path. */
export class CodeOutputError extends Error {
  readonly code = 'code_output_invalid';
}

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

const join = (prefix: string, name: string): string => (prefix ? `${prefix}.${name}` : name);

/** Digits after the decimal point in the shortest representation of `n` (1e-21 has 21, 1.5e3 none). */
export function decimalPlaces(n: number): number {
  const m = /^-?\d+(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(n));
  if (!m) return 0;
  const fraction = (m[1] ?? '').replace(/0+$/, '').length;
  return Math.max(0, fraction - Number(m[2] ?? 0));
}

export class CodeOutputValidator {
  constructor(private readonly limits: CodeOutputLimits) {}

  /** The outputs to store: checked against `schema`, NUL characters removed from declared strings. */
  validate(result: unknown, schema: Readonly<Record<string, CodeOutput>>): Record<string, unknown> {
    if (!isObject(result)) throw new CodeOutputError(`main must return an object (a dict in Python), got ${typeName(result)}`);
    return this.object(result, schema, '', 1);
  }

  private object(result: Json, schema: Readonly<Record<string, CodeOutput>> | null, prefix: string, depth: number): Json {
    if (depth > this.limits.maxDepth) throw new CodeOutputError(`Depth limit ${this.limits.maxDepth} reached, object too deep.`);
    if (schema === null) {
      for (const [name, value] of Object.entries(result)) this.untyped(value, join(prefix, name), depth);
      return result;
    }
    const out: Json = {};
    for (const [name, declared] of Object.entries(schema)) {
      const path = join(prefix, name);
      if (!Object.hasOwn(result, name)) throw new CodeOutputError(`Output ${path} is missing.`);
      out[name] = this.typed(result[name], declared, path, depth);
    }
    const extra = Object.keys(result).filter((k) => !Object.hasOwn(schema, k));
    if (extra.length)
      throw new CodeOutputError(`Not all output parameters are validated: ${extra.map((k) => join(prefix, k)).join(', ')} not declared.`);
    return out;
  }

  private typed(value: unknown, declared: CodeOutput, path: string, depth: number): unknown {
    if (value === null || value === undefined) return null;
    switch (declared.type) {
      case 'string':
        if (typeof value !== 'string') throw new CodeOutputError(`Output ${path} must be a string, got ${typeName(value)} instead.`);
        return this.string(value, path);
      case 'number':
        if (typeof value === 'boolean') return value ? 1 : 0; // Dify reads True/False as 1/0
        if (typeof value !== 'number') throw new CodeOutputError(`Output ${path} is not a number, got ${typeName(value)} instead.`);
        return this.number(value, path);
      case 'boolean':
        if (typeof value !== 'boolean') throw new CodeOutputError(`Output ${path} is not a boolean, got ${typeName(value)} instead.`);
        return value;
      case 'object':
        if (!isObject(value)) throw new CodeOutputError(`Output ${path} is not an object, got ${typeName(value)} instead.`);
        return this.object(value, declared.children, path, depth + 1);
      case 'array[number]':
        return this.array(value, path, this.limits.maxNumberArrayLength).map((v, i) => {
          if (typeof v === 'boolean') return v ? 1 : 0;
          if (typeof v !== 'number')
            throw new CodeOutputError(`The element at index ${i} of output variable \`${path}\` must be a number.`);
          return v;
        });
      case 'array[string]':
        return this.array(value, path, this.limits.maxStringArrayLength).map((v, i) => {
          if (v === null) return null;
          if (typeof v !== 'string') throw new CodeOutputError(`Output ${path}[${i}] must be a string, got ${typeName(v)} instead.`);
          return this.string(v, `${path}[${i}]`);
        });
      case 'array[boolean]':
        return this.array(value, path, Infinity).map((v, i) => {
          if (v !== null && typeof v !== 'boolean')
            throw new CodeOutputError(`Output ${path}[${i}] is not a boolean, got ${typeName(v)} instead.`);
          return v;
        });
      case 'array[object]':
        return this.array(value, path, this.limits.maxObjectArrayLength).map((v, i) => {
          if (v === null) return null;
          if (!isObject(v)) throw new CodeOutputError(`Output ${path}[${i}] is not an object, got ${typeName(v)} instead at index ${i}.`);
          return this.object(v, declared.children, `${path}[${i}]`, depth + 1);
        });
    }
  }

  private array(value: unknown, path: string, max: number): unknown[] {
    if (!Array.isArray(value)) throw new CodeOutputError(`Output ${path} is not an array, got ${typeName(value)} instead.`);
    if (value.length > max) throw new CodeOutputError(`The length of output variable \`${path}\` must be less than ${max} elements.`);
    return value;
  }

  private string(value: string, path: string): string {
    if (value.length > this.limits.maxStringLength)
      throw new CodeOutputError(`The length of output variable \`${path}\` must be less than ${this.limits.maxStringLength} characters`);
    return value.includes('\0') ? value.replaceAll('\0', '') : value;
  }

  private number(value: number, path: string): number {
    if (!Number.isFinite(value) || value > this.limits.maxNumber || value < this.limits.minNumber)
      throw new CodeOutputError(
        `Output variable \`${path}\` is out of range, it must be between ${this.limits.minNumber} and ${this.limits.maxNumber}.`,
      );
    if (!Number.isInteger(value) && decimalPlaces(value) > this.limits.maxPrecision)
      throw new CodeOutputError(
        `Output variable \`${path}\` has too high precision, it must be less than ${this.limits.maxPrecision} digits.`,
      );
    return value;
  }

  /** Values under an object declared without children: checked by what they are (Dify's untyped rules). */
  private untyped(value: unknown, path: string, depth: number): void {
    if (value === null || value === undefined || typeof value === 'boolean') return;
    if (typeof value === 'number') return void this.number(value, path);
    if (typeof value === 'string') return void this.string(value, path);
    if (isObject(value)) return void this.object(value, null, path, depth + 1);
    if (!Array.isArray(value)) throw new CodeOutputError(`Output ${path} is not a valid type.`);
    const first: unknown = value[0];
    if (first === null || first === undefined) return;
    const all = (test: (v: unknown) => boolean) => value.every((v) => v === null || test(v));
    if (typeof first === 'number' && all((v) => typeof v === 'number'))
      value.forEach((v, i) => v !== null && this.number(v as number, `${path}[${i}]`));
    else if (typeof first === 'string' && all((v) => typeof v === 'string'))
      value.forEach((v, i) => v !== null && this.string(v as string, `${path}[${i}]`));
    else if ((isObject(first) && all(isObject)) || (Array.isArray(first) && all(Array.isArray)))
      value.forEach((v, i) => {
        if (isObject(v)) this.object(v, null, `${path}[${i}]`, depth + 1);
        else if (Array.isArray(v)) this.untyped(v, `${path}[${i}]`, depth + 1);
      });
    else throw new CodeOutputError(`Output ${path} is not a valid array. make sure all elements are of the same type.`);
  }
}
