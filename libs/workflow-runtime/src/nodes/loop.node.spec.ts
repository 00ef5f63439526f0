import type { ContainerCompletedData, NodeFinishedData } from '@shoal/contracts';
import { executeRun, type ExecuteRunOptions } from '../index';
import { fakePorts, graph } from '../fake-ports.spec-helper';
import { addTo, iterationGraph, loopGraph } from '../containers.spec-helper';

function run(g: ExecuteRunOptions['graph'], ports = fakePorts(), more: Partial<ExecuteRunOptions> = {}) {
  const { llm, checkpoints, events, clock } = ports;
  return executeRun(
    Object.assign(
      {
        runId: 'run_1',
        workflowId: 'wf',
        workflowVersionId: 'wfv',
        graph: g,
        inputs: {},
        finished: [],
        ports: { llm, checkpoints, events, clock },
      },
      more,
    ),
  );
}

const counter = (loop: Record<string, unknown>) =>
  graph(
    loopGraph({
      loop: Object.assign({ loop_variables: [{ label: 'num', var_type: 'number', value_type: 'constant', value: 1 }] }, loop),
      inner: [{ id: 'inc', data: { type: 'assigner', version: '2', items: [addTo('num', 1)] } }],
      innerEdges: [['loopstart', 'inc']],
      outputs: [
        { variable: 'num', value_selector: ['loop', 'num'] },
        { variable: 'rounds', value_selector: ['loop', 'loop_round'] },
      ],
    }),
  );

