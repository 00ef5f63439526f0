import { executeRun, type ExecuteRunOptions, type FinishedNodeRecord } from './index';
import { deferred, fakePorts, graph, llmResult, settle } from './fake-ports.spec-helper';

const llm = (id: string, text: string) => ({ id, data: { type: 'llm', model: { name: 'm' }, prompt_template: [{ role: 'user', text }] } });
const end = (id: string, selector: string[]) => ({ id, data: { type: 'end', outputs: [{ variable: 'out', value_selector: selector }] } });
const edge = (source: string, target: string, sourceHandle?: string) => ({ source, target, ...(sourceHandle ? { sourceHandle } : {}) });

// start -> route: 'long' when the text has more than 5 characters, else 'short' when not empty, else 'false'.
// long -> a -> end_a; short -> b -> end_b; false -> c -> end_c.
const router = graph({
  nodes: [
    {
      id: 'start',
      data: {
        type: 'start',
        variables: [
          { variable: 'q', type: 'text-input' },
          { variable: 'n', type: 'number' },
        ],
      },
    },
    {
      id: 'route',
      data: {
        type: 'if-else',
        cases: [
          {
            case_id: 'long',
            logical_operator: 'and',
            conditions: [
              { variable_selector: ['start', 'q'], comparison_operator: 'not empty' },
              { variable_selector: ['start', 'n'], comparison_operator: '>', value: '5' },
            ],
          },
          {
            case_id: 'short',
            logical_operator: 'or',
            conditions: [{ variable_selector: ['start', 'q'], comparison_operator: 'not empty' }],
          },
        ],
      },
    },
    llm('a', 'long {{#start.q#}}'),
    llm('b', 'short {{#start.q#}}'),
    llm('c', 'none'),
    end('end_a', ['a', 'text']),
    end('end_b', ['b', 'text']),
    end('end_c', ['c', 'text']),
  ],
  edges: [
    edge('start', 'route'),
    edge('route', 'a', 'long'),
    edge('route', 'b', 'short'),
    edge('route', 'c', 'false'),
    edge('a', 'end_a'),
    edge('b', 'end_b'),
    edge('c', 'end_c'),
  ],
});

function options(ports: ReturnType<typeof fakePorts>, overrides: Partial<ExecuteRunOptions>): ExecuteRunOptions {
  return { runId: 'run_1', workflowId: 'wf_1', workflowVersionId: 'wfv_1', graph: router, inputs: {}, finished: [], ports, ...overrides };
}

function committed(ports: ReturnType<typeof fakePorts>): FinishedNodeRecord[] {
  return ports.checkpoints.finished
    .filter((r) => r.status === 'succeeded')
    .map(({ nodeId, index, status, outputs, tokens }) => ({ nodeId, index, status, outputs, tokens }));
}

