import { executeRun, type ExecuteRunOptions, type FinishedNodeRecord } from '../index';
import { fakePorts, graph } from '../fake-ports.spec-helper';

const conversation_variables = [
  { name: 'count', value_type: 'number', value: 1 },
  { name: 'log', value_type: 'array[string]', value: ['a'] },
  { name: 'name', value_type: 'string', value: 'x' },
  { name: 'profile', value_type: 'object', value: { k: 1 } },
];

function flow(items: unknown[]) {
  return graph({
    conversation_variables,
    nodes: [
      { id: 'start', data: { type: 'start', variables: [{ variable: 'q', type: 'text-input' }] } },
      { id: 'assign', data: { type: 'assigner', version: '2', items } },
      { id: 'end', data: { type: 'end', outputs: [{ variable: 'count', value_selector: ['conversation', 'count'] }] } },
    ],
    edges: [
      { source: 'start', target: 'assign' },
      { source: 'assign', target: 'end' },
    ],
  });
}

const options = (g: ReturnType<typeof flow>, overrides: Partial<ExecuteRunOptions> = {}): ExecuteRunOptions => ({
  runId: 'r',
  workflowId: 'w',
  workflowVersionId: 'v',
  graph: g,
  inputs: { q: 'hi' },
  finished: [],
  ports: fakePorts(),
  ...overrides,
});

describe('assigner (v2) on conversation variables', () => {
  it('applies every operation, each item seeing the previous ones, and returns the new values', async () => {
    const g = flow([
      { variable_selector: ['conversation', 'count'], input_type: 'constant', operation: '+=', value: 4 },
      { variable_selector: ['conversation', 'count'], input_type: 'constant', operation: '*=', value: 3 },
      { variable_selector: ['conversation', 'count'], input_type: 'constant', operation: '-=', value: 5 },
      { variable_selector: ['conversation', 'count'], input_type: 'constant', operation: '/=', value: 2 },
      { variable_selector: ['conversation', 'log'], input_type: 'variable', operation: 'append', value: ['start', 'q'] },
      { variable_selector: ['conversation', 'log'], input_type: 'constant', operation: 'extend', value: ['b', 'c'] },
      { variable_selector: ['conversation', 'log'], operation: 'remove-first' },
      { variable_selector: ['conversation', 'log'], operation: 'remove-last' },
      { variable_selector: ['conversation', 'name'], input_type: 'constant', operation: 'set', value: 'y' },
      { variable_selector: ['conversation', 'profile'], input_type: 'constant', operation: 'set', value: '{"k":2}' },
    ]);
    const outcome = await executeRun(options(g));
    expect(outcome).toMatchObject({ status: 'succeeded', outputs: { count: 5 } });
    expect(outcome.conversationVariables).toEqual({ count: 5, log: ['hi', 'b'], name: 'y', profile: { k: 2 } });
  });

  it('starts from the conversation values the app passes, and clears to the type zero value', async () => {
    const g = flow([
      { variable_selector: ['conversation', 'log'], operation: 'clear' },
      { variable_selector: ['conversation', 'count'], input_type: 'constant', operation: '+=', value: 1 },
    ]);
    const outcome = await executeRun(options(g, { conversationVariables: { count: 41, log: ['x', 'y'] } }));
    expect(outcome.conversationVariables).toEqual({ count: 42, log: [], name: 'x', profile: { k: 1 } });
  });

  it('fails on an operation the variable type does not support or a division by zero, writing nothing', async () => {
    const bad = await executeRun(
      options(flow([{ variable_selector: ['conversation', 'name'], input_type: 'constant', operation: 'append', value: 'z' }])),
    );
    expect(bad.error).toMatch(/Operation append is not supported for type string/);
    const zero = await executeRun(
      options(flow([{ variable_selector: ['conversation', 'count'], input_type: 'constant', operation: '/=', value: 0 }])),
    );
    expect(zero).toMatchObject({ status: 'failed', conversationVariables: { count: 1 } });
  });

  it('re-applies committed writes when a run resumes past the assigner', async () => {
    const g = flow([{ variable_selector: ['conversation', 'count'], input_type: 'constant', operation: '+=', value: 10 }]);
    const first = fakePorts();
    first.checkpoints.onFinished = (rec) => {
      if (rec.nodeId === 'end') throw new Error('worker lost');
    };
    await expect(executeRun(options(g, { ports: first }))).rejects.toThrow('worker lost');
    const finished: FinishedNodeRecord[] = first.checkpoints.finished.map(({ nodeId, index, status, outputs, tokens }) => ({
      nodeId,
      index,
      status,
      outputs,
      tokens,
    }));
    const outcome = await executeRun(options(g, { finished }));
    expect(outcome).toMatchObject({ status: 'succeeded', outputs: { count: 11 }, conversationVariables: { count: 11 } });
  });

  it('accepts the v1 shape (write_mode) and checks targets and references in the DSL', async () => {
    const v1 = graph({
      conversation_variables,
      nodes: [
        { id: 'start', data: { type: 'start', variables: [{ variable: 'q', type: 'text-input' }] } },
        {
          id: 'assign',
          data: {
            type: 'assigner',
            assigned_variable_selector: ['conversation', 'log'],
            write_mode: 'append',
            input_variable_selector: ['start', 'q'],
          },
        },
        { id: 'end', data: { type: 'end', outputs: [] } },
      ],
      edges: [
        { source: 'start', target: 'assign' },
        { source: 'assign', target: 'end' },
      ],
    });
    expect((await executeRun(options(v1))).conversationVariables).toMatchObject({ log: ['a', 'hi'] });
    expect(() => flow([{ variable_selector: ['start', 'q'], input_type: 'constant', operation: 'set', value: 'x' }])).toThrow(
      /must name a conversation variable/,
    );
    expect(() => flow([{ variable_selector: ['conversation', 'nope'], operation: 'clear' }])).toThrow(
      /no conversation variable 'nope'; declared: 'count', 'log', 'name', 'profile'/,
    );
  });
});
