import type { CodeOutput } from '@shoal/workflow-dsl';
import { CodeOutputValidator, DEFAULT_CODE_OUTPUT_LIMITS, decimalPlaces } from './code-output.validator';

const v = new CodeOutputValidator(DEFAULT_CODE_OUTPUT_LIMITS);
const out = (type: CodeOutput['type'], children: Record<string, CodeOutput> | null = null): CodeOutput => ({ type, children });

describe('code node output checks (Dify semantics)', () => {
  it('passes declared outputs of every type, reading booleans as 1/0 where a number is declared', () => {
    const schema = {
      s: out('string'),
      n: out('number'),
      b: out('boolean'),
      o: out('object', { k: out('array[string]') }),
      an: out('array[number]'),
      as: out('array[string]'),
      ab: out('array[boolean]'),
      ao: out('array[object]', { id: out('number') }),
      flag: out('number'),
    };
    const result = {
      s: 'a\0b',
      n: 1.5,
      b: false,
      o: { k: ['x', null] },
      an: [1, true],
      as: ['y'],
      ab: [true, null],
      ao: [{ id: 1 }, null],
      flag: true,
    };
    expect(v.validate(result, schema)).toEqual({
      s: 'ab',
      n: 1.5,
      b: false,
      o: { k: ['x', null] },
      an: [1, 1],
      as: ['y'],
      ab: [true, null],
      ao: [{ id: 1 }, null],
      flag: 1,
    });
  });

  it('lets any declared output be null', () => {
    expect(v.validate({ s: null, o: null }, { s: out('string'), o: out('object') })).toEqual({ s: null, o: null });
  });

  it('names the output that is missing, of the wrong type, or undeclared', () => {
    expect(() => v.validate({}, { result: out('string') })).toThrow('Output result is missing.');
    expect(() => v.validate({ result: 3 }, { result: out('string') })).toThrow('Output result must be a string, got number instead.');
    expect(() => v.validate({ n: 'x' }, { n: out('number') })).toThrow('Output n is not a number, got string instead.');
    expect(() => v.validate({ b: 'yes' }, { b: out('boolean') })).toThrow('Output b is not a boolean');
    expect(() => v.validate({ o: [] }, { o: out('object') })).toThrow('Output o is not an object, got array instead.');
    expect(() => v.validate({ a: [1, 'x'] }, { a: out('array[number]') })).toThrow(
      'The element at index 1 of output variable `a` must be a number.',
    );
    expect(() => v.validate({ a: [{ id: 'x' }] }, { a: out('array[object]', { id: out('number') }) })).toThrow(
      'Output a[0].id is not a number',
    );
    expect(() => v.validate({ a: 1, extra: 2 }, { a: out('number') })).toThrow('extra not declared');
    expect(() => v.validate('text', { a: out('number') })).toThrow('main must return an object');
  });

  it("applies Dify's CODE_MAX_* limits", () => {
    expect(() => v.validate({ s: 'x'.repeat(80_001) }, { s: out('string') })).toThrow('must be less than 80000 characters');
    expect(() => v.validate({ a: Array(31).fill('x') }, { a: out('array[string]') })).toThrow('must be less than 30 elements');
    expect(() => v.validate({ a: Array(31).fill({}) }, { a: out('array[object]') })).toThrow('must be less than 30 elements');
    expect(() => v.validate({ a: Array(1001).fill(1) }, { a: out('array[number]') })).toThrow('must be less than 1000 elements');
    expect(() => v.validate({ n: 1e19 }, { n: out('number') })).toThrow('is out of range');
    expect(() => v.validate({ n: 1e-21 }, { n: out('number') })).toThrow('has too high precision');
    expect(v.validate({ n: 1e-20 }, { n: out('number') })).toEqual({ n: 1e-20 });
    const deep = { a: { b: { c: { d: { e: 1 } } } } };
    expect(() => v.validate({ o: deep }, { o: out('object') })).toThrow('Depth limit 5 reached');
    expect(v.validate({ o: { a: { b: { c: 1 } } } }, { o: out('object') })).toEqual({ o: { a: { b: { c: 1 } } } });
  });

  it('checks undeclared children by what they are, and refuses mixed arrays', () => {
    expect(() => v.validate({ o: { list: [1, 'a'] } }, { o: out('object') })).toThrow('Output o.list is not a valid array');
    expect(() => v.validate({ o: { s: 'x'.repeat(80_001) } }, { o: out('object') })).toThrow('`o.s`');
  });

  it('counts decimal places of the shortest representation', () => {
    expect([decimalPlaces(1), decimalPlaces(0.1), decimalPlaces(1.25), decimalPlaces(1e-21), decimalPlaces(1.5e3)]).toEqual([
      0, 1, 2, 21, 0,
    ]);
  });
});
