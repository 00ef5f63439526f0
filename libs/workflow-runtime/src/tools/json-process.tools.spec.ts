import { builtinTool } from './builtin-tools';

const run = (tool: string, params: Record<string, unknown>) =>
  (builtinTool('langgenius/json_process/json_process', tool) as NonNullable<ReturnType<typeof builtinTool>>).invoke(params, {
    now: () => 0,
  }).text;
const doc = JSON.stringify({
  user: { name: 'Zoë', tags: ['a', 'b'] },
  items: [
    { id: 1, v: 'x-1' },
    { id: 2, v: 'x-2' },
  ],
});

describe('json_process tools', () => {
  it('parse selects one value (JSON for objects, Python str for scalars) or several as a list', () => {
    expect(run('parse', { content: doc, json_filter: '$.user.tags' })).toBe('["a", "b"]');
    expect(run('parse', { content: doc, json_filter: 'items[1].id' })).toBe('2');
    expect(run('parse', { content: doc, json_filter: '$.items[*].id' })).toBe('[1, 2]');
    expect(run('parse', { content: doc, json_filter: '$..v' })).toBe('["x-1", "x-2"]');
    expect(run('parse', { content: '{"ok": true, "n": null}', json_filter: '$.ok' })).toBe('True');
    expect(run('parse', { content: doc, json_filter: '$.missing' })).toBe('');
  });

  it('parse escapes non-ASCII unless ensure_ascii is false', () => {
    expect(run('parse', { content: doc, json_filter: '$.user' })).toBe('{"name": "Zo\\u00eb", "tags": ["a", "b"]}');
    expect(run('parse', { content: doc, json_filter: '$.user', ensure_ascii: false })).toBe('{"name": "Zoë", "tags": ["a", "b"]}');
  });

  it('answers bad input in text, as Dify does', () => {
    expect(run('parse', { content: '', json_filter: '$.a' })).toBe('Invalid parameter content');
    expect(run('parse', { content: '{oops', json_filter: '$.a' })).toMatch(/JSON/);
    expect(run('parse', { content: doc, json_filter: '$.a[?(@.x)]' })).toMatch(/unsupported selector/);
  });

  it('json_insert appends to arrays, at an index, merges into objects, and creates a missing path', () => {
    expect(run('json_insert', { content: doc, query: '$.user.tags', new_value: 'c' })).toContain('"tags": ["a", "b", "c"]');
    expect(run('json_insert', { content: doc, query: '$.user.tags', new_value: 'z', index: 0 })).toContain('"tags": ["z", "a", "b"]');
    expect(
      run('json_insert', { content: doc, query: '$.user', new_value: '{"age": 3}', value_decode: true, ensure_ascii: false }),
    ).toContain('"user": {"name": "Zoë", "tags": ["a", "b"], "age": 3}');
    expect(run('json_insert', { content: '{}', query: '$.a.b', new_value: '1', create_path: 'True' })).toBe('{"a": {"b": "1"}}');
    expect(run('json_insert', { content: doc, query: '$.user', new_value: 'x' })).toBe('Cannot insert non-dict value into dict');
  });

  it('json_replace replaces a pattern, a key or a value', () => {
    expect(
      run('json_replace', { content: doc, query: '$.items[*].v', replace_model: 'pattern', replace_pattern: 'x-', replace_value: 'y:' }),
    ).toContain('"v": "y:1"');
    expect(run('json_replace', { content: '{"a": 1, "b": 2}', query: '$.a', replace_model: 'key', replace_value: 'c' })).toBe(
      '{"b": 2, "c": 1}',
    );
    expect(
      run('json_replace', { content: '{"a": 1}', query: '$.a', replace_model: 'value', replace_value: '[1, 2]', value_decode: true }),
    ).toBe('{"a": [1, 2]}');
  });

  it('json_delete removes object keys and array items', () => {
    expect(run('json_delete', { content: doc, query: '$.user.name' })).toBe(
      '{"user": {"tags": ["a", "b"]}, "items": [{"id": 1, "v": "x-1"}, {"id": 2, "v": "x-2"}]}',
    );
    expect(run('json_delete', { content: '[1, 2, 3, 4]', query: '$[*]' })).toBe('[]');
    expect(run('json_delete', { content: '{"a": [1, 2, 3]}', query: 'a[-1]' })).toBe('{"a": [1, 2]}');
  });
});