describe('executeRun: branches', () => {
  it.each([
    [{ q: 'hello', n: 9 }, 'long', 'a', 'm says: long hello'],
    [{ q: 'hello', n: 2 }, 'short', 'b', 'm says: short hello'],
    [{ n: 2 }, 'false', 'c', 'm says: none'],
  ])('with inputs %j takes the %s branch only; the others are skipped without events', async (inputs, handle, ran, out) => {
    const ports = fakePorts();
    const outcome = await executeRun(options(ports, { inputs }));
    expect(outcome).toMatchObject({ status: 'succeeded', outputs: { out }, steps: 4 });
    expect(ports.llm.calls.map((c) => c.nodeId)).toEqual([ran]);
    expect(ports.events.names()).toEqual([
      'workflow_started',
      'node_started:start',
      'node_finished:start',
      'node_started:route',
      'node_finished:route',
      `node_started:${ran}`,
      `node_finished:${ran}`,
      `node_started:end_${ran}`,
      `node_finished:end_${ran}`,
      'workflow_finished',
    ]);
    expect(ports.events.find('node_finished', 'route').data.outputs).toEqual({ result: handle !== 'false', selected_case_id: handle });
  });

  it('runs a join when any one of its incoming edges is taken (Dify: test_complex_branch)', async () => {
    const g = graph({
      nodes: [
        { id: 'start', data: { type: 'start', variables: [{ variable: 'q', type: 'text-input' }] } },
        {
          id: 'check',
          data: {
            type: 'if-else',
            logical_operator: 'and',
            conditions: [{ variable_selector: ['start', 'q'], comparison_operator: 'contains', value: 'yes' }],
          },
        },
        llm('yes', 'yes'),
        llm('no', 'no'),
        llm('join', 'joined {{#yes.text#}}{{#no.text#}}'),
        llm('after_no', 'only on no'),
        end('end', ['join', 'text']),
      ],
      edges: [
        edge('start', 'check'),
        edge('check', 'yes', 'true'),
        edge('check', 'no', 'false'),
        edge('yes', 'join'),
        edge('no', 'join'),
        edge('no', 'after_no'),
        edge('after_no', 'end'),
        edge('join', 'end'),
      ],
    });
    const ports = fakePorts();
    const outcome = await executeRun(options(ports, { graph: g, inputs: { q: 'yes please' } }));
    // The join's reference to the skipped branch renders as Dify renders an unresolved reference.
    expect(outcome).toMatchObject({ status: 'succeeded', outputs: { out: 'm says: joined m says: yesno.text' } });
    expect(ports.llm.calls.map((c) => c.nodeId)).toEqual(['yes', 'join']);
    // end has a skipped edge (after_no) and a taken one (join): it runs once, after join.
    expect(ports.checkpoints.started.map((r) => [r.nodeId, r.predecessorNodeId])).toEqual([
      ['start', null],
      ['check', 'start'],
      ['yes', 'check'],
      ['join', 'yes'],
      ['end', 'join'],
    ]);
  });

  it('runs independent branches after a decision concurrently, and commits each node before its successors', async () => {
    const g = graph({
      nodes: [
        { id: 'start', data: { type: 'start' } },
        {
          id: 'check',
          data: {
            type: 'if-else',
            cases: [
              {
                case_id: 'go',
                logical_operator: 'and',
                conditions: [{ variable_selector: ['sys', 'workflow_id'], comparison_operator: 'is', value: 'wf_1' }],
              },
            ],
          },
        },
        llm('x', 'x'),
        llm('y', 'y'),
        {
          id: 'end',
          data: {
            type: 'end',
            outputs: [
              { variable: 'x', value_selector: ['x', 'text'] },
              { variable: 'y', value_selector: ['y', 'text'] },
            ],
          },
        },
      ],
      edges: [edge('start', 'check'), edge('check', 'x', 'go'), edge('check', 'y', 'go'), edge('x', 'end'), edge('y', 'end')],
    });
    const ports = fakePorts();
    const held = new Map<string, ReturnType<typeof deferred<string>>>();
    ports.llm.handler = async (req) => {
      const d = deferred<string>();
      held.set(req.nodeId, d);
      return llmResult(await d.promise);
    };
    const commit = deferred<void>();
    ports.checkpoints.onFinished = (rec) => (rec.nodeId === 'check' ? commit.promise : undefined);
    const run = executeRun(options(ports, { graph: g }));
    await settle();
    expect(ports.journal).not.toContain('started:x');
    commit.resolve();
    await settle();
    expect([...held.keys()].sort()).toEqual(['x', 'y']);
    held.get('y')!.resolve('Y');
    held.get('x')!.resolve('X');
    expect((await run).outputs).toEqual({ x: 'X', y: 'Y' });
  });

  it('resumes from checkpoints with the same branches decided: skipped nodes stay skipped', async () => {
    const first = fakePorts();
    const controller = new AbortController();
    first.llm.handler = () => new Promise(() => undefined);
    const run = executeRun(options(first, { inputs: { q: 'hello', n: 2 }, signal: controller.signal }));
    await settle();
    controller.abort(); // the worker dies while b runs
    await run;
    const finished = committed(first);
    expect(finished.map((r) => r.nodeId)).toEqual(['start', 'route']);

    const second = fakePorts();
    const outcome = await executeRun(options(second, { inputs: { q: 'hello', n: 2 }, finished }));
    expect(outcome).toMatchObject({ status: 'succeeded', outputs: { out: 'm says: short hello' }, steps: 4 });
    expect(second.events.names()).toEqual([
      'node_started:b',
      'node_finished:b',
      'node_started:end_b',
      'node_finished:end_b',
      'workflow_finished',
    ]);
    expect(second.checkpoints.started.map((r) => [r.nodeId, r.index, r.predecessorNodeId])).toEqual([
      ['b', 3, 'route'],
      ['end_b', 4, 'b'],
    ]);
  });

  it('fails the if-else node as Dify does when a comparison has the wrong types', async () => {
    const g = graph({
      nodes: [
        { id: 'start', data: { type: 'start', variables: [{ variable: 'q', type: 'text-input' }] } },
        {
          id: 'check',
          data: {
            type: 'if-else',
            cases: [
              {
                case_id: 'big',
                logical_operator: 'and',
                conditions: [{ variable_selector: ['start', 'q'], comparison_operator: '>', value: '3' }],
              },
            ],
          },
        },
        end('end', ['start', 'q']),
      ],
      edges: [edge('start', 'check'), edge('check', 'end', 'big'), edge('check', 'end', 'false')],
    });
    const outcome = await executeRun(options(fakePorts(), { graph: g, inputs: { q: 'abc' } }));
    expect(outcome).toMatchObject({ status: 'failed', error: 'Node check (check) failed: Invalid actual value type: number' });
  });

  it('aggregates whichever branch ran (variable-aggregator, groups, the legacy variable-assigner name) into an answer', async () => {
    const g = graph({
      nodes: [
        { id: 'start', data: { type: 'start', variables: [{ variable: 'q', type: 'text-input' }] } },
        {
          id: 'check',
          data: {
            type: 'if-else',
            cases: [
              {
                case_id: 'yes',
                logical_operator: 'and',
                conditions: [{ variable_selector: ['start', 'q'], comparison_operator: 'is', value: 'y' }],
              },
            ],
          },
        },
        llm('yes', 'yes'),
        llm('no', 'no'),
        {
          id: 'agg',
          data: {
            type: 'variable-aggregator',
            output_type: 'string',
            variables: [
              ['yes', 'text'],
              ['no', 'text'],
            ],
          },
        },
        {
          id: 'groups',
          data: {
            type: 'variable-assigner',
            output_type: 'string',
            variables: [],
            advanced_settings: {
              group_enabled: true,
              groups: [
                {
                  group_name: 'text',
                  output_type: 'string',
                  variables: [
                    ['yes', 'text'],
                    ['no', 'text'],
                  ],
                },
                { group_name: 'tokens', output_type: 'number', variables: [['no', 'usage', 'total_tokens']] },
              ],
            },
          },
        },
        { id: 'answer', data: { type: 'answer', answer: 'A: {{#agg.output#}} / {{#groups.text.output#}} / {{#groups.tokens.output#}}' } },
      ],
      edges: [
        edge('start', 'check'),
        edge('check', 'yes', 'yes'),
        edge('check', 'no', 'false'),
        edge('yes', 'agg'),
        edge('no', 'agg'),
        edge('agg', 'groups'),
        edge('groups', 'answer'),
      ],
    });
    const ports = fakePorts();
    const outcome = await executeRun(options(ports, { graph: g, inputs: { q: 'y' }, streamChunks: true }));
    expect(outcome).toMatchObject({ status: 'succeeded', outputs: { answer: 'A: m says: yes / m says: yes / groups.tokens.output' } });
    expect(ports.events.find('node_finished', 'groups').data.outputs).toEqual({ text: { output: 'm says: yes' } });
    // streamed piece by piece; the unresolved reference streams nothing
    expect(ports.events.events.filter((e) => e.event === 'text_chunk').map((e) => e.data)).toEqual([
      { text: 'A: ', from_variable_selector: ['answer', 'answer'] },
      { text: 'm says: yes', from_variable_selector: ['agg', 'output'] },
      { text: ' / ', from_variable_selector: ['answer', 'answer'] },
      { text: 'm says: yes', from_variable_selector: ['groups', 'text'] },
      { text: ' / ', from_variable_selector: ['answer', 'answer'] },
    ]);
    const no = await executeRun(options(fakePorts(), { graph: g, inputs: { q: 'n' } }));
    expect(no.outputs).toEqual({ answer: 'A: m says: no / m says: no / 15' });
  });
});
