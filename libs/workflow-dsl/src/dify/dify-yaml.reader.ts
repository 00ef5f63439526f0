// Reads DSL text into plain JSON with bounds on size, aliases and depth; YAML 1.1 as Dify (PyYAML) writes it.
import type { ScalarTag, Tags } from 'yaml';
import type { DifyImportIssue } from './dify-dsl.types';
import { yaml } from './yaml-module';

export const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;
export const DEFAULT_MAX_ALIAS_COUNT = 100;
export const DEFAULT_MAX_DEPTH = 64;

export interface YamlBounds {
  maxBytes: number;
  maxAliasCount: number;
  maxDepth: number;
}

export type ReadYamlResult = { ok: true; value: unknown } | { ok: false; issue: DifyImportIssue };

/**
 * Tags whose values are not plain JSON (Date, Uint8Array, Set, Map) are left out, so such
 * scalars read as strings and collections as plain mappings and sequences.
 */
const NON_JSON_TAGS = new Set([
  'tag:yaml.org,2002:timestamp',
  'tag:yaml.org,2002:binary',
  'tag:yaml.org,2002:set',
  'tag:yaml.org,2002:omap',
  'tag:yaml.org,2002:pairs',
]);

const NON_JSON_TAG_NAMES = new Set(['timestamp', 'binary', 'set', 'omap', 'pairs']);
const BOOL_TAG = 'tag:yaml.org,2002:bool';

/** PyYAML's booleans: YAML 1.1's without y/Y/n/N, which PyYAML reads as strings (Dify writes `y: 282`). */
const PYYAML_BOOLS: ScalarTag[] = [
  { tag: BOOL_TAG, default: true, identify: (v) => v === true, test: /^(?:[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/, resolve: () => true },
  { tag: BOOL_TAG, default: true, identify: (v) => v === false, test: /^(?:[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/, resolve: () => false },
];

function jsonTags(tags: Tags): Tags {
  const kept = tags.filter((t) =>
    typeof t === 'string' ? !NON_JSON_TAG_NAMES.has(t) && t !== 'bool' : !NON_JSON_TAGS.has(t.tag) && t.tag !== BOOL_TAG,
  );
  return [...PYYAML_BOOLS, ...kept];
}

/** UTF-8 length without encoding the whole text when it is clearly small or clearly large. */
function exceedsBytes(text: string, maxBytes: number): boolean {
  if (text.length * 3 <= maxBytes) return false;
  if (text.length > maxBytes) return true;
  return new TextEncoder().encode(text).length > maxBytes;
}

export function readDslYaml(text: string, bounds: YamlBounds): ReadYamlResult {
  if (exceedsBytes(text, bounds.maxBytes)) {
    return { ok: false, issue: { path: '', code: 'too_large', message: `the DSL is larger than ${bounds.maxBytes} bytes` } };
  }
  let value: unknown;
  try {
    const doc = yaml().parseDocument(text, { version: '1.1', customTags: jsonTags, prettyErrors: true });
    const error = doc.errors[0];
    // The parser turns its own stack overflow on deep nesting into a document error.
    if (error && /call stack/i.test(error.message)) {
      return { ok: false, issue: { path: '', code: 'too_deep', message: 'the YAML nests too deeply to be read' } };
    }
    if (error) {
      const pos = error.linePos?.[0];
      const where = pos ? ` at line ${pos.line}, column ${pos.col}` : '';
      return {
        ok: false,
        issue: {
          path: '',
          code: 'yaml_syntax',
          message: `invalid YAML${where}: ${firstLine(error.message)}`,
          ...(pos ? { line: pos.line, column: pos.col } : {}),
        },
      };
    }
    value = doc.toJS({ maxAliasCount: bounds.maxAliasCount });
  } catch (err) {
    // toJS throws a ReferenceError for an alias bomb; a pathologically nested text can overflow the stack.
    const message = err instanceof Error ? err.message : String(err);
    if (/alias/i.test(message)) {
      return {
        ok: false,
        issue: {
          path: '',
          code: 'too_many_aliases',
          message: `the YAML expands more than ${bounds.maxAliasCount} aliases (anchors and *references)`,
        },
      };
    }
    if (err instanceof RangeError)
      return { ok: false, issue: { path: '', code: 'too_deep', message: 'the YAML nests too deeply to be read' } };
    return { ok: false, issue: { path: '', code: 'yaml_syntax', message: `invalid YAML: ${firstLine(message)}` } };
  }
  const depth = depthOf(value, bounds.maxDepth);
  if (depth > bounds.maxDepth) {
    return { ok: false, issue: { path: '', code: 'too_deep', message: `the YAML nests deeper than ${bounds.maxDepth} levels` } };
  }
  return { ok: true, value };
}

function firstLine(message: string): string {
  return message.split('\n', 1)[0].replace(/ at line \d+, column \d+:?$/, '');
}

/** Nesting depth of mappings and sequences, iteratively (no recursion), stopping once past `limit`. */
function depthOf(root: unknown, limit: number): number {
  let max = 0;
  const stack: Array<{ value: unknown; depth: number }> = [{ value: root, depth: 0 }];
  while (stack.length > 0) {
    const { value, depth } = stack.pop() as { value: unknown; depth: number };
    if (typeof value !== 'object' || value === null) continue;
    const level = depth + 1;
    if (level > max) max = level;
    if (max > limit) return max;
    const children = Array.isArray(value) ? value : Object.values(value);
    for (const child of children) if (typeof child === 'object' && child !== null) stack.push({ value: child, depth: level });
  }
  return max;
}
