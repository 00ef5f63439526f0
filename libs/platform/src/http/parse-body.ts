import type { z } from 'zod';
import { ApiError, type FieldIssue } from '../errors/api-error';

/** Render a zod path the way users read JSON paths: `graph.nodes[1].data.model.name`. */
export function jsonPath(root: string, path: ReadonlyArray<PropertyKey>): string {
  let out = root;
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return out;
}

function valueAt(input: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let v = input;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

/** Validate a request body (or query) with a zod schema; a 400 names every failing field. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown, root = ''): z.infer<S> {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw ApiError.validation('The request body must be a JSON object', [{ path: root || 'body', message: 'must be a JSON object', code: 'invalid_type' }]);
  }
  const nul = findNul(body, []);
  if (nul) {
    const path = jsonPath(root, nul) || 'body';
    throw ApiError.validation(`Invalid request: ${path} contains a NUL character (\\u0000), which cannot be stored`, [{ path, message: 'contains a NUL character (\\u0000)', code: 'invalid_string' }]);
  }
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issues: FieldIssue[] = result.error.issues.map((i) => ({
    path: jsonPath(root, i.path) || 'body',
    message: i.code === 'invalid_type' && valueAt(body, i.path) === undefined ? 'is required' : i.message,
    code: i.code,
  }));
  throw ApiError.validation(`Invalid request: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`, issues);
}

/** The path of the first string (or key) holding U+0000, which Postgres text and jsonb refuse. */
function findNul(v: unknown, path: PropertyKey[]): PropertyKey[] | undefined {
  if (typeof v === 'string') return v.includes('\u0000') ? path : undefined;
  if (v === null || typeof v !== 'object') return undefined;
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const found = findNul(v[i], [...path, i]);
      if (found) return found;
    }
    return undefined;
  }
  for (const [k, child] of Object.entries(v)) {
    if (k.includes('\u0000')) return [...path, k];
    const found = findNul(child, [...path, k]);
    if (found) return found;
  }
  return undefined;
}
