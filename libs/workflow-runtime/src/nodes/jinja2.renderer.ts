// Jinja2 templates through nunjucks, sandboxed: data only (no prototypes, no functions, no files), and
// bounded in work and output size, since rendering is synchronous and cannot be interrupted.
import * as nunjucks from 'nunjucks';
import { namespaceObject } from '../namespace-object';

export interface Jinja2Limits {
  /** Characters of output (Dify's TEMPLATE_TRANSFORM_MAX_LENGTH, 400,000). */
  maxOutputLength: number;
  /** Loop iterations, variable writes and value outputs together: a deterministic stand-in for a time limit. */
  maxOperations: number;
  /** Items `range()` may produce. */
  maxRange: number;
}

export const DEFAULT_JINJA2_LIMITS: Readonly<Jinja2Limits> = Object.freeze({
  maxOutputLength: 400_000,
  maxOperations: 1_000_000,
  maxRange: 100_000,
});

export class TemplateRenderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TemplateRenderError';
  }
}

/** The nunjucks runtime as the compiled templates call it (its types do not describe these). */
interface NunjucksContext {
  ctx: Record<string, unknown>;
  env: { globals: Record<string, unknown> };
}
interface NunjucksRuntime {
  memberLookup(obj: unknown, key: unknown): unknown;
  contextOrFrameLookup(context: NunjucksContext, frame: { lookup(name: string): unknown }, name: string): unknown;
  suppressValue(value: unknown, autoescape: boolean): unknown;
  Frame: { prototype: { set(name: string, value: unknown, resolveUp?: boolean): void } };
}

const runtime = (nunjucks as unknown as { runtime: NunjucksRuntime }).runtime;

/** The slice of nunjucks' compiler that arithmetic goes through (its types do not describe it). */
interface NunjucksCompiler {
  _emit(code: string): void;
  compile(node: unknown, frame: unknown): void;
}
interface BinaryNode {
  left: unknown;
  right: unknown;
}
const compilerProto = (nunjucks as unknown as { compiler: { Compiler: { prototype: Record<string, unknown> } } }).compiler.Compiler
  .prototype;

/** Python's arithmetic where it differs from JavaScript's: dividing by zero raises ZeroDivisionError instead of giving Infinity / NaN. */
const arithmetic = {
  div(a: unknown, b: unknown): number {
    if (b === 0) throw new TemplateRenderError('division by zero');
    return (a as number) / (b as number);
  },
  floorDiv(a: unknown, b: unknown): number {
    if (b === 0) throw new TemplateRenderError('integer division or modulo by zero');
    return Math.floor((a as number) / (b as number));
  },
  mod(a: unknown, b: unknown): number {
    if (b === 0) throw new TemplateRenderError('integer division or modulo by zero');
    return (a as number) % (b as number);
  },
};

function emitCall(name: keyof typeof arithmetic) {
  return function (this: NunjucksCompiler, node: BinaryNode, frame: unknown): void {
    this._emit(`runtime.shoalArithmetic.${name}(`);
    this.compile(node.left, frame);
    this._emit(', ');
    this.compile(node.right, frame);
    this._emit(')');
  };
}

/** The budget of the render in progress; rendering is synchronous, so one at a time per process. */
let budget: { operations: number; output: number; limits: Jinja2Limits } | null = null;

function spend(output: number): void {
  if (!budget) return;
  budget.operations++;
  budget.output += output;
  if (budget.operations > budget.limits.maxOperations)
    throw new TemplateRenderError(`template exceeds ${budget.limits.maxOperations} operations`);
  if (budget.output > budget.limits.maxOutputLength)
    throw new TemplateRenderError(`Output length exceeds ${budget.limits.maxOutputLength} characters`);
}

const INDEX = /^(?:0|[1-9]\d{0,9})$/;

const str = (v: unknown): string => (typeof v === 'string' ? v : String(v ?? ''));

/**
 * The Python string methods Dify's templates use (`q.endswith("?")`, `name.upper()`), as fresh
 * closures over the string: a template gets a function that reads its string, never a prototype's.
 */
