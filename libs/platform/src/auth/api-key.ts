import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

const KEY_PREFIX = 'sk-shoal-';

/** A new API key. Only its hash is ever stored. */
export function generateApiKey(): string {
  return KEY_PREFIX + randomBytes(24).toString('base64url');
}

export function hashApiKey(key: string): string {
  // the one-shot hash: no Hash object per request (this runs for every authenticated request)
  return hash('sha256', key, 'hex');
}

/** What may be shown of a key: enough to recognise it, not enough to use it. */
export function displayPrefix(key: string): string {
  return key.slice(0, KEY_PREFIX.length + 4);
}

export function constantTimeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function bearerToken(header: string | string[] | undefined): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(value ?? '');
  return m?.[1];
}
