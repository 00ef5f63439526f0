// Public identifiers: a type prefix and a ULID (time-sortable, 26 Crockford base32 chars, lower case).
import { randomFillSync } from 'node:crypto';

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
// often than every id kept as strings: an id in the same millisecond re-encodes only the low half's
// last 10 bits (its other 30 once every 1,024 ids).
let lastTime = -1;
let high = 0;
let low = 0;
/** The time and the high half, encoded: the first 18 characters. */
let head = '';
/** `head` and the low half's first 30 bits: the first 24 characters, for ids whose low half is below `lowHeadEnd`. */
let lowHead = '';
let lowHeadEnd = -1;

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

// Random bytes for the ids of new milliseconds, drawn from the CSPRNG 2,560 at a time (a busy
// process starts a new millisecond every few ids; a randomBytes call each was a tenth of an id).
const RANDOM = new Uint8Array(2560);
let randomAt = RANDOM.length;

function nextRandom(): number {
  if (randomAt === RANDOM.length) {
    randomFillSync(RANDOM);
    randomAt = 0;
  }
  randomAt += 10;
  return randomAt - 10;
}

/** A ULID, monotonic within one process (same millisecond -> random part incremented). */
export function ulid(now = Date.now()): string {
  if (now > lastTime) {
    lastTime = now;
    const at = nextRandom();
    high = fromBytes(RANDOM, at);
    low = fromBytes(RANDOM, at + 5);
    head = encode(now, 10) + encode40(high);
    lowHeadEnd = -1;
  } else if (++low === TWO_40) {
    low = 0;
    high = (high + 1) % TWO_40;
    head = head.slice(0, 10) + encode40(high);
    lowHeadEnd = -1;
  }
  if (low >= lowHeadEnd || low < lowHeadEnd - 1024) {
    const top = Math.floor(low / TWO_20);
    lowHead = head + PAIRS[top >> 10] + PAIRS[top & 1023] + PAIRS[(low % TWO_20) >> 10];
    lowHeadEnd = low - (low % 1024) + 1024;
  }
  return lowHead + PAIRS[low % 1024];
}

/** `now`: the time the id's thing was made, when the caller has just read its clock (saves a clock read: ~0.1–0.3 µs on a VM). */
export function newId(prefix: IdPrefix, now = Date.now()): string {
  return `${prefix}_${ulid(now)}`;
}

export function hasPrefix(id: string, prefix: IdPrefix): boolean {
  return id.startsWith(`${prefix}_`) && id.length === prefix.length + 27;
}

/** Could this be an id of that kind? A cheap filter before a lookup: it rejects what no id can contain (NUL, spaces, ...). */
export function looksLikeId(id: string, prefix: IdPrefix): boolean {
  return id.startsWith(`${prefix}_`) && id.length <= 128 && /^[0-9A-Za-z_-]+$/.test(id);
}
