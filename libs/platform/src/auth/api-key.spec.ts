import { bearerToken, constantTimeEqual, displayPrefix, generateApiKey, hashApiKey } from './api-key';

describe('API key helpers', () => {
  it('hashes a key to its SHA-256 hex digest, the same every time', () => {
    // the well-known SHA-256 test vector: a stored hash must stay valid across releases
    expect(hashApiKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    const key = 'sk-shoal-0123456789abcdefghijklmnopqrstuv';
    expect(hashApiKey(key)).toBe(hashApiKey(key));
    expect(hashApiKey(key)).not.toBe(hashApiKey(`${key}x`));
    expect(hashApiKey(key)).not.toContain(key);
  });

  it('generates distinct, prefixed, URL-safe keys with 192 bits of randomness', () => {
    const keys = new Set(Array.from({ length: 200 }, () => generateApiKey()));
    expect(keys.size).toBe(200);
    for (const k of keys) expect(k).toMatch(/^sk-shoal-[A-Za-z0-9_-]{32}$/);
  });

  it('shows only the prefix and four characters of a key', () => {
    const key = 'sk-shoal-ABCDEFGHIJKLMNOP';
    expect(displayPrefix(key)).toBe('sk-shoal-ABCD');
  });

  it('compares strings in constant time, including different lengths', () => {
    expect(constantTimeEqual('secret-token', 'secret-token')).toBe(true);
    expect(constantTimeEqual('secret-token', 'secret-tokem')).toBe(false);
    expect(constantTimeEqual('secret-token', 'secret')).toBe(false);
    expect(constantTimeEqual('', '')).toBe(true);
  });

  describe('bearerToken', () => {
    it.each([
      ['Bearer sk-shoal-abc', 'sk-shoal-abc'],
      ['bearer sk-shoal-abc', 'sk-shoal-abc'],
      ['BEARER   sk-shoal-abc  ', 'sk-shoal-abc'],
    ])('reads %p', (header, token) => {
      expect(bearerToken(header)).toBe(token);
    });

    it('takes the first of repeated headers', () => {
      expect(bearerToken(['Bearer first', 'Bearer second'])).toBe('first');
    });

    it.each([[undefined], [''], ['sk-shoal-abc'], ['Basic dXNlcjpwYXNz'], ['Bearer'], ['Bearer '], ['Bearer two tokens'], [[]]])(
      'finds no token in %p',
      (header) => {
        expect(bearerToken(header as string | string[] | undefined)).toBeUndefined();
      },
    );
  });
});
