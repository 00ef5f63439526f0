import { parseModelMapParam } from './model-map.parser';

describe('parseModelMapParam', () => {
  it('reads from:to pairs', () => {
    expect(parseModelMapParam('gpt-4o:deepseek-flash,claude-3:deepseek-v4-pro')).toEqual({
      ok: true,
      modelMap: { 'gpt-4o': 'deepseek-flash', 'claude-3': 'deepseek-v4-pro' },
    });
  });

  it('ignores spaces and an empty parameter', () => {
    expect(parseModelMapParam(' gpt-4o : a , b:c ')).toEqual({ ok: true, modelMap: { 'gpt-4o': 'a', b: 'c' } });
    expect(parseModelMapParam('')).toEqual({ ok: true, modelMap: {} });
  });

  it('splits at the last colon, so Dify names may hold one', () => {
    expect(parseModelMapParam('ft:gpt-4o:acme:deepseek-flash')).toEqual({ ok: true, modelMap: { 'ft:gpt-4o:acme': 'deepseek-flash' } });
  });

  it('names every bad entry', () => {
    const result = parseModelMapParam('gpt-4o,a:,:b,,x:y,x:z');
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.issues.map((i) => [i.path, i.code])).toEqual([
      ['model_map[0]', 'invalid_input'],
      ['model_map[1]', 'invalid_input'],
      ['model_map[2]', 'invalid_input'],
      ['model_map[3]', 'invalid_input'],
      ['model_map[5]', 'invalid_input'],
    ]);
    expect(result.issues[0].message).toContain("'dify-model:shoal-alias'");
    expect(result.issues[4].message).toContain("maps 'x' twice");
  });

  it('accepts the same pair twice', () => {
    expect(parseModelMapParam('a:b,a:b')).toEqual({ ok: true, modelMap: { a: 'b' } });
  });
});
