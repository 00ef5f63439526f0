// A JSONPath subset, as json_process queries use it (jsonpath_ng): `$` (optional), `.name`, `['name']`,
// `[0]` (negative from the end), `[*]` and `.*`, and `..` (recursive descent). Matches know their
// parent and key, so that tools can replace, rename or delete them.

export type JsonPathStep = { kind: 'field'; name: string } | { kind: 'index'; index: number } | { kind: 'wildcard' } | { kind: 'descend' };

export interface JsonPathMatch {
  value: unknown;
  /** The object or array holding it; null for the document itself. */
  parent: Record<string, unknown> | unknown[] | null;
  key: string | number | null;
}

/** Matches one query may produce: a bound on the work of a wildcard over a large document. */
export const MAX_JSON_PATH_MATCHES = 10_000;
const MAX_QUERY_CHARS = 1000;

export class JsonPathError extends Error {}

export function parseJsonPath(query: string): JsonPathStep[] {
  if (query.length > MAX_QUERY_CHARS) throw new JsonPathError(`the query is longer than ${MAX_QUERY_CHARS} characters`);
  const q = query.trim();
  const steps: JsonPathStep[] = [];
  let i = q.startsWith('$') ? 1 : 0;
  const fail = (why: string): never => {
    throw new JsonPathError(`Cannot parse '${query}' at position ${i}: ${why}`);
  };
  const readName = () => {
    const m = /^[^.[\]\s]+/.exec(q.slice(i));
    if (!m) fail('a field name is expected');
    i += (m as RegExpExecArray)[0].length;
    const name = (m as RegExpExecArray)[0];
    steps.push(name === '*' ? { kind: 'wildcard' } : { kind: 'field', name });
  };
  if (i === 0 && q.length && q[0] !== '.' && q[0] !== '[') readName();
  while (i < q.length) {
    if (q.startsWith('..', i)) {
      i += 2;
      steps.push({ kind: 'descend' });
      if (q[i] !== '[') readName();
    } else if (q[i] === '.') {
      i += 1;
      readName();
    } else if (q[i] === '[') {
      const end = q.indexOf(']', i);
      if (end < 0) fail("']' is missing");
      const inner = q.slice(i + 1, end).trim();
      i = end + 1;
      const quoted = /^'(.*)'$|^"(.*)"$/.exec(inner);
      if (inner === '*') steps.push({ kind: 'wildcard' });
      else if (quoted) steps.push({ kind: 'field', name: quoted[1] ?? quoted[2] });
      else if (/^-?\d+$/.test(inner)) steps.push({ kind: 'index', index: Number(inner) });
      else fail(`unsupported selector [${inner}]`);
    } else fail(`unexpected '${q[i]}'`);
  }
  return steps;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function children(m: JsonPathMatch, out: JsonPathMatch[]): void {
  if (Array.isArray(m.value)) m.value.forEach((value, key) => out.push({ value, parent: m.value as unknown[], key }));
  else if (isObject(m.value))
    for (const [key, value] of Object.entries(m.value)) out.push({ value, parent: m.value as Record<string, unknown>, key });
}

function push(out: JsonPathMatch[], m: JsonPathMatch): void {
  if (out.length >= MAX_JSON_PATH_MATCHES) throw new JsonPathError(`the query matches more than ${MAX_JSON_PATH_MATCHES} values`);
  out.push(m);
}

export function findJsonPath(doc: unknown, steps: readonly JsonPathStep[]): JsonPathMatch[] {
  let current: JsonPathMatch[] = [{ value: doc, parent: null, key: null }];
  for (const step of steps) {
    const next: JsonPathMatch[] = [];
    for (const m of current) {
      if (step.kind === 'field') {
        if (isObject(m.value) && Object.hasOwn(m.value, step.name))
          push(next, { value: m.value[step.name], parent: m.value, key: step.name });
      } else if (step.kind === 'index') {
        if (Array.isArray(m.value)) {
          const at = step.index < 0 ? m.value.length + step.index : step.index;
          if (at >= 0 && at < m.value.length) push(next, { value: m.value[at], parent: m.value, key: at });
        }
      } else if (step.kind === 'wildcard') {
        const kids: JsonPathMatch[] = [];
        children(m, kids);
        for (const k of kids) push(next, k);
      } else {
        // the match itself and every value below it, depth first
        const stack = [m];
        while (stack.length) {
          const top = stack.pop() as JsonPathMatch;
          push(next, top);
          const kids: JsonPathMatch[] = [];
          children(top, kids);
          for (let k = kids.length - 1; k >= 0; k--) stack.push(kids[k]);
        }
      }
    }
    current = next;
  }
  return current;
}

/** Python's json.dumps with its default separators (', ', ': '); ensure_ascii escapes non-ASCII as \uXXXX. */
export function pythonJsonDumps(value: unknown, ensureAscii: boolean): string {
  if (typeof value === 'string') {
    const s = JSON.stringify(value);
    return ensureAscii ? s.replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`) : s;
  }
  if (Array.isArray(value)) return `[${value.map((v) => pythonJsonDumps(v, ensureAscii)).join(', ')}]`;
  if (isObject(value))
    return `{${Object.entries(value)
      .map(([k, v]) => `${pythonJsonDumps(k, ensureAscii)}: ${pythonJsonDumps(v, ensureAscii)}`)
      .join(', ')}}`;
  return value === undefined ? 'null' : JSON.stringify(value);
}

/** Python's str() of a JSON scalar: True, False, None, numbers and strings as they are. */
export function pythonStr(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  return String(value);
}
