import { builtinTool } from './builtin-tools';

const tool = (name: string) => builtinTool('text', name) as NonNullable<ReturnType<typeof builtinTool>>;
const run = (name: string, params: Record<string, unknown>) => tool(name).invoke(params, { now: () => 0 });

describe('text tools', () => {
  it('text_replace replaces every occurrence literally (no regex)', () => {
    expect(run('text_replace', { content: 'a.b.c', find: '.', replace_with: '/' }).text).toBe('a/b/c');
    expect(() => run('text_replace', { content: 'x', find: '' })).toThrow(/find must not be empty/);
  });

  it('text_split gives the items as JSON text and json', () => {
    const out = run('text_split', { content: ' a, b,,c ', delimiter: ',' });
    expect(out.text).toBe('["a","b","c"]');
    expect(out.json).toEqual([{ items: ['a', 'b', 'c'] }]);
    expect(run('text_split', { content: 'x\ny', delimiter: '\\n' }).json).toEqual([{ items: ['x', 'y'] }]);
  });

  it('text_case changes case', () => {
    expect(run('text_case', { content: "hello wORLD it's", case: 'title' }).text).toBe("Hello World It's");
    expect(run('text_case', { content: 'hello', case: 'upper' }).text).toBe('HELLO');
    expect(run('text_case', { content: 'hELLO', case: 'capitalize' }).text).toBe('Hello');
  });

  it('text_truncate keeps at most max_length characters, suffix included', () => {
    expect(run('text_truncate', { content: 'abcdefghij', max_length: 6 }).text).toBe('abc...');
    expect(run('text_truncate', { content: 'abc', max_length: 6 }).text).toBe('abc');
    expect(run('text_truncate', { content: '😀😀😀😀', max_length: 3, suffix: '' }).text).toBe('😀😀😀');
  });

  it('text_count counts characters, words and lines', () => {
    expect(run('text_count', { content: 'one two\nthree' }).json).toEqual([{ characters: 13, words: 3, lines: 2 }]);
  });

  it('base64 and url_codec round-trip UTF-8 text', () => {
    const b = run('base64', { content: 'héllo', mode: 'encode' }).text;
    expect(b).toBe('aMOpbGxv');
    expect(run('base64', { content: b, mode: 'decode' }).text).toBe('héllo');
    expect(() => run('base64', { content: '%%%', mode: 'decode' })).toThrow(/not Base64/);
    expect(run('url_codec', { content: 'a b&c', mode: 'encode' }).text).toBe('a%20b%26c');
    expect(run('url_codec', { content: 'a%20b+c', mode: 'decode' }).text).toBe('a b c');
  });
});