describe('loop', () => {
  it('without break conditions runs exactly loop_count rounds; assigners write its loop variables', async () => {
    const ports = fakePorts();
    const outcome = await run(counter({ loop_count: 3, break_conditions: [] }), ports);
    expect(outcome).toMatchObject({ status: 'succeeded', outputs: { num: 4, rounds: 3 } });
    expect(ports.checkpoints.finished.filter((f) => f.nodeId === 'inc').map((f) => f.executionKey)).toEqual([
      'inc#loop[0]',
      'inc#loop[1]',
      'inc#loop[2]',
    ]);
  });

  it('stops when the break conditions hold after a round', async () => {
    const brk = [{ variable_selector: ['loop', 'num'], comparison_operator: '≥', value: '5' }];
    const outcome = await run(counter({ loop_count: 10, break_conditions: brk }));
    expect(outcome.outputs).toEqual({ num: 5, rounds: 4 });
  });

  it('runs no round when the break conditions hold before the first', async () => {
    const ports = fakePorts();
    const brk = [{ variable_selector: ['loop', 'num'], comparison_operator: '=', value: '1' }];
    const outcome = await run(counter({ loop_count: 10, break_conditions: brk }), ports);
    expect(outcome.outputs).toEqual({ num: 1, rounds: 0 });
    expect(ports.checkpoints.finished.some((f) => f.nodeId === 'inc')).toBe(false);
    expect(ports.events.find('loop_completed', 'loop').data).toMatchObject({
      steps: 0,
      execution_metadata: { completed_reason: 'loop_break' },
    });
  });

  it('a loop-end node ends the loop after its round', async () => {
    const g = graph(
      loopGraph({
        loop: {
          loop_count: 10,
          break_conditions: [],
          loop_variables: [{ label: 'n', var_type: 'number', value_type: 'constant', value: 0 }],
        },
        inner: [
          {
            id: 'check',
            data: {
              type: 'if-else',
              cases: [
                {
                  case_id: 'true',
                  logical_operator: 'and',
                  conditions: [{ variable_selector: ['loop', 'n'], comparison_operator: '≥', value: '3' }],
                },
              ],
            },
          },
          { id: 'stop', data: { type: 'loop-end' } },
          { id: 'inc', data: { type: 'assigner', version: '2', items: [addTo('n', 1)] } },
        ],
        innerEdges: [
          ['loopstart', 'check'],
          ['check', 'stop', 'true'],
          ['check', 'inc', 'false'],
        ],
        outputs: [{ variable: 'n', value_selector: ['loop', 'n'] }],
      }),
    );
    const ports = fakePorts();
    const outcome = await run(g, ports);
    expect(outcome.outputs).toEqual({ n: 3 });
    expect(ports.checkpoints.finished.filter((f) => f.nodeId === 'check')).toHaveLength(4);
    const completed = ports.events.find('loop_completed', 'loop').data as ContainerCompletedData;
    expect(completed).toMatchObject({ status: 'succeeded', steps: 4, outputs: { n: 3, loop_round: 4 } });
  });

  it("emits loop_started, loop_next with the previous round's outputs, loop_completed; inner events carry loop_id and loop_index", async () => {
    const ports = fakePorts();
    await run(counter({ loop_count: 2, break_conditions: [] }), ports);
    const names = ports.events.names().filter((n) => n.startsWith('loop'));
    expect(names).toEqual(['loop_started:loop', 'loop_next:loop', 'loop_completed:loop']);
    expect(ports.events.find('loop_started', 'loop').data).toMatchObject({
      metadata: { loop_length: 2 },
      inputs: { loop_count: 2, num: 1 },
    });
    expect(ports.events.find('loop_next', 'loop').data).toMatchObject({ index: 1, pre_loop_output: { num: 2, loop_round: 1 } });
    const inc = ports.events.events.filter((e) => e.event === 'node_finished' && e.data.node_id === 'inc') as Array<{
      data: NodeFinishedData;
    }>;
    expect(inc.map((e) => [e.data.loop_id, e.data.execution_metadata])).toEqual([
      ['loop', { loop_id: 'loop', loop_index: 0 }],
      ['loop', { loop_id: 'loop', loop_index: 1 }],
    ]);
  });

  it('initialises loop variables from selectors and from JSON text constants', async () => {
    const g = graph({
      nodes: [
        { id: 'start', data: { type: 'start', variables: [{ variable: 'seed', type: 'number', required: true }] } },
        {
          id: 'loop',
          data: {
            type: 'loop',
            start_node_id: 'loopstart',
            loop_count: 2,
            break_conditions: [],
            logical_operator: 'and',
            loop_variables: [
              { label: 'total', var_type: 'number', value_type: 'variable', value: ['start', 'seed'] },
              { label: 'seen', var_type: 'array[number]', value_type: 'constant', value: '[7]' },
            ],
          },
        },
        { id: 'loopstart', parentId: 'loop', data: { type: 'loop-start' } },
        {
          id: 'inc',
          parentId: 'loop',
          data: {
            type: 'assigner',
            version: '2',
            items: [
              addTo('total', 10),
              { variable_selector: ['loop', 'seen'], input_type: 'variable', operation: 'append', value: ['start', 'seed'] },
            ],
          },
        },
        {
          id: 'end',
          data: {
            type: 'end',
            outputs: [
              { variable: 'seen', value_selector: ['loop', 'seen'] },
              { variable: 'total', value_selector: ['loop', 'total'] },
            ],
          },
        },
      ],
      edges: [
        { source: 'start', target: 'loop' },
        { source: 'loopstart', target: 'inc' },
        { source: 'loop', target: 'end' },
      ],
    });
    expect((await run(g, fakePorts(), { inputs: { seed: 1 } })).outputs).toEqual({ seen: [7, 1, 1], total: 21 });
  });

  it('fails with the limit named when loop_count is above the limit', async () => {
    const outcome = await run(counter({ loop_count: 5, break_conditions: [] }), fakePorts(), { containerLimits: { maxLoopCount: 4 } });
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toMatch(/loop_count 5, more than the limit of 4 rounds \(WORKFLOW_MAX_LOOP_COUNT\)/);
  });

  it('a failing inner node fails the loop', async () => {
    const g = graph(
      loopGraph({
        loop: {
          loop_count: 3,
          break_conditions: [],
          loop_variables: [{ label: 's', var_type: 'string', value_type: 'constant', value: 'x' }],
        },
        inner: [{ id: 'inc', data: { type: 'assigner', version: '2', items: [addTo('s', 1)] } }],
        innerEdges: [['loopstart', 'inc']],
        outputs: [{ variable: 's', value_selector: ['loop', 's'] }],
      }),
    );
    const outcome = await run(g);
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toMatch(/Node Loop \(loop\) failed: Node inc \(inc\) failed: Operation \+= is not supported for type string/);
  });

  it('runs an iteration nested in a loop, with keys that name both rounds', async () => {
    const inner = iterationGraph({
      iteration: { iterator_selector: ['loop', 'items'] },
      inner: [
        {
          id: 'fmt',
          data: {
            type: 'template-transform',
            template: '{{ i }}{{ x }}',
            variables: [
              { variable: 'x', value_selector: ['iter', 'item'] },
              { variable: 'i', value_selector: ['iter', 'index'] },
            ],
          },
        },
      ],
      innerEdges: [['iterstart', 'fmt']],
      outputSelector: ['fmt', 'output'],
    });
    const iterNodes = inner.nodes.filter((n) => n.id !== 'start' && n.id !== 'end');
    const g = graph({
      nodes: [
        { id: 'start', data: { type: 'start', variables: [] } },
        {
          id: 'loop',
          data: {
            type: 'loop',
            start_node_id: 'loopstart',
            loop_count: 2,
            break_conditions: [],
            logical_operator: 'and',
            loop_variables: [
              { label: 'items', var_type: 'array[string]', value_type: 'constant', value: ['a', 'b'] },
              { label: 'out', var_type: 'array[string]', value_type: 'constant', value: [] },
            ],
          },
        },
        { id: 'loopstart', parentId: 'loop', data: { type: 'loop-start' } },
        ...iterNodes.map((n) => (n.id === 'iter' ? Object.assign({}, n, { parentId: 'loop' }) : n)),
        {
          id: 'keep',
          parentId: 'loop',
          data: {
            type: 'assigner',
            version: '2',
            items: [{ variable_selector: ['loop', 'out'], input_type: 'variable', operation: 'extend', value: ['iter', 'output'] }],
          },
        },
        { id: 'end', data: { type: 'end', outputs: [{ variable: 'out', value_selector: ['loop', 'out'] }] } },
      ],
      edges: [
        { source: 'start', target: 'loop' },
        { source: 'loopstart', target: 'iter' },
        { source: 'iter', target: 'keep' },
        { source: 'iterstart', target: 'fmt' },
        { source: 'loop', target: 'end' },
      ],
    });
    const ports = fakePorts();
    const outcome = await run(g, ports);
    expect(outcome.outputs).toEqual({ out: ['0a', '1b', '0a', '1b'] });
    expect(ports.checkpoints.finished.filter((f) => f.nodeId === 'fmt').map((f) => f.executionKey)).toEqual([
      'fmt#loop[0]/iter[0]',
      'fmt#loop[0]/iter[1]',
      'fmt#loop[1]/iter[0]',
      'fmt#loop[1]/iter[1]',
    ]);
  });
});
