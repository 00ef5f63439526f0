import { exceedsJsonDepth, findJsonHazard, MAX_JSON_DEPTH } from './json-safety.scan';

function nested(depth: number, leaf: unknown = 1): unknown {
  let v: unknown = leaf;
  for (let i = 0; i < depth; i++) v = i % 2 ? [v] : { a: v };
  return v;
}

describe('findJsonHazard', () => {
  it('finds nothing in ordinary JSON, surrogate pairs (emoji) included', () => {
    expect(findJsonHazard({ inputs: { q: 'Why? 🐟 é', n: 1, list: [true, null, 'x'] } })).toBeUndefined();
    expect(findJsonHazard(nested(MAX_JSON_DEPTH))).toBeUndefined();
  });

  it('refuses nesting deeper than the limit, without recursing (a 100,000-deep value does not overflow the stack)', () => {
    expect(findJsonHazard(nested(MAX_JSON_DEPTH + 1))?.hazard).toBe('too_deep');
    expect(findJsonHazard(nested(100_000))?.hazard).toBe('too_deep');
  });

  it('names the path of a NUL or a lone surrogate, in values and in keys', () => {
    expect(findJsonHazard({ a: [1, 'x\u0000'] })).toEqual({ hazard: 'nul_character', path: ['a', 1] });
    expect(findJsonHazard({ inputs: { q: 'ok', r: '\udfff' } })).toEqual({ hazard: 'lone_surrogate', path: ['inputs', 'r'] });
    expect(findJsonHazard({ inputs: { ['k\ud800']: 'v' } })).toEqual({ hazard: 'lone_surrogate', path: ['inputs', 'k\ud800'] });
    expect(findJsonHazard({ ['\u0000']: 1 })).toEqual({ hazard: 'nul_character', path: ['\u0000'] });
    expect(findJsonHazard('\ud83d')).toEqual({ hazard: 'lone_surrogate', path: [] });
  });

  it('refuses keys that reach the prototype, as secure-json-parse does', () => {
    expect(findJsonHazard(JSON.parse('{"a":{"__proto__":{"admin":true}}}'))).toEqual({ hazard: 'forbidden_key', path: ['a', '__proto__'] });
    expect(findJsonHazard(JSON.parse('{"constructor":{"prototype":{}}}'))?.hazard).toBe('forbidden_key');
    expect(findJsonHazard({ constructor: 'a string is harmless' })).toBeUndefined();
  });

  it('reports the first hazard in document order', () => {
    expect(findJsonHazard({ a: ['\u0000'], b: '\udfff' })?.path).toEqual(['a', 0]);
  });
});

describe('exceedsJsonDepth', () => {
  it('finds where a text nests past the limit, ignoring brackets inside strings', () => {
    const deep = '['.repeat(MAX_JSON_DEPTH + 1) + ']'.repeat(MAX_JSON_DEPTH + 1);
    expect(exceedsJsonDepth(deep)).toBe(MAX_JSON_DEPTH);
    expect(exceedsJsonDepth('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH))).toBeUndefined();
    expect(exceedsJsonDepth(JSON.stringify({ s: '['.repeat(5000), t: 'a \\" [[[' }))).toBeUndefined();
    expect(
      exceedsJsonDepth(JSON.stringify({ s: '\\', deep: JSON.parse('['.repeat(MAX_JSON_DEPTH) + ']'.repeat(MAX_JSON_DEPTH)) })),
    ).toBeDefined();
  });
});
