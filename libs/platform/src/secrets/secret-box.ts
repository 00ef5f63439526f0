// Encrypts the secrets Shoal keeps at rest (secret environment variables of workflows) with
// AES-256-GCM under SHOAL_SECRETS_KEY. A sealed value names its format, carries its own random IV
// and tag, and is bound to its owner (the tenant and the variable), so it cannot be moved elsewhere.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const PREFIX = 'shoal:enc:v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretBoxError';
  }
}

/** Parses SHOAL_SECRETS_KEY: base64 (or base64url) of exactly 32 bytes; null with the reason otherwise. */
export function parseSecretsKey(text: string): Buffer | null {
  const t = text.trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(t)) return null;
  const key = Buffer.from(t.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return key.length === 32 ? key : null;
}

export class SecretBox {
  // a private field: invisible to JSON, spread and util.inspect, so the key never reaches a log
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length !== 32) throw new SecretBoxError('a secrets key is 32 bytes');
    this.#key = Buffer.from(key);
  }

  static isSealed(value: unknown): value is string {
    return typeof value === 'string' && value.startsWith(PREFIX);
  }

  /** `owner` (e.g. `tenant:variable`) must be given again to open it. */
  seal(plaintext: string, owner: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#key, iv);
    cipher.setAAD(Buffer.from(owner, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return PREFIX + Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
  }

  open(sealed: string, owner: string): string {
    if (!SecretBox.isSealed(sealed)) throw new SecretBoxError('the value is not a sealed secret');
    const raw = Buffer.from(sealed.slice(PREFIX.length), 'base64url');
    if (raw.length < IV_BYTES + TAG_BYTES) throw new SecretBoxError('the sealed secret is truncated');
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.#key, raw.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(owner, 'utf8'));
      decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
      return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
    } catch {
      // never say more: which byte failed tells an attacker nothing useful, and the cause is the key
      throw new SecretBoxError('the sealed secret does not open with this SHOAL_SECRETS_KEY (another key sealed it, or it was altered)');
    }
  }

  toJSON(): string {
    return '[redacted]';
  }
}
