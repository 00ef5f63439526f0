import { parseWorkflowGraph } from '../graph.parser';

const model = { provider: 'langgenius/openai/openai', name: 'mock-chat', mode: 'chat', completion_params: {} };

function issues(schema: Record<string, unknown>) {
  const result = parseWorkflowGraph({
    nodes: [
      { id: 'start', data: { type: 'start', variables: [{ variable: 'q', type: 'paragraph' }] } },
      {
        id: 'llm',
        data: {
          type: 'llm',
          model,
          prompt_template: [{ role: 'user', text: '{{#start.q#}}' }],
          structured_output_enabled: true,
          structured_output: { schema },
        },
      },
      { id: 'end', data: { type: 'end', outputs: [] } },
    ],
    edges: [
      { source: 'start', target: 'llm' },
      { source: 'llm', target: 'end' },
    ],
  });
  return result.ok ? [] : result.issues.map((i) => ({ path: i.path, nodeId: i.nodeId, code: i.code, message: i.message }));
}

describe('llm structured output schema (DSL): the regular expressions it carries', () => {
  const object = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({ type: 'object', properties, ...extra });

  it('takes linear patterns, and patterns inside data keywords are data', () => {
    expect(
      issues(
        object(
          { id: { type: 'string', pattern: '^[a-z0-9-]{1,64}$' }, email: { type: 'string', pattern: '^[^@\\s]+@[^@\\s]+$' } },
          { patternProperties: { '^x-': { type: 'string' } }, examples: [{ pattern: '(a+)+' }] },
        ),
      ),
    ).toEqual([]);
  });

  it('refuses a pattern that can take exponential time, naming the node and the path', () => {
    expect(issues(object({ id: { type: 'string', pattern: '^(a+)+$' } }))).toEqual([
      expect.objectContaining({
        nodeId: 'llm',
        code: 'invalid_value',
        path: 'nodes[1].data.structured_output.schema.properties.id.pattern',
        message: expect.stringContaining('exponential time'),
      }),
    ]);
    expect(issues(object({}, { patternProperties: { '(\\w+\\s?)*$': { type: 'string' } } }))).toEqual([
      expect.objectContaining({ code: 'invalid_value', path: expect.stringContaining('structured_output.schema.patternProperties') }),
    ]);
  });

  it('refuses a pattern that is not a regular expression, or is too long', () => {
    expect(issues(object({ id: { type: 'string', pattern: '([a-z' } }))).toEqual([
      expect.objectContaining({ code: 'invalid_value', message: expect.stringContaining('not a valid regular expression') }),
    ]);
    expect(issues(object({ id: { type: 'string', pattern: 'a'.repeat(1001) } }))).toEqual([expect.objectContaining({ code: 'too_big' })]);
  });

  it('finds patterns nested in arrays and combinators', () => {
    expect(
      issues(object({ tags: { type: 'array', items: { anyOf: [{ type: 'string', pattern: '(x*)*y' }, { type: 'number' }] } } })),
    ).toEqual([expect.objectContaining({ path: 'nodes[1].data.structured_output.schema.properties.tags.items.anyOf[0].pattern' })]);
  });
});
