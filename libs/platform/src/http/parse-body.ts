import type { z } from 'zod';
import { ApiError, type FieldIssue } from '../errors/api-error';
import { jsonPath } from './json-path';
import { assertJsonSafe } from './json-safety';

export { jsonPath };

function valueAt(input: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let v = input;
  for (const p of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[p];
  }
  return v;
}

/**
 * Validate a request body (or query) with a zod schema; a 400 names every failing field. `plain`:
 * a direct check that gives what the schema would for the common shape, and undefined otherwise
 * (then the schema decides and explains), for a body every request carries.
 */
export function parseBody<S extends z.ZodType>(
  schema: S,
  body: unknown,
  root = '',
  plain?: (body: unknown) => z.infer<S> | undefined,
): z.infer<S> {
  if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw ApiError.validation('The request body must be a JSON object', [
      { path: root || 'body', message: 'must be a JSON object', code: 'invalid_type' },
    ]);
  }
  assertJsonSafe(body, root);
  const fast = plain?.(body);
  if (fast !== undefined) return fast;
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issues: FieldIssue[] = result.error.issues.map((i) => ({
    path: jsonPath(root, i.path) || 'body',
    message: i.code === 'invalid_type' && valueAt(body, i.path) === undefined ? 'is required' : i.message,
    code: i.code,
  }));
  throw ApiError.validation(`Invalid request: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`, issues);
}
