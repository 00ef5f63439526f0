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
}

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
}

/** Identifiers as Dify's editor allows them for variable names. */
export const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const baseDataShape = {
  title: z.string().nullish(),
  desc: z.string().nullish(),
};

/** Spread over the parsed data: replaces Dify's nulls and fills the title. */
export function normalizeBase<T extends string>(type: T, parsed: { title?: string | null; desc?: string | null }, nodeId: string): { type: T; title: string; desc: string | undefined } {
  return { type, title: parsed.title || nodeId, desc: parsed.desc ?? undefined };
}

