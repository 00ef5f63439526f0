import { ApiError } from '../errors/api-error';
import { cannotHoldHazard, parseJsonBody } from './json-body.parser';
import { findJsonHazard } from './json-safety.scan';
import { parseBody } from './parse-body';
import { z } from 'zod';

function refusal(text: string): ApiError {
  try {
    parseJsonBody(text);
  } catch (err) {
    if (err instanceof ApiError) return err;
    throw err;
  }
  throw new Error('expected parseJsonBody to refuse the body');
}

const deep = (n: number) => `{"inputs":{"q":${'['.repeat(n)}${']'.repeat(n)}}}`;

describe('parseJsonBody', () => {
  it('parses ordinary JSON, a leading byte-order mark included', () => {
    expect(parseJsonBody('{"inputs":{"q":"🐟"},"n":[1,2]}')).toEqual({ inputs: { q: '🐟' }, n: [1, 2] });
    expect(parseJsonBody('\ufeff{"a":1}')).toEqual({ a: 1 });
  });

  it('names a hostile key by at most 300 characters of its path', () => {
    const err = refusal(`{"${'k'.repeat(100_000)}\\u0000":1}`);
    expect(err.opts.issues?.[0].path).toHaveLength(301);
    expect(err.message.length).toBeLessThan(500);
  });

  it('answers 400 json_too_deep for a 3,000-deep body (it used to overflow the stack: a 500)', () => {
    const err = refusal(deep(3000));
    expect([err.status, err.code]).toEqual([400, 'json_too_deep']);
    expect(err.message).toMatch(/nested deeper than 400 levels/);
    // and a body deep enough to make JSON.parse itself slow is refused before it is parsed
    const start = performance.now();
    expect(refusal(deep(2_000_000)).code).toBe('json_too_deep');
    const refused = performance.now() - start;
    const parseStart = performance.now();
    JSON.parse(`[${'1,'.repeat(2_000_000)}1]`); // a benign body of about the same size
    expect(refused).toBeLessThan((performance.now() - parseStart) * 5);
  });

  it('answers 400 naming the JSON path of a lone surrogate, in a value or in a key', () => {
    const value = refusal('{"inputs":{"question":"\\udfff"}}');
    expect([value.status, value.code, value.opts.issues?.[0].path, value.opts.issues?.[0].code]).toEqual([
      400,
      'validation_failed',
      'inputs.question',
      'lone_surrogate',
    ]);
    const key = refusal('{"inputs":{"\\ud800x":"v"}}');
    expect(key.opts.issues?.[0].path).toBe('inputs.\ud800x');
    expect(key.message).toMatch(/lone UTF-16 surrogate/);
  });

  it('answers 400 naming the path of a NUL, and of a prototype key', () => {
    expect(refusal('{"a":[1,"x\\u0000"]}').opts.issues?.[0]).toMatchObject({ path: 'a[1]', code: 'nul_character' });
    expect(refusal('{"__proto__":{"admin":true}}').opts.issues?.[0]).toMatchObject({ path: '__proto__', code: 'forbidden_key' });
  });

  it('answers 400 invalid_json for bad syntax and empty bodies, saying where', () => {
    const bad = refusal('{"a":');
    expect([bad.status, bad.code]).toEqual([400, 'invalid_json']);
    expect(bad.message).toMatch(/^The request body is not valid JSON: /);
    expect(refusal('  ').code).toBe('invalid_json');
  });
});

describe("the text check that spares a body's walk", () => {
  // JSON texts built from the pieces that make (or nearly make) every hazard, escaped and not
  // mulberry32: a seeded generator, so that a failure is the same on every run
  let seed = 12345;
  const rand = (n: number) => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return Math.floor((((t ^ (t >>> 14)) >>> 0) / 2 ** 32) * n);
  };
  const pick = <T>(xs: readonly T[]): T => xs[rand(xs.length)];
  // as they stand in the JSON text: `\\u0000` is the escape, `\ud800` a lone surrogate in the text itself
  const PLAIN = ['a', '_', 'proto', 'prototype', ' ', '🐟', 'é', '\\\\', '\\"', '\\n', '\\/'] as const;
  const RISKY = [
    'constructor',
    '__proto__',
    '\\ud83d\\udc1f',
    '\\u0000',
    '\\ud800',
    '\\udc00',
    '\\u005f',
    '\\\\u0000',
    '\\u0041',
    '\ud800',
    '\udfff',
    '\\u00e9',
  ] as const;
  const PLAIN_KEYS = ['"a"', '"b"', '"prototype"', '"proto"'];
  const RISKY_KEYS = ['"__proto__"', '"constructor"', '"\\\\u005f_proto__"', '"\\u005f_proto__"', '"con\\u0073tructor"'];
  const str = () => `"${Array.from({ length: rand(4) }, () => (rand(3) ? pick(PLAIN) : pick(RISKY))).join('')}"`;
  const key = () => (rand(2) ? pick(PLAIN_KEYS) : rand(2) ? pick(RISKY_KEYS) : str());
  const value = (depth: number): string => {
    const kind = depth > 3 ? rand(2) : rand(4);
    if (kind === 0) return str();
    if (kind === 1) return pick(['1', 'true', 'null', '-2.5e3']);
    if (kind === 2) return `[${Array.from({ length: rand(3) }, () => value(depth + 1)).join(',')}]`;
    return `{${Array.from({ length: rand(3) }, () => `${key()}:${value(depth + 1)}`).join(',')}}`;
  };

  it('passes no text that parses to a hazard, and the parser refuses exactly what the walk finds', () => {
    let passed = 0;
    let hazards = 0;
    for (let i = 0; i < 20_000; i++) {
      const text = `{"k":${value(0)}}`;
      const hazard = findJsonHazard(JSON.parse(text));
      if (hazard) hazards++;
      if (cannotHoldHazard(text)) {
        passed++;
        expect({ text, hazard }).toEqual({ text, hazard: undefined });
      }
      let refused = false;
      try {
        parseJsonBody(text);
      } catch {
        refused = true;
      }
      expect({ text, refused }).toEqual({ text, refused: hazard !== undefined });
    }
    // both kinds were tried, many times
    expect(Math.min(passed, hazards)).toBeGreaterThan(1_000);
  });
});

describe('parseBody', () => {
  it('walks queries and bodies that did not come through the parser (iteratively, with paths)', () => {
    let v: unknown = 'x';
    for (let i = 0; i < 5000; i++) v = [v];
    expect(() => parseBody(z.object({}).loose(), { deep: v })).toThrow(expect.objectContaining({ code: 'json_too_deep' }));
    expect(() => parseBody(z.object({ run_id: z.string() }), { run_id: 'run_\udfff' }, 'query')).toThrow(
      expect.objectContaining({
        opts: expect.objectContaining({ issues: [expect.objectContaining({ path: 'query.run_id', code: 'lone_surrogate' })] }),
      }),
    );
  });
});
