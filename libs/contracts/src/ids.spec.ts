import { hasPrefix, newId, ulid } from './ids';

const CROCKFORD = /^[0-9a-hjkmnp-tv-z]{26}$/;

it('is 26 lower-case Crockford base32 characters, the first 10 the time', () => {
  const id = ulid(1_469_918_176_385);
  expect(id).toMatch(CROCKFORD);
  // the ULID specification's example time
  expect(id.slice(0, 10)).toBe('01aryz6s41');
});

it('sorts in creation order within a millisecond, and when the clock goes back', () => {
  const ids: string[] = [];
  for (let i = 0; i < 10_000; i++) ids.push(ulid(1_800_000_000_000));
  ids.push(ulid(1_799_999_999_000)); // a clock step back keeps the order
  ids.push(ulid(1_800_000_000_001));
  expect(new Set(ids).size).toBe(ids.length);
  expect([...ids].sort()).toEqual(ids);
  expect(ids.every((id) => CROCKFORD.test(id))).toBe(true);
});

it('counts the random part up by one within a millisecond, across the 10-bit steps of its encoding', () => {
  const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
  const value = (chars: string) => [...chars].reduce((v, c) => v * 32 + ALPHABET.indexOf(c), 0);
  const ids = Array.from({ length: 3000 }, () => ulid(1_950_000_000_000));
  for (let i = 1; i < ids.length; i++) {
    const [a, b] = [ids[i - 1], ids[i]];
    if (b.slice(0, 18) !== a.slice(0, 18)) continue; // the low half wrapped into the high one (1 in 2^29)
    expect(value(b.slice(18))).toBe(value(a.slice(18)) + 1);
  }
});

it('is random across milliseconds', () => {
  const a = ulid(1_900_000_000_000).slice(10);
  const b = ulid(1_900_000_000_001).slice(10);
  expect(a).not.toBe(b);
});

it('prefixes ids with their kind', () => {
  const id = newId('run');
  expect(hasPrefix(id, 'run')).toBe(true);
  expect(hasPrefix(id, 'wf')).toBe(false);
});
