import { executeRun, type RunOutcome } from '../index';
import { fakePorts, graph } from '../fake-ports.spec-helper';

function run(list: unknown, data: Record<string, unknown>): Promise<RunOutcome> {
  const g = graph({
    nodes: [
      { id: 'start', data: { type: 'start', variables: [{ variable: 'min', type: 'number' }] } },
      { id: 'list', data: { type: 'list-operator', variable: ['sys', 'items'], ...data } },
      {
        id: 'end',
        data: {
          type: 'end',
          outputs: ['result', 'first_record', 'last_record'].map((f) => ({ variable: f, value_selector: ['list', f] })),
        },
      },
    ],
    edges: [
      { source: 'start', target: 'list' },
      { source: 'list', target: 'end' },
    ],
  });
  return executeRun({
    runId: 'r',
    workflowId: 'w',
    workflowVersionId: 'v',
    graph: g,
    inputs: { min: 2 },
    sys: { items: list },
    finished: [],
    ports: fakePorts(),
  });
}

describe('list-operator', () => {
  it('filters numbers (value rendered as a template), sorts descending and limits', async () => {
    const outcome = await run([5, 1, 3, 2, 4], {
      filter_by: { enabled: true, conditions: [{ key: '', comparison_operator: '≥', value: '{{#start.min#}}' }] },
      order_by: { enabled: true, key: '', value: 'desc' },
      limit: { enabled: true, size: 3 },
    });
    expect(outcome.outputs).toEqual({ result: [5, 4, 3], first_record: 5, last_record: 3 });
  });

  it('filters strings and extracts the n-th item (1-based), before sorting', async () => {
    const outcome = await run(['pear', 'apple', 'plum', 'banana'], {
      filter_by: { enabled: true, conditions: [{ comparison_operator: 'start with', value: 'p' }] },
      extract_by: { enabled: true, serial: '2' },
    });
    expect(outcome.outputs).toEqual({ result: ['plum'], first_record: 'plum', last_record: 'plum' });
  });

  it('filters booleans with is / is not, and gives an empty result for an empty list', async () => {
    expect(
      (await run([true, false, true], { filter_by: { enabled: true, conditions: [{ comparison_operator: 'is not', value: true }] } }))
        .outputs,
    ).toEqual({ result: [false], first_record: false, last_record: false });
    expect((await run([], { order_by: { enabled: true, value: 'asc' } })).outputs).toEqual({
      result: [],
      first_record: null,
      last_record: null,
    });
  });

  it('fails on a non-array, a bad serial, or an operator the item type lacks', async () => {
    expect((await run('text', {})).error).toMatch(/is not an array/);
    expect((await run([1, 2], { extract_by: { enabled: true, serial: '0' } })).error).toMatch(/Invalid serial index/);
    expect(
      (await run([1, 2], { filter_by: { enabled: true, conditions: [{ comparison_operator: 'contains', value: '1' }] } })).error,
    ).toMatch(/Invalid condition: contains/);
  });
});
