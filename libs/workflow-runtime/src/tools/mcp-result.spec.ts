import { McpToolError, mcpArguments, mcpResultToOutput } from './mcp-result';

describe('MCP results and arguments, as Dify reads them', () => {
  it('drops empty arguments and casts text to the declared schema types', () => {
    const schema = {
      type: 'object',
      properties: { n: { type: 'number' }, ok: { type: 'boolean' }, tags: { type: 'array' }, q: { type: 'string' } },
    };
    expect(mcpArguments({ n: '4.5', ok: 'true', tags: '["a"]', q: '42', blank: '  ', none: null }, schema)).toEqual({
      n: 4.5,
      ok: true,
      tags: ['a'],
      q: '42',
    });
    expect(mcpArguments({ n: 'four' }, schema)).toEqual({ n: 'four' });
  });

  it('reads JSON object texts as json, other texts as text, structured content as variables', () => {
    expect(
      mcpResultToOutput({
        content: [
          { type: 'text', text: 'hello ' },
          { type: 'text', text: '{"a": 1}' },
          { type: 'text', text: '[{"b": 2}, {"c": 3}]' },
          { type: 'text', text: '[1, 2]' },
        ],
        structuredContent: { sum: 5 },
        isError: false,
      }),
    ).toEqual({ text: 'hello [1, 2]', json: [{ a: 1 }, { b: 2 }, { c: 3 }], files: [], variables: { sum: 5 } });
  });

  it('an error result throws with the tool’s text', () => {
    expect(() => mcpResultToOutput({ content: [{ type: 'text', text: 'quota exceeded' }], isError: true })).toThrow(McpToolError);
    expect(() => mcpResultToOutput({ content: [{ type: 'text', text: 'quota exceeded' }], isError: true })).toThrow('quota exceeded');
  });
});
