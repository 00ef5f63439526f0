// Refusing a parsed JSON value that holds something Shoal cannot store or walk (see the scan), as a
// 400 that names the JSON path. Values that the body parser already checked are not walked again.
import { ApiError } from '../errors/api-error';
import { findJsonHazard, jsonHazardMessage, MAX_JSON_DEPTH } from './json-safety.scan';
import { jsonPath } from './json-path';

const checked = new WeakSet<object>();
const MAX_PATH_CHARS = 300;

/** Records that `value` holds no hazard (its text showed that it cannot): later checks of it do not walk it. */
export function markJsonSafe(value: unknown): void {
  if (value !== null && typeof value === 'object') checked.add(value);
}

/** Throws a 400 naming the first hazard's path; `root` prefixes the path ('' for a body, 'query'). */
export function assertJsonSafe(value: unknown, root = ''): void {
  if (value !== null && typeof value === 'object' && (isEmpty(value) || checked.has(value))) return;
  const found = findJsonHazard(value);
  if (found) {
    // a hostile key can be a megabyte long: the answer names where, not all of it
    const full = jsonPath(root, found.path) || root || 'body';
    const path = full.length > MAX_PATH_CHARS ? `${full.slice(0, MAX_PATH_CHARS)}…` : full;
    const message = jsonHazardMessage(found.hazard);
    if (found.hazard === 'too_deep') {
      throw new ApiError('json_too_deep', `The request is nested deeper than ${MAX_JSON_DEPTH} levels (at ${path})`, {
        issues: [{ path, message, code: found.hazard }],
      });
    }
    throw ApiError.validation(`Invalid request: ${path} ${message}`, [{ path, message, code: found.hazard }]);
  }
  if (value !== null && typeof value === 'object') checked.add(value);
}

/** `{}` or `[]` (a route's params and query, most of the time): nothing to walk, nothing to remember. */
function isEmpty(value: object): boolean {
  for (const _ in value) return false;
  return true;
}
