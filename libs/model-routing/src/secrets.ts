// Keeps provider API keys out of logs, error messages and serialized config.

const REDACTED = '[redacted]';

/**
 * An API key that refuses to be printed. Every path by which a value usually escapes into a log
 * line (template strings, `String()`, `JSON.stringify`, pino's serializers, `util.inspect` /
 * `console.log`) yields `[redacted]`; only an explicit `.reveal()` returns the key, so a leak
 * needs a deliberate call that shows up in review.
 */
export class Secret {
  // A private field, not a property: it is invisible to Object.keys, spread, JSON and inspect.
  readonly #value: string;

  constructor(value: string) {
    this.#value = value;
  }

  reveal(): string {
    return this.#value;
  }

  get isEmpty(): boolean {
    return this.#value.length === 0;
  }

  toString(): string {
    return REDACTED;
  }

  toJSON(): string {
    return REDACTED;
  }

  [Symbol.toPrimitive](): string {
    return REDACTED;
  }

  // The symbol Node's util.inspect looks up; Symbol.for avoids importing node:util into a core lib.
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return REDACTED;
  }
}

// Shapes that provider keys and credentials take in error messages we pass on:
//  - OpenAI and DeepSeek keys (`sk-…`, `sk-proj-…`), including OpenAI's half-masked echo
//    "Incorrect API key provided: sk-abc1*********wxyz";
//  - bearer tokens echoed back by proxies;
//  - `api_key=…` / `"apiKey": "…"` fragments from query strings and JSON bodies.
const KEY_PATTERNS: readonly RegExp[] = [
  /\bsk-[A-Za-z0-9*_-]{6,}/g,
  /\b(Bearer\s+)[A-Za-z0-9._~+/*=-]{6,}/gi,
  /\b(api[_-]?key["']?\s*[:=]\s*["']?)[^\s"'&,}]{6,}/gi,
];

/** Redacts anything that looks like a provider key, whether or not we know the key. */
export function redactKeyPatterns(text: string): string {
  let out = text;
  for (const pattern of KEY_PATTERNS) {
    out = out.replace(pattern, (_match: string, prefix?: unknown) => (typeof prefix === 'string' ? `${prefix}${REDACTED}` : REDACTED));
  }
  return out;
}

/**
 * Replaces every occurrence of the given secrets in `text` with `[redacted]`, then applies the
 * generic key patterns. Very short values are skipped: redacting every "a" in a message would
 * make it unreadable and protects nothing.
 */
export function redactSecrets(text: string, secrets: ReadonlyArray<string | Secret>): string {
  const values = secrets
    .map((s) => (s instanceof Secret ? s.reveal() : s))
    .filter((s) => s.length >= 4)
    // Longest first, so a secret that contains another is replaced whole.
    .sort((a, b) => b.length - a.length);
  let out = text;
  for (const value of values) {
    out = out.split(value).join(REDACTED);
  }
  return redactKeyPatterns(out);
}
