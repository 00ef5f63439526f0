// Encrypts the secrets Shoal keeps at rest (provider credentials, secret environment variables of
// workflows) with AES-256-GCM under SHOAL_SECRET_KEY. A sealed value names its format and the key
// that sealed it (a fingerprint, so rotation knows which key opens it), carries its own random IV
// and tag, and is bound to its owner (tenant and what it is), so it cannot be moved elsewhere.
//
//   shoal:enc:v2:<key id>:<base64url(iv ‖ tag ‖ ciphertext)>     (written today)
//   shoal:enc:v1:<base64url(iv ‖ tag ‖ ciphertext)>              (before key ids; still opened, with every key)
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

const PREFIX = 'shoal:enc:';
const V1 = 'shoal:enc:v1:';
const V2 = 'shoal:enc:v2:';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export class SecretBoxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SecretBoxError';
  }
}

/** Parses a secret key: base64 (or base64url) of exactly 32 bytes; null otherwise. */
export function parseSecretsKey(text: string): Buffer | null {
  const t = text.trim();
  if (!/^[A-Za-z0-9+/_-]+={0,2}$/.test(t)) return null;
  const key = Buffer.from(t.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return key.length === 32 ? key : null;
}

/** A key's public name inside ciphertexts: 8 hex characters of its SHA-256 (says which key, reveals nothing of it). */
export function secretKeyId(key: Buffer): string {
  return createHash('sha256').update('shoal-secret-key-id:').update(key).digest('hex').slice(0, 8);
}

interface KeyEntry {
  readonly id: string;
  readonly key: Buffer;
}

export class SecretBox {
  // private fields: invisible to JSON, spread and util.inspect, so no key ever reaches a log
  readonly #current: KeyEntry;
  readonly #all: readonly KeyEntry[];

  /** `key` seals and opens; each of `previous` only opens (what rotation reseals). */
  constructor(key: Buffer, previous: readonly Buffer[] = []) {
    for (const k of [key, ...previous]) if (k.length !== 32) throw new SecretBoxError('a secret key is 32 bytes');
    this.#current = { id: secretKeyId(key), key: Buffer.from(key) };
    const older = previous.map((k) => ({ id: secretKeyId(k), key: Buffer.from(k) })).filter((e) => e.id !== this.#current.id);
    this.#all = [this.#current, ...older];
  }

  static isSealed(value: unknown): value is string {
    return typeof value === 'string' && value.startsWith(PREFIX);
  }

  /** The id of the key that seals today. */
  get keyId(): string {
    return this.#current.id;
  }

  /** The id of the key that sealed `sealed` (null for a v1 value, which names none). */
  static keyIdOf(sealed: string): string | null {
    if (!sealed.startsWith(V2)) return null;
    const id = sealed.slice(V2.length).split(':', 1)[0];
    return id ?? null;
  }

  /** True when `sealed` was not sealed by the current key: a rotation pass reseals it. */
  needsReseal(sealed: string): boolean {
    return SecretBox.keyIdOf(sealed) !== this.#current.id;
  }

  /** `owner` (e.g. `tenant:env:variable`) must be given again to open it. */
  seal(plaintext: string, owner: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.#current.key, iv);
    cipher.setAAD(Buffer.from(owner, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return `${V2}${this.#current.id}:${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
  }

  open(sealed: string, owner: string): string {
    if (!SecretBox.isSealed(sealed)) throw new SecretBoxError('the value is not a sealed secret');
    let payload: string;
    let candidates: readonly KeyEntry[];
    if (sealed.startsWith(V2)) {
      const rest = sealed.slice(V2.length);
      const colon = rest.indexOf(':');
      if (colon < 0) throw new SecretBoxError('the sealed secret is truncated');
      const id = rest.slice(0, colon);
      payload = rest.slice(colon + 1);
      candidates = this.#all.filter((e) => e.id === id);
      if (candidates.length === 0)
        throw new SecretBoxError(
          `the sealed secret was sealed by key ${id}, which is neither SHOAL_SECRET_KEY nor in SHOAL_SECRET_KEY_PREVIOUS`,
        );
    } else if (sealed.startsWith(V1)) {
      payload = sealed.slice(V1.length);
      candidates = this.#all;
    } else {
      throw new SecretBoxError('the sealed secret has an unknown format version');
    }
    const raw = Buffer.from(payload, 'base64url');
    if (raw.length < IV_BYTES + TAG_BYTES) throw new SecretBoxError('the sealed secret is truncated');
    for (const { key } of candidates) {
      const opened = tryOpen(key, raw, owner);
      if (opened !== null) return opened;
    }
    // never say more: which byte failed tells an attacker nothing useful, and the cause is the key
    throw new SecretBoxError('the sealed secret does not open with SHOAL_SECRET_KEY (another key sealed it, or it was altered)');
  }

  toJSON(): string {
    return '[redacted]';
  }
}

function tryOpen(key: Buffer, raw: Buffer, owner: string): string | null {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(owner, 'utf8'));
    decipher.setAuthTag(raw.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(raw.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    return null;
  }
}
