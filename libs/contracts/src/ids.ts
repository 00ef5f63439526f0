// Public identifiers: a type prefix and a ULID (time-sortable, 26 Crockford base32 chars, lower case).
import { randomBytes } from 'node:crypto';

export type IdPrefix =
  | 'ten'
  | 'key'
  | 'wf'
  | 'wfv'
  | 'run'
  | 'nex'
  | 'dep'
  | 'cred'
  | 'use'
  | 'bud'
  | 'price'
  | 'chatcmpl'
  | 'conv'
  | 'msg'
  | 'file'
  | 'alias'
  | 'mcp';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const TWO_40 = 2 ** 40;

// The 80 random bits as two 40-bit halves (exact in a double), and the encodings that change less
// often than every id kept as strings: an id in the same millisecond re-encodes only the low half.
let lastTime = -1;
let timePart = '';
let high = 0;
let highPart = '';
let low = 0;

/** `chars` Crockford base32 characters of `value` (< 32^chars), most significant first. */
function encode(value: number, chars: number): string {
  let out = '';
  for (let i = 0; i < chars; i++) {
    out = ALPHABET[value % 32] + out;
    value = Math.floor(value / 32);
  }
  return out;
}

function fromBytes(bytes: Uint8Array, offset: number): number {
  let value = 0;
  for (let i = offset; i < offset + 5; i++) value = value * 256 + bytes[i];
  return value;
}

// every 10-bit value as its two characters: 40 bits encode in four lookups
const PAIRS = Array.from({ length: 1024 }, (_, i) => ALPHABET[i >> 5] + ALPHABET[i & 31]);
const TWO_20 = 2 ** 20;

/** The 8 characters of a 40-bit value. */
function encode40(value: number): string {
  const top = Math.floor(value / TWO_20);
  const bottom = value % TWO_20;
  return PAIRS[top >> 10] + PAIRS[top & 1023] + PAIRS[bottom >> 10] + PAIRS[bottom & 1023];
}

/** A ULID, monotonic within one process (same millisecond -> random part incremented). */
export function ulid(now = Date.now()): string {
  if (now > lastTime) {
    lastTime = now;
    timePart = encode(now, 10);
    const bytes = randomBytes(10);
    high = fromBytes(bytes, 0);
    highPart = encode40(high);
    low = fromBytes(bytes, 5);
  } else if (++low === TWO_40) {
    low = 0;
    high = (high + 1) % TWO_40;
    highPart = encode40(high);
  }
  return timePart + highPart + encode40(low);
}

export function newId(prefix: IdPrefix): string {
  return `${prefix}_${ulid()}`;
}

export function hasPrefix(id: string, prefix: IdPrefix): boolean {
  return id.startsWith(`${prefix}_`) && id.length === prefix.length + 27;
}

/** Could this be an id of that kind? A cheap filter before a lookup: it rejects what no id can contain (NUL, spaces, ...). */
export function looksLikeId(id: string, prefix: IdPrefix): boolean {
  return id.startsWith(`${prefix}_`) && id.length <= 128 && /^[0-9A-Za-z_-]+$/.test(id);
}
