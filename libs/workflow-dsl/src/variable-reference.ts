// Variable references in text (`{{#node_id.field#}}`), compiled templates and value-to-text rendering.

/** A node id as references can name it; the reference syntax has no escaping, so ids are restricted to this. */
export const NODE_ID_PATTERN = /^[A-Za-z0-9_-]+$/;

// Dify's pattern, widened only to allow '-' in node ids (Shoal's ids may contain it). Every part is
// bounded, so matching costs a bounded amount of work per '{{#' whatever the text around it.
const REFERENCE = /\{\{#([a-zA-Z0-9_-]{1,50}(?:\.[a-zA-Z_][a-zA-Z0-9_]{0,29}){1,10})#\}\}/g;

export interface VariableReference {
  /** `['llm', 'usage', 'total_tokens']` for `{{#llm.usage.total_tokens#}}`. */
  selector: string[];
  /** The reference as written, braces included. */
  raw: string;
}

export type VariableLookup = (selector: readonly string[]) => unknown;

/** A template split once into literal text and selectors, so rendering it per run is a loop over parts. */
export interface CompiledTemplate {
  readonly source: string;
  /** Literal strings and selectors, in order. */
  readonly parts: ReadonlyArray<string | readonly string[]>;
  readonly references: readonly VariableReference[];
}

export function parseVariableReferences(text: string): VariableReference[] {
  if (!text.includes('{{#')) return [];
  const refs: VariableReference[] = [];
  // exec with a local regex rather than matchAll: no iterator or regex clone per call.
  const pattern = new RegExp(REFERENCE);
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text))
    refs.push({ selector: match[1].split('.'), raw: match[0] });
  return refs;
}

export function compileTemplate(text: string): CompiledTemplate {
  if (!text.includes('{{#')) return { source: text, parts: [text], references: [] };
  const parts: Array<string | string[]> = [];
  const references: VariableReference[] = [];
  let last = 0;
  for (const match of text.matchAll(REFERENCE)) {
    const selector = match[1].split('.');
    if (match.index > last) parts.push(text.slice(last, match.index));
    parts.push(selector);
    references.push({ selector, raw: match[0] });
    last = match.index + match[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return { source: text, parts, references };
}

export function renderCompiledTemplate(template: CompiledTemplate, lookup: VariableLookup): string {
  const { parts } = template;
  if (parts.length === 1 && typeof parts[0] === 'string') return parts[0];
  let out = '';
  for (const part of parts) {
    if (typeof part === 'string') out += part;
    else {
      const value = lookup(part);
      // As Dify renders a reference it cannot resolve: the selector text without the braces.
      out += value === undefined ? part.join('.') : stringifyValue(value);
    }
  }
  return out;
}

/** Replaces every `{{#...#}}` reference with the looked-up value; an unresolved one renders as `node.field`. */
export function renderTemplate(text: string, lookup: VariableLookup): string {
  return renderCompiledTemplate(compileTemplate(text), lookup);
}

/** How a variable reads inside text: as Dify's segments render (objects and arrays as JSON, nothing as ''). */
export function stringifyValue(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'undefined':
      return '';
    case 'number':
    case 'boolean':
    case 'bigint':
      return String(value);
    case 'object':
      if (value === null) return '';
      try {
        return JSON.stringify(value);
      } catch {
        // Circular structures cannot come from JSON outputs; fall back rather than fail a render.
        return String(value);
      }
    default:
      return '';
  }
}
