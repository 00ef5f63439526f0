import { parseWorkflowGraph, type ValidationIssue } from '../index';

const start = { id: 'start', data: { type: 'start', variables: [{ variable: 'q', type: 'text-input' }] } };
const end = { id: 'end', data: { type: 'end', outputs: [] } };

function issuesOf(node: Record<string, unknown>, extra: Record<string, unknown> = {}): Array<[string, string]> {
  const result = parseWorkflowGraph({
    nodes: [start, node, end],
    edges: [
      { source: 'start', target: 'n' },
      { source: 'n', target: 'end' },
    ],
    ...extra,
  });
  return result.ok ? [] : result.issues.map((i: ValidationIssue) => [i.path, i.code]);
}

describe('node definitions: template-transform, variable-aggregator, answer, list-operator', () => {
  it('template-transform: variables are unique, not reserved, and reference nodes upstream', () => {
    expect(
      issuesOf({
        id: 'n',
        data: { type: 'template-transform', template: '{{ a }}', variables: [{ variable: 'a', value_selector: ['start', 'q'] }] },
      }),
    ).toEqual([]);
    expect(
      issuesOf({
        id: 'n',
        data: {
          type: 'template-transform',
          template: '',
          variables: [
            { variable: 'a', value_selector: ['start', 'q'] },
            { variable: 'a', value_selector: ['end', 'x'] },
            { variable: '__proto__', value_selector: ['start', 'q'] },
          ],
        },
      }),
    ).toEqual([['nodes[1].data.variables[2].variable', 'invalid_value']]);
    expect(
      issuesOf({
        id: 'n',
        data: {
          type: 'template-transform',
          template: '',
          variables: [
            { variable: 'a', value_selector: ['start', 'q'] },
            { variable: 'a', value_selector: ['end', 'x'] },
          ],
        },
      }),
    ).toEqual([
      ['nodes[1].data.variables[1].variable', 'duplicate_variable'],
      ['nodes[1].data.variables[1].value_selector', 'reference_not_upstream'],
    ]);
  });

  it('variable-aggregator: outputs are `output`, or the group names when groups are enabled', () => {
    const groups = { group_enabled: true, groups: [{ group_name: 'g1', output_type: 'string', variables: [['start', 'q']] }] };
    const ok = parseWorkflowGraph({
      nodes: [
        start,
        { id: 'n', data: { type: 'variable-aggregator', output_type: 'string', variables: [], advanced_settings: groups } },
        { id: 'end', data: { type: 'end', outputs: [{ variable: 'x', value_selector: ['n', 'g1', 'output'] }] } },
      ],
      edges: [
        { source: 'start', target: 'n' },
        { source: 'n', target: 'end' },
      ],
    });
    expect(ok.ok).toBe(true);
    const bad = parseWorkflowGraph({
      nodes: [
        start,
        { id: 'n', data: { type: 'variable-aggregator', output_type: 'string', variables: [['start', 'q']] } },
        { id: 'end', data: { type: 'end', outputs: [{ variable: 'x', value_selector: ['n', 'g1'] }] } },
      ],
      edges: [
        { source: 'start', target: 'n' },
        { source: 'n', target: 'end' },
      ],
    });
    expect(bad.ok ? [] : bad.issues.map((i) => i.message)).toEqual([
      `node 'end' (nodes[2]): data.outputs[0].value_selector references ["n","g1"], but variable-aggregator node 'n' has no output 'g1'; it has 'output'`,
    ]);
  });

  it('answer: its template references are checked; a chatflow may end in answer nodes alone', () => {
    const result = parseWorkflowGraph({
      nodes: [start, { id: 'a', data: { type: 'answer', answer: '{{#start.q#}} {{#start.nope#}}' } }],
      edges: [{ source: 'start', target: 'a' }],
    });
    expect(result.ok ? [] : result.issues.map((i) => [i.path, i.code])).toEqual([['nodes[1].data.answer', 'unknown_variable_reference']]);
  });

  it('list-operator: the list selector, filter values and serial are references', () => {
    expect(
      issuesOf({
        id: 'n',
        data: {
          type: 'list-operator',
          variable: ['start', 'q'],
          filter_by: { enabled: true, conditions: [{ key: '', comparison_operator: 'contains', value: '{{#ghost.x#}}' }] },
          extract_by: { enabled: true, serial: '{{#start.q#}}' },
        },
      }),
    ).toEqual([['nodes[1].data.filter_by.conditions[0].value', 'unknown_variable_reference']]);
    expect(
      issuesOf({ id: 'n', data: { type: 'list-operator', variable: ['start', 'q'], order_by: { enabled: true, value: 'sideways' } } }),
    ).toEqual([['nodes[1].data.order_by.value', 'invalid_value']]);
  });

  it('env and conversation references must name declared variables', () => {
    const node = { id: 'n', data: { type: 'answer', answer: '{{#env.key#}} {{#conversation.topic#}} {{#env.nope#}}' } };
    expect(
      issuesOf(node, {
        environment_variables: [{ name: 'key', value_type: 'string', value: 'k' }],
        conversation_variables: [{ name: 'topic', value_type: 'string', value: '' }],
      }),
    ).toEqual([['nodes[1].data.answer', 'unknown_variable_reference']]);
    expect(issuesOf(node, { conversation_variables: [{ name: 'constructor', value_type: 'string' }] })[0]).toEqual([
      'conversation_variables[0].name',
      'invalid_value',
    ]);
  });
});
