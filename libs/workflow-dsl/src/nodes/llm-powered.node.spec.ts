import { parseWorkflowGraph } from '../graph.parser';

const model = { provider: 'langgenius/openai/openai', name: 'mock-chat', mode: 'chat', completion_params: {} };
const start = { id: 'start', data: { type: 'start', variables: [{ variable: 'q', type: 'paragraph' }] } };

function issues(node: Record<string, unknown>, edges: unknown[], ends: string[] = ['end']) {
  const result = parseWorkflowGraph({
    nodes: [start, { id: 'n', data: node }, ...ends.map((id) => ({ id, data: { type: 'end', outputs: [] } }))],
    edges: [{ source: 'start', target: 'n' }, ...edges],
  });
  return result.ok ? [] : result.issues.map((i) => ({ path: i.path, nodeId: i.nodeId, code: i.code }));
}

describe('question-classifier (DSL)', () => {
  const qc = (extra: Record<string, unknown> = {}) => ({
    type: 'question-classifier',
    model,
    query_variable_selector: ['start', 'q'],
    classes: [
      { id: '1', name: 'A' },
      { id: '2', name: 'B {{#start.q#}}' },
    ],
    ...extra,
  });

  it("takes Dify's shape with one edge per class id", () => {
    expect(
      issues(
        qc(),
        [
          { source: 'n', target: 'a', sourceHandle: '1' },
          { source: 'n', target: 'b', sourceHandle: '2' },
        ],
        ['a', 'b'],
      ),
    ).toEqual([]);
  });

  it('names the node and path of each mistake', () => {
    expect(issues(qc({ classes: [] }), [{ source: 'n', target: 'end', sourceHandle: '1' }])).toEqual([
      expect.objectContaining({ path: 'nodes[1].data.classes', nodeId: 'n', code: 'too_small' }),
    ]);
    expect(issues(qc({ query_variable_selector: ['nowhere', 'q'] }), [{ source: 'n', target: 'end', sourceHandle: '1' }])).toEqual([
      expect.objectContaining({ path: 'nodes[1].data.query_variable_selector', nodeId: 'n' }),
    ]);
    expect(issues(qc(), [{ source: 'n', target: 'end', sourceHandle: 'source' }])).toEqual([
      expect.objectContaining({ path: 'edges[1].sourceHandle', code: 'unknown_source_handle' }),
    ]);
  });
});

describe('parameter-extractor (DSL)', () => {
  const pe = (parameters: unknown[]) => ({
    type: 'parameter-extractor',
    model,
    query: ['start', 'q'],
    reasoning_mode: 'prompt',
    parameters,
  });

  it("takes Dify's parameter types, legacy `bool` and `select` included, and offers each parameter as an output", () => {
    const result = parseWorkflowGraph({
      nodes: [
        start,
        {
          id: 'n',
          data: pe([
            { name: 'a', type: 'bool', description: '', required: true },
            { name: 'b', type: 'select', description: '', required: false, options: ['x'] },
            { name: 'c', type: 'array[object]', description: '', required: false },
          ]),
        },
        {
          id: 'end',
          data: {
            type: 'end',
            outputs: ['a', 'b', 'c', '__is_success', '__reason', '__usage'].map((v) => ({ variable: v, value_selector: ['n', v] })),
          },
        },
      ],
      edges: [
        { source: 'start', target: 'n' },
        { source: 'n', target: 'end' },
      ],
    });
    expect(result.ok).toBe(true);
    if (result.ok)
      expect(result.graph.nodes[1].data).toMatchObject({
        parameters: [{ type: 'boolean' }, { type: 'string', options: ['x'] }, { type: 'array[object]' }],
      });
  });

  it('names the parameter at fault', () => {
    const edge = [{ source: 'n', target: 'end' }];
    expect(issues(pe([{ name: 'a', type: 'date', description: '', required: true }]), edge)).toEqual([
      { path: 'nodes[1].data.parameters[0].type', nodeId: 'n', code: 'invalid_value' },
    ]);
    expect(
      issues(
        pe([
          { name: 'a', type: 'string', description: '', required: true },
          { name: 'a', type: 'number', description: '', required: true },
        ]),
        edge,
      ),
    ).toEqual([{ path: 'nodes[1].data.parameters[1].name', nodeId: 'n', code: 'duplicate_variable' }]);
  });
});
