// Public identifiers: a type prefix and a ULID (time-sortable, 26 Crockford base32 chars, lower case).
import { randomBytes } from 'node:crypto';

export type IdPrefix =
  'ten' | 'key' | 'wf' | 'wfv' | 'run' | 'nex' | 'dep' | 'cred' | 'use' | 'bud' | 'price' | 'chatcmpl' | 'conv' | 'msg' | 'file';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
let lastTime = -1;
let lastRandom = new Uint8Array(10);

function encodeTime(time: number): string {
  let out = '';
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[time % 32] + out;
    time = Math.floor(time / 32);
  }
  return out;
}

function encodeRandom(bytes: Uint8Array): string {
  // 80 bits -> 16 chars of 5 bits
  let out = '';
  let acc = 0;
  let bits = 0;
  for (const b of bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(acc >> bits) & 31];
    }
    acc &= (1 << bits) - 1;
  }
  return out;
}

/** A ULID, monotonic within one process (same millisecond -> random part incremented). */
export function ulid(now = Date.now()): string {
  if (now <= lastTime) {
    const next = new Uint8Array(lastRandom);
    for (let i = next.length - 1; i >= 0; i--) {
      if (next[i] < 255) {
        next[i]++;
        break;
      }
      next[i] = 0;
    }
    lastRandom = next;
    now = lastTime;
  } else {
    lastTime = now;
    lastRandom = new Uint8Array(randomBytes(10));
  }
  return encodeTime(now) + encodeRandom(lastRandom);
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
