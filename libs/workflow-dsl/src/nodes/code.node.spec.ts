import { parseWorkflowGraph } from '../graph.parser';
import { importDifyDsl } from '../dify/dify-dsl.importer';

const codeData = (extra: Record<string, unknown> = {}) => ({
  type: 'code',
  title: 'Code',
  code_language: 'javascript',
  code: 'function main({arg1}) {\n  return { result: arg1 + "!" }\n}',
  variables: [{ variable: 'arg1', value_selector: ['start', 'q'] }],
  outputs: { result: { type: 'string', children: null } },
  ...extra,
});

const graphWith = (data: Record<string, unknown>) => ({
  nodes: [
    { id: 'start', data: { type: 'start', variables: [{ variable: 'q', type: 'text-input' }] } },
    { id: 'code', data },
    { id: 'end', data: { type: 'end', outputs: [{ variable: 'out', value_selector: ['code', 'result'] }] } },
  ],
  edges: [
    { source: 'start', target: 'code' },
    { source: 'code', target: 'end' },
  ],
});

function issues(data: Record<string, unknown>) {
  const result = parseWorkflowGraph(graphWith(data));
  return result.ok ? [] : result.issues.map((i) => ({ path: i.path, nodeId: i.nodeId, code: i.code }));
}

describe('code node (DSL)', () => {
  it('accepts Dify’s shape, with nested children, and offers its outputs to later nodes', () => {
    const result = parseWorkflowGraph(
      graphWith(
        codeData({
          code_language: 'python3',
          outputs: {
            result: { type: 'string' },
            meta: { type: 'object', children: { tags: { type: 'array[string]', children: null } } },
            rows: { type: 'array[object]', children: { id: { type: 'number' } } },
          },
        }),
      ),
    );
    if (!result.ok) throw new Error(JSON.stringify(result.issues));
    const node = result.graph.nodes[1];
    expect(node.data).toMatchObject({
      type: 'code',
      code_language: 'python3',
      outputs: {
        result: { type: 'string', children: null },
        meta: { type: 'object', children: { tags: { type: 'array[string]', children: null } } },
        rows: { type: 'array[object]', children: { id: { type: 'number', children: null } } },
      },
    });
  });

  it('reports each problem with its JSON path and node id', () => {
    expect(issues(codeData({ code_language: 'ruby' }))).toEqual([
      { path: 'nodes[1].data.code_language', nodeId: 'code', code: 'invalid_value' },
    ]);
    expect(issues(codeData({ outputs: { result: { type: 'string' }, n: { type: 'integer' } } }))).toEqual([
      { path: 'nodes[1].data.outputs.n.type', nodeId: 'code', code: 'invalid_value' },
    ]);
    expect(issues(codeData({ outputs: { result: { type: 'string', children: { a: { type: 'string' } } } } }))).toEqual([
      { path: 'nodes[1].data.outputs.result.children', nodeId: 'code', code: 'invalid_value' },
    ]);
    expect(issues(codeData({ outputs: { result: { type: 'string' }, '1bad': { type: 'string' } } }))).toEqual([
      { path: 'nodes[1].data.outputs["1bad"]', nodeId: 'code', code: 'invalid_format' },
    ]);
    expect(
      issues(
        codeData({
          variables: [
            { variable: 'arg1', value_selector: ['start', 'q'] },
            { variable: 'arg1', value_selector: ['start', 'q'] },
          ],
        }),
      ),
    ).toEqual([{ path: 'nodes[1].data.variables[1].variable', nodeId: 'code', code: 'duplicate_variable' }]);
    expect(issues(codeData({ variables: [{ variable: 'a', value_selector: ['nowhere', 'x'] }] }))[0]).toMatchObject({
      path: 'nodes[1].data.variables[0].value_selector',
      code: 'unknown_variable_reference',
    });
    expect(issues(codeData({ code: undefined }))).toEqual([{ path: 'nodes[1].data.code', nodeId: 'code', code: 'required' }]);
  });

  it('bounds how deep children nest', () => {
    let outputs: Record<string, unknown> = { leaf: { type: 'string' } };
    for (let i = 0; i < 6; i++) outputs = { [`l${i}`]: { type: 'object', children: outputs } };
    expect(issues(codeData({ outputs: { result: { type: 'string' }, ...outputs } }))[0]).toMatchObject({ code: 'too_big' });
  });

  it('is a supported type when a Dify export is imported', () => {
    const yaml = `
app: { name: code, mode: workflow }
kind: app
version: 0.3.0
workflow:
  graph:
    nodes:
      - id: start
        data: { type: start, title: Start, variables: [{ variable: q, type: text-input, label: q }] }
      - id: code
        data:
          type: code
          title: Code
          code_language: python3
          code: "def main(arg1):\\n    return {'result': arg1}"
          variables: [{ variable: arg1, value_selector: [start, q] }]
          outputs: { result: { type: string, children: null } }
      - id: end
        data: { type: end, title: End, outputs: [{ variable: out, value_selector: [code, result] }] }
    edges:
      - { source: start, target: code }
      - { source: code, target: end }
`;
    const result = importDifyDsl(yaml);
    expect(result.ok).toBe(true);
  });
});
