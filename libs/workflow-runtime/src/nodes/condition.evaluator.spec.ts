import { evaluateCondition, toBoolean, type Expected } from './condition.evaluator';
import type { ComparisonOperator } from '@shoal/workflow-dsl';

type Row = [ComparisonOperator, unknown, unknown, boolean];

describe('evaluateCondition: every Dify operator with Dify coercions', () => {
  const rows: Row[] = [
    ['contains', 'hello world', 'lo w', true],
    ['contains', ['a', 'b'], 'b', true],
    ['contains', ['a', 'b'], 'c', false],
    ['contains', '', 'x', false],
    ['contains', null, 'x', false],
    ['not contains', 'hello', 'z', true],
    ['not contains', [], 'z', true],
    ['not contains', ['z'], 'z', false],
    ['start with', 'hello', 'he', true],
    ['start with', '', 'he', false],
    ['end with', 'hello', 'lo', true],
    ['end with', 'hello', 'he', false],
    ['is', 'x', 'x', true],
    ['is', true, true, true],
    ['is', null, 'x', false],
    ['is not', 'x', 'y', true],
    ['is not', null, 'y', false],
    ['empty', '', null, true],
    ['empty', [], null, true],
    ['empty', {}, null, true],
    ['empty', 0, null, true],
    ['empty', 'a', null, false],
    ['not empty', ['a'], null, true],
    ['not empty', null, null, false],
    ['in', 'b', ['a', 'b'], true],
    ['in', 'c', ['a', 'b'], false],
    ['in', '', ['a', ''], false],
    ['not in', 'c', ['a', 'b'], true],
    ['not in', '', ['a'], true],
    ['all of', ['a', 'b', 'c'], ['a', 'c'], true],
    ['all of', ['a'], ['a', 'c'], false],
    ['all of', 'abc', ['a', 'c'], true],
    ['all of', [], ['a'], false],
    ['=', 3, '3', true],
    ['=', 3, 3.9, true], // int(3.9) == 3, as Python truncates
    ['=', 3.5, '3.5', true],
    ['=', true, 'false', true], // bool('false') is True in Python
    ['=', null, '3', false],
    ['≠', 3, '4', true],
    ['≠', null, '4', false],
    ['>', 5, '3', true],
    ['>', 5, '5', false],
    ['>', null, '3', false],
    ['<', 2.5, '3', true],
    ['≥', 3, '3', true],
    ['≤', 4, '3.5', false],
    ['null', null, null, true],
    ['null', undefined, null, true],
    ['null', 0, null, false],
    ['not null', '', null, true],
    ['exists', 'x', null, true],
    ['exists', null, null, false],
    ['not exists', undefined, null, true],
    ['not exists', false, null, false],
  ];
  it.each(rows)('%s: %j vs %j is %s', (op, value, expected, result) => {
    expect(evaluateCondition(op, value, expected)).toBe(result);
  });

  it.each<[ComparisonOperator, unknown, Expected, string]>([
    ['contains', 42, 'x', 'Invalid actual value type: string or array'],
    ['start with', ['a'], 'a', 'Invalid actual value type: string'],
    ['start with', 'a', ['a'], 'Expected value must be a string for startswith'],
    ['is', 3, '3', 'Invalid actual value type: string or boolean'],
    ['=', 'three', '3', 'Invalid actual value type: number or boolean'],
    ['=', 3, '3.5', "Cannot convert '3.5' to int"],
    ['>', 'ten', '3', 'Invalid actual value type: number'],
    ['>', 10, 'lots', "Cannot convert 'lots' to number"],
    ['in', 'a', 'a', 'Invalid expected value type: array'],
    ['all of', ['a'], 'a', 'all of operator expects homogeneous list of strings or booleans'],
  ])('%s on %j vs %j fails: %s', (op, value, expected, message) => {
    expect(() => evaluateCondition(op, value, expected)).toThrow(message);
  });

  it('reads expected booleans as Dify does: JSON true/false and integers only', () => {
    expect([toBoolean('true'), toBoolean('false'), toBoolean('1'), toBoolean('0'), toBoolean(true)]).toEqual([
      true,
      false,
      true,
      false,
      true,
    ]);
    expect(() => toBoolean('yes')).toThrow('unexpected value');
  });

  it('stays linear on long numeric strings', () => {
    expect(() => evaluateCondition('>', 1, `${'1'.repeat(100_000)}x`)).toThrow('Cannot convert');
  });
});