const STRING_METHODS: Record<string, (s: string) => (...args: unknown[]) => unknown> = {
  upper: (s) => () => s.toUpperCase(),
  lower: (s) => () => s.toLowerCase(),
  strip: (s) => (chars?: unknown) => (chars === undefined || chars === null ? s.trim() : stripChars(s, str(chars), true, true)),
  lstrip: (s) => (chars?: unknown) => (chars === undefined || chars === null ? s.trimStart() : stripChars(s, str(chars), true, false)),
  rstrip: (s) => (chars?: unknown) => (chars === undefined || chars === null ? s.trimEnd() : stripChars(s, str(chars), false, true)),
  startswith: (s) => (prefix: unknown) => s.startsWith(str(prefix)),
  endswith: (s) => (suffix: unknown) => s.endsWith(str(suffix)),
  split: (s) => (sep?: unknown) => (sep === undefined || sep === null ? s.trim().split(/\s+/).filter(Boolean) : s.split(str(sep))),
  replace: (s) => (from: unknown, to: unknown) => s.split(str(from)).join(str(to)),
  find: (s) => (sub: unknown) => s.indexOf(str(sub)),
  count: (s) => (sub: unknown) => (str(sub) === '' ? s.length + 1 : s.split(str(sub)).length - 1),
  title: (s) => () => s.toLowerCase().replace(/(^|[^a-z])([a-z])/g, (_m, p: string, c: string) => p + c.toUpperCase()),
  capitalize: (s) => () => s.charAt(0).toUpperCase() + s.slice(1).toLowerCase(),
  isdigit: (s) => () => s.length > 0 && /^[0-9]+$/.test(s),
};

/** Python's dict methods on a mapping (when the mapping has no key of that name). */
const MAPPING_METHODS: Record<string, (o: Record<string, unknown>) => (...args: unknown[]) => unknown> = {
  items: (o) => () => Object.keys(o).map((k) => [k, o[k]]),
  keys: (o) => () => Object.keys(o),
  values: (o) => () => Object.keys(o).map((k) => o[k]),
  get:
    (o) =>
    (k: unknown, fallback: unknown = null) =>
      Object.hasOwn(o, str(k)) ? o[str(k)] : fallback,
};

function stripChars(s: string, chars: string, start: boolean, end: boolean): string {
  let a = 0;
  let b = s.length;
  while (start && a < b && chars.includes(s[a])) a++;
  while (end && b > a && chars.includes(s[b - 1])) b--;
  return s.slice(a, b);
}

// Templates reach data only: own properties of objects, items and length of arrays and strings, and
// the few Python methods above. No prototype is ever reachable, so `''.constructor.constructor('…')()`
// and every other escape through prototypes reads nothing.
function safeMemberLookup(obj: unknown, key: unknown): unknown {
  if (obj === null || obj === undefined) return undefined;
  const name = typeof key === 'number' ? String(key) : key;
  if (typeof name !== 'string') return undefined;
  if (typeof obj === 'string' || Array.isArray(obj)) {
    if (name === 'length') return obj.length;
    if (typeof obj === 'string' && Object.hasOwn(STRING_METHODS, name)) return STRING_METHODS[name](obj);
    return INDEX.test(name) ? (obj as ArrayLike<unknown>)[Number(name)] : undefined;
  }
  if (typeof obj !== 'object') return undefined;
  if (!Object.hasOwn(obj, name))
    return Object.hasOwn(MAPPING_METHODS, name) ? MAPPING_METHODS[name](obj as Record<string, unknown>) : undefined;
  const value = (obj as Record<string, unknown>)[name];
  return typeof value === 'function' ? undefined : value;
}

