// What the DSL needs to know about one node type. New node types add a definition and join the registry.
import { z } from 'zod';
import type { LocalIssue } from '../zod-issues';
import type { PathSegment } from '../validation-issue';

/** Fields every node's data carries, whatever its type. */
export interface BaseNodeData {
  type: string;
  /** Defaults to the node id when absent. */
  title: string;
  desc?: string;
  /**
   * What a failure does (Dify's error handling, on the node types in ERROR_STRATEGY_NODE_TYPES): absent,
   * the run fails; 'fail-branch', the node ends as `exception` and its 'fail-branch' edges are taken;
   * 'default-value', it ends as `exception` with `default_value` as outputs and its 'source' edges taken.
   */
  error_strategy?: ErrorStrategy;
  default_value?: ErrorDefaultValue[];
  /**
   * Dify's per-node retries (honoured on the node types in RETRY_NODE_TYPES): a failed attempt is
   * retried up to `max_retries` times, `retry_interval` ms apart, before error_strategy applies.
   */
  retry_config?: RetryConfig;
}

export interface RetryConfig {
  retry_enabled: boolean;
  max_retries: number;
  /** Milliseconds between a failed attempt and the next. */
  retry_interval: number;
}

/** Dify's editor bounds: at most 10 retries, at most 5000 ms apart. */
export const MAX_NODE_RETRIES = 10;
export const MAX_RETRY_INTERVAL_MS = 5000;

export type ErrorStrategy = 'fail-branch' | 'default-value';

export interface ErrorDefaultValue {
  key: string;
  type?: string;
  value: unknown;
}

/** The handle a node with `error_strategy: 'fail-branch'` leaves by when it fails. */
export const FAIL_BRANCH_HANDLE = 'fail-branch';

/** A place in a node's data that reads a variable: a `{{#...#}}` in text or a value selector. */
export interface NodeReference {
  /** Relative to the node's `data`. */
  path: PathSegment[];
  selector: readonly string[];
  /** The `{{#...#}}` text when the reference sits in a template. */
  raw?: string;
}

export interface NodeDefinition<D extends BaseNodeData, P> {
  readonly type: D['type'];
  /** Validates raw `data`; unknown fields pass (Dify exports carry many). */
  readonly schema: z.ZodType<P>;
  normalize(parsed: P, nodeId: string): D;
  /** Rules zod cannot express cleanly (uniqueness, cross-field). */
  check?(parsed: P): LocalIssue[];
  references(parsed: P): NodeReference[];
  /** Fields other nodes may reference; null when they are not known before the run. */
  outputFields(parsed: P): readonly string[] | null;
  /** The `sourceHandle`s its outgoing edges may use; `['source']` when absent. */
  sourceHandles?(parsed: P): readonly string[];
}

export const DEFAULT_SOURCE_HANDLES: readonly string[] = ['source'];

/** Identifiers as Dify's editor allows them for variable names. */
export const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Names that would reach Object.prototype when used as keys of a plain object. */
export const RESERVED_VARIABLE_NAMES: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** A variable or output name a node declares: an identifier, and not one of RESERVED_VARIABLE_NAMES. */
export const variableNameSchema = z
  .string()
  .regex(VARIABLE_NAME, { error: 'must be an identifier (letters, digits and _, not starting with a digit)' })
  .refine((name) => !RESERVED_VARIABLE_NAMES.has(name), { error: (issue) => `'${String(issue.input)}' is reserved; choose another name` });

/** `[nodeId, field, ...path]` */
export const selectorSchema = z.array(z.string().min(1)).min(2);

/** duplicate_variable issues for repeated names in a list at `listPath`, each pointing at `[i, field]`. */
export function uniqueNames(names: readonly string[], listPath: string | PathSegment[], field: string): LocalIssue[] {
  const issues: LocalIssue[] = [];
  const seen = new Map<string, number>();
  const base = typeof listPath === 'string' ? [listPath] : listPath;
  names.forEach((name, i) => {
    const first = seen.get(name);
    if (first === undefined) seen.set(name, i);
    else
      issues.push({
        path: [...base, i, field],
        code: 'duplicate_variable',
        detail: `'${name}' is already declared by ${base.join('.')}[${first}]`,
      });
  });
  return issues;
}

export const baseDataShape = {
  title: z.string().nullish(),
  desc: z.string().nullish(),
  error_strategy: z.enum(['fail-branch', 'default-value', 'none']).nullish(),
  default_value: z.array(z.looseObject({ key: z.string().min(1), type: z.string().nullish(), value: z.unknown().optional() })).nullish(),
  retry_config: z
    .looseObject({
      retry_enabled: z.boolean().nullish(),
      max_retries: z.number().int().min(0).max(MAX_NODE_RETRIES, `must be at most ${MAX_NODE_RETRIES}`).nullish(),
      retry_interval: z.number().int().min(0).max(MAX_RETRY_INTERVAL_MS, `must be at most ${MAX_RETRY_INTERVAL_MS} (ms)`).nullish(),
    })
    .nullish(),
};

/**
 * The parsed data, unknown fields included, with Dify's null title/desc replaced and `fields` on top.
 * Object.assign, not spread: V8 is ~25x slower spreading an object and then redefining its keys.
 */
export function normalizeData<
  P extends {
    title?: string | null;
    desc?: string | null;
    error_strategy?: string | null;
    default_value?: unknown;
    retry_config?: unknown;
  },
  T extends string,
  F extends object,
>(
  parsed: P,
  type: T,
  nodeId: string,
  fields: F,
): Omit<P, 'error_strategy' | 'default_value' | 'retry_config'> & {
  type: T;
  title: string;
  desc: string | undefined;
  error_strategy: ErrorStrategy | undefined;
  default_value: ErrorDefaultValue[] | undefined;
  retry_config: RetryConfig | undefined;
} & F {
  // Dify writes error_strategy 'none' (or null) for "fail the run".
  const strategy: ErrorStrategy | undefined =
    parsed.error_strategy === 'fail-branch' || parsed.error_strategy === 'default-value' ? parsed.error_strategy : undefined;
  const defaults: ErrorDefaultValue[] | undefined =
    strategy === 'default-value' && Array.isArray(parsed.default_value)
      ? (parsed.default_value as Array<{ key: string; type?: string | null; value?: unknown }>).map((d) => ({
          key: d.key,
          type: d.type ?? undefined,
          value: d.value ?? null,
        }))
      : undefined;
  return Object.assign(
    {},
    parsed,
    {
      type,
      title: parsed.title || nodeId,
      desc: parsed.desc ?? undefined,
      error_strategy: strategy,
      default_value: defaults,
      retry_config: normalizeRetryConfig(parsed.retry_config),
    },
    fields,
  );
}

/** Dify's retry_config with its defaults (disabled, 0 retries, 0 ms); undefined when absent. */
function normalizeRetryConfig(raw: unknown): RetryConfig | undefined {
  if (raw === null || typeof raw !== 'object') return undefined;
  const r = raw as { retry_enabled?: boolean | null; max_retries?: number | null; retry_interval?: number | null };
  return { retry_enabled: r.retry_enabled === true, max_retries: r.max_retries ?? 0, retry_interval: r.retry_interval ?? 0 };
}
