// What a parsed JSON value must not hold before anything stores or walks it: nesting deeper than
// Shoal (and Prisma's serialiser, which recurses) can handle, U+0000 (Postgres text and jsonb refuse
// it), lone UTF-16 surrogates (jsonb refuses them, text columns replace them silently) and keys that
// reach an object's prototype. One iterative walk: a hostile body cannot overflow the stack here.

export const MAX_JSON_DEPTH = 400;

export type JsonHazard = 'too_deep' | 'nul_character' | 'lone_surrogate' | 'forbidden_key';

export interface JsonHazardFound {
  hazard: JsonHazard;
  /** zod-style path to the offending value or key */
  path: PropertyKey[];
}

const HAZARD_MESSAGE: Record<JsonHazard, string> = {
  too_deep: `is nested deeper than ${MAX_JSON_DEPTH} levels`,
  nul_character: 'contains a NUL character (\\u0000), which cannot be stored',
  lone_surrogate: 'contains a lone UTF-16 surrogate (such as \\udfff), which is not valid Unicode and cannot be stored',
  forbidden_key: "uses a reserved key ('__proto__', or 'constructor' holding 'prototype')",
};

export function jsonHazardMessage(h: JsonHazard): string {
  return HAZARD_MESSAGE[h];
}

function stringHazard(s: string): JsonHazard | undefined {
  if (s.includes('\u0000')) return 'nul_character';
  return (s as WellFormedString).isWellFormed() ? undefined : 'lone_surrogate';
}

// ES2024 (Node 20 has it; the repo's TypeScript lib is ES2023)
export type WellFormedString = string & { isWellFormed(): boolean };

interface Frame {
  value: unknown;
  depth: number;
  parent: Frame | undefined;
  key: PropertyKey | undefined;
}

function pathOf(frame: Frame, last?: PropertyKey): PropertyKey[] {
  const out: PropertyKey[] = last === undefined ? [] : [last];
  for (let f: Frame | undefined = frame; f?.parent; f = f.parent) out.push(f.key as PropertyKey);
  return out.reverse();
}

/** The first hazard in `root` (depth counts containers: `{}` is 1, `[[]]` is 2), or undefined. */
export function findJsonHazard(root: unknown, maxDepth = MAX_JSON_DEPTH): JsonHazardFound | undefined {
  const stack: Frame[] = [{ value: root, depth: 0, parent: undefined, key: undefined }];
  while (stack.length > 0) {
    const frame = stack.pop() as Frame;
    const v = frame.value;
    if (typeof v === 'string') {
      const hazard = stringHazard(v);
      if (hazard) return { hazard, path: pathOf(frame) };
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    const depth = frame.depth + 1;
    if (depth > maxDepth) return { hazard: 'too_deep', path: pathOf(frame) };
    // children are pushed in reverse so that the first hazard found is the first in document order
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], depth, parent: frame, key: i });
      continue;
    }
    const keys = Object.keys(v);
    for (const k of keys) {
      const hazard = stringHazard(k) ?? (isForbiddenKey(k, (v as Record<string, unknown>)[k]) ? 'forbidden_key' : undefined);
      if (hazard) return { hazard, path: pathOf(frame, k) };
    }
    for (let i = keys.length - 1; i >= 0; i--)
      stack.push({ value: (v as Record<string, unknown>)[keys[i]], depth, parent: frame, key: keys[i] });
  }
  return undefined;
}

// What secure-json-parse (Fastify's default) refuses: `__proto__` anywhere, and `constructor.prototype`
function isForbiddenKey(key: string, value: unknown): boolean {
  if (key === '__proto__') return true;
  return key === 'constructor' && value !== null && typeof value === 'object' && Object.prototype.hasOwnProperty.call(value, 'prototype');
}

/**
 * The deepest nesting of a JSON text, counted without parsing it and without recursion; stops
 * counting at `limit + 1`. Brackets inside strings do not count. Used before `JSON.parse`, which
 * would otherwise spend seconds building a million nested arrays only to have them refused.
 */
export function exceedsJsonDepth(text: string, limit = MAX_JSON_DEPTH): number | undefined {
  // a depth beyond `limit` needs more than `limit` opening brackets
  if (text.length <= limit * 2) return undefined;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      if (++depth > limit) return i;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return undefined;
}
