import { VariablePool } from './index';

describe('VariablePool', () => {
  const pool = new VariablePool();
  pool.set('llm', { text: 'hi', usage: { total_tokens: 7 }, list: ['a', 'b'], empty: null });

  it('reads fields and nested paths, including array items', () => {
    expect(pool.get(['llm', 'text'])).toBe('hi');
    expect(pool.get(['llm', 'usage', 'total_tokens'])).toBe(7);
    expect(pool.get(['llm', 'list', '1'])).toBe('b');
    expect(pool.get(['llm', 'empty'])).toBeNull();
  });

  it('reads nothing for missing nodes, fields and paths through non-objects', () => {
    expect(pool.get(['nope', 'text'])).toBeUndefined();
    expect(pool.get(['llm', 'nope'])).toBeUndefined();
    expect(pool.get(['llm', 'text', 'length'])).toBeUndefined();
    expect(pool.get(['llm', 'empty', 'x'])).toBeUndefined();
  });

  it('does not expose inherited properties', () => {
    expect(pool.get(['llm', 'constructor'])).toBeUndefined();
    expect(pool.get(['llm', '__proto__'])).toBeUndefined();
    expect(pool.get(['llm', 'usage', 'toString'])).toBeUndefined();
  });
});
