// The JSON body parser every Shoal service uses, instead of Fastify's: it refuses, as a 400 before
// any controller runs, bodies that are not JSON, nested too deep, or holding what cannot be stored.
import { ApiError } from '../errors/api-error';
import { exceedsJsonDepth, MAX_JSON_DEPTH, type WellFormedString } from './json-safety.scan';
import { assertJsonSafe, markJsonSafe } from './json-safety';

export function parseJsonBody(raw: string): unknown {
  // a leading byte-order mark (Windows tools send one) is not part of the JSON, as Fastify also held
  const text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
  if (text.trim() === '') {
    throw new ApiError('invalid_json', 'The request body is empty; send a JSON value', {
      issues: [{ path: 'body', message: 'is empty', code: 'empty_body' }],
    });
  }
  // counted on the text first: JSON.parse would spend seconds building what is about to be refused
  const at = exceedsJsonDepth(text);
  if (at !== undefined) {
    const message = `is nested deeper than ${MAX_JSON_DEPTH} levels`;
    throw new ApiError('json_too_deep', `The request body is nested deeper than ${MAX_JSON_DEPTH} levels (at character ${at})`, {
      issues: [{ path: 'body', message, code: 'too_deep' }],
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw new ApiError('invalid_json', `The request body is not valid JSON: ${reason}`, {
      issues: [{ path: 'body', message: `is not valid JSON: ${reason}`, code: 'invalid_json' }],
    });
  }
  // most bodies show on their text that they hold no hazard: a few scans of the text, not a walk of every value and key
  if (cannotHoldHazard(text)) markJsonSafe(value);
  else assertJsonSafe(value);
  return value;
}

/**
 * True when parsing `text` cannot give what `findJsonHazard` refuses (its depth is counted on the
 * text apart). A string holds U+0000 or a lone surrogate only through a `\u` escape (JSON refuses
 * raw control characters) or when the text itself holds the lone surrogate; a key is `__proto__` or
 * `constructor` only if those letters stand in the text as they are (other escapes make no letters).
 */
export function cannotHoldHazard(text: string): boolean {
  return !text.includes('\\u') && !text.includes('__proto__') && !text.includes('constructor') && (text as WellFormedString).isWellFormed();
}