let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  runtime.memberLookup = safeMemberLookup;
  (runtime as unknown as { shoalArithmetic: typeof arithmetic }).shoalArithmetic = arithmetic;
  compilerProto.compileDiv = emitCall('div');
  compilerProto.compileFloorDiv = emitCall('floorDiv');
  compilerProto.compileMod = emitCall('mod');
  // Top-level names: the template's variables and the globals, never what their objects inherit.
  runtime.contextOrFrameLookup = (context, frame, name) => {
    const value = frame.lookup(name);
    if (value !== undefined) return value;
    if (Object.hasOwn(context.ctx, name)) return context.ctx[name];
    return Object.hasOwn(context.env.globals, name) ? context.env.globals[name] : undefined;
  };
  const suppress = runtime.suppressValue;
  runtime.suppressValue = (value, autoescape) => {
    const out = suppress(value, autoescape);
    spend(typeof out === 'string' ? out.length : String(out).length);
    return out;
  };
  const set = runtime.Frame.prototype.set;
  runtime.Frame.prototype.set = function (this: unknown, name: string, value: unknown, resolveUp?: boolean) {
    spend(0);
    set.call(this, name, value, resolveUp);
  };
}

function makeEnvironment(limits: Jinja2Limits): nunjucks.Environment {
  // No loader: include, import and extends have nothing to read.
  const env = new nunjucks.Environment([], { autoescape: false, throwOnUndefined: false });
  env.addGlobal('range', (start: number, stop?: number, step = 1) => {
    const [from, to] = stop === undefined ? [0, start] : [start, stop];
    const count = step === 0 ? Infinity : Math.max(0, Math.ceil((to - from) / step));
    if (!Number.isFinite(count) || count > limits.maxRange)
      throw new TemplateRenderError(`range() may produce at most ${limits.maxRange} items`);
    return Array.from({ length: count }, (_, i) => from + i * step);
  });
  return env;
}

const compiled = new Map<string, nunjucks.Template>();
const environments = new WeakMap<Jinja2Limits, nunjucks.Environment>();
const defaultEnvironment = makeEnvironment(DEFAULT_JINJA2_LIMITS);

/** Plain JSON data whose objects inherit nothing (namespaceObject), so nothing inherited is reachable by name. */
function toData(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object') return typeof value === 'function' ? undefined : value;
  if (depth > 64) return null;
  if (Array.isArray(value)) return value.map((v) => toData(v, depth + 1));
  const out = namespaceObject();
  for (const key of Object.keys(value)) out[key] = toData((value as Record<string, unknown>)[key], depth + 1);
  return out;
}

export function renderJinja2(source: string, variables: Record<string, unknown>, limits: Jinja2Limits = DEFAULT_JINJA2_LIMITS): string {
  install();
  let env = limits === DEFAULT_JINJA2_LIMITS ? defaultEnvironment : environments.get(limits);
  if (!env) {
    env = makeEnvironment(limits);
    environments.set(limits, env);
  }
  const key = limits === DEFAULT_JINJA2_LIMITS ? source : null;
  let template = key === null ? undefined : compiled.get(key);
  budget = { operations: 0, output: 0, limits };
  try {
    if (!template) {
      template = new nunjucks.Template(source, env, undefined, true);
      // Compiled templates are reused across runs of a graph; the cache is bounded to stay small.
      if (key !== null && compiled.size < 1000) compiled.set(key, template);
    }
    const out = template.render(toData(variables) as object);
    if (out.length > limits.maxOutputLength) throw new TemplateRenderError(`Output length exceeds ${limits.maxOutputLength} characters`);
    return out;
  } catch (error) {
    if (error instanceof TemplateRenderError) throw error;
    const cause = (error as { cause?: unknown }).cause;
    if (cause instanceof TemplateRenderError) throw cause;
    throw new TemplateRenderError(readableMessage(error instanceof Error ? error.message : String(error)));
  } finally {
    budget = null;
  }
}

/** nunjucks writes "(unknown path) [Line 1, Column 3]\n  Error: filter not found: x"; keep the reason and the place. */
function readableMessage(message: string): string {
  const match = /^\(unknown path\)(?: \[Line (\d+), Column (\d+)\])?\s*(?:\w*Error: )?([\s\S]*)$/.exec(message);
  if (!match) return message;
  const [, line, column, reason] = match;
  return line ? `${reason.trim()} (line ${line}, column ${column})` : reason.trim();
}
