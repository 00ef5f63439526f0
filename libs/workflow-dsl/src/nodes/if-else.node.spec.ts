import { parseWorkflowGraph, type ValidationIssue, type WorkflowGraph } from '../index';

const start = { id: 'start', data: { type: 'start', variables: [{ variable: 'q', type: 'text-input' }] } };
const end = (id: string) => ({ id, data: { type: 'end', outputs: [{ variable: 'q', value_selector: ['start', 'q'] }] } });

function parse(nodes: unknown[], edges: unknown[]): { graph: WorkflowGraph | null; issues: ValidationIssue[] } {
  const result = parseWorkflowGraph({ nodes, edges });
  return result.ok ? { graph: result.graph, issues: [] } : { graph: null, issues: result.issues };
}

describe('if-else node (DSL)', () => {
  it('normalizes the legacy single-condition shape into one case "true" with handles true / false', () => {
    const check = {
      id: 'check',
      data: {
        type: 'if-else',
        logical_operator: 'or',
        conditions: [{ variable_selector: ['start', 'q'], comparison_operator: 'is', value: 'x', id: 'c1', varType: 'string' }],
      },
    };
    const { graph, issues } = parse(
      [start, check, end('yes'), end('no')],
      [
        { source: 'start', target: 'check' },
        { source: 'check', target: 'yes', sourceHandle: 'true' },
        { source: 'check', target: 'no', sourceHandle: 'false' },
      ],
    );
    expect(issues).toEqual([]);
    expect(graph?.nodes[1].data).toMatchObject({
      type: 'if-else',
      legacy: true,
      cases: [
        {
          case_id: 'true',
          logical_operator: 'or',
          conditions: [{ variable_selector: ['start', 'q'], comparison_operator: 'is', value: 'x' }],
        },
      ],
    });
  });

  it('rejects an edge whose sourceHandle the node does not have, naming the ones it has', () => {
    const check = { id: 'check', data: { type: 'if-else', cases: [{ case_id: 'c1', logical_operator: 'and', conditions: [] }] } };
    const { issues } = parse(
      [start, check, end('a'), end('b')],
      [
        { source: 'start', target: 'check', sourceHandle: 'true' },
        { source: 'check', target: 'a', sourceHandle: 'c1' },
        { id: 'e3', source: 'check', target: 'b', sourceHandle: 'c2' },
      ],
    );
    expect(issues).toEqual([
      {
        path: 'edges[0].sourceHandle',
        code: 'unknown_source_handle',
        message: "edges[0]: sourceHandle is 'true', but start node 'start' has the handles 'source'",
      },
      {
        path: 'edges[2].sourceHandle',
        code: 'unknown_source_handle',
        message: "edge 'e3' (edges[2]): sourceHandle is 'c2', but if-else node 'check' has the handles 'c1', 'false'",
      },
    ]);
  });

  it('checks operators, case ids, and the references in selectors and condition values', () => {
    const check = {
      id: 'check',
      data: {
        type: 'if-else',
        cases: [
          { case_id: 'a', logical_operator: 'and', conditions: [{ variable_selector: ['start', 'q'], comparison_operator: 'like' }] },
          { case_id: 'a', logical_operator: 'and', conditions: [] },
          { case_id: 'false', logical_operator: 'and', conditions: [] },
        ],
      },
    };
    expect(
      parse(
        [start, check, end('e')],
        [
          { source: 'start', target: 'check' },
          { source: 'check', target: 'e', sourceHandle: 'a' },
        ],
      ).issues.map((i) => [i.path, i.code]),
    ).toEqual([['nodes[1].data.cases[0].conditions[0].comparison_operator', 'invalid_value']]);
    check.data.cases[0].conditions[0] = {
      variable_selector: ['ghost', 'x'],
      comparison_operator: 'is',
      value: '{{#start.nope#}}',
    } as never;
    expect(
      parse(
        [start, check, end('e')],
        [
          { source: 'start', target: 'check' },
          { source: 'check', target: 'e', sourceHandle: 'a' },
        ],
      ).issues.map((i) => [i.path, i.code]),
    ).toEqual([
      ['nodes[1].data.cases[1].case_id', 'duplicate_variable'],
      ['nodes[1].data.cases[2].case_id', 'invalid_value'],
      ['nodes[1].data.cases[0].conditions[0].variable_selector', 'unknown_variable_reference'],
      ['nodes[1].data.cases[0].conditions[0].value', 'unknown_variable_reference'],
    ]);
  });
});
