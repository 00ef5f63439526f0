import { executeRun, type ExecuteRunOptions } from './index';
import { fakePorts, graph, llmResult } from './fake-ports.spec-helper';
import type { Sleeper } from './retry';

const chain = (llmData: Record<string, unknown> = {}) =>
  graph({
    nodes: [
      { id: 'start', data: { type: 'start' } },
      { id: 'a', data: { type: 'llm', model: { name: 'm' }, prompt_template: [{ role: 'user', text: 'hi' }], ...llmData } },
      {
        id: 'b',
        data: { type: 'template-transform', template: '{{ x }}!', variables: [{ variable: 'x', value_selector: ['a', 'text'] }] },
      },
      { id: 'end', data: { type: 'end', outputs: [{ variable: 'out', value_selector: ['b', 'output'] }] } },
    ],
    edges: [
      { source: 'start', target: 'a' },
      { source: 'a', target: 'b' },
      { source: 'b', target: 'end' },
    ],
  });

const noSleep: Sleeper = { sleep: async () => undefined };

function run(g: ReturnType<typeof chain>, more: Partial<ExecuteRunOptions> = {}) {
  const ports = fakePorts();
  const outcome = executeRun({
    runId: 'r',
    workflowId: 'w',
    workflowVersionId: 'v',
    graph: g,
    inputs: {},
    finished: [],
    ports: { ...ports, sleeper: noSleep },
    ...more,
  });
  return { ports, outcome };
}

describe('run limits', () => {
  it('runs within the defaults', async () => {
    expect((await run(chain()).outcome).status).toBe('succeeded');
  });

  it('WORKFLOW_MAX_EXECUTION_STEPS: the run fails naming the limit, and the node past it never starts', async () => {
    const { ports, outcome } = run(chain(), { limits: { maxSteps: 2 } });
    const o = await outcome;
    expect(o).toMatchObject({
      status: 'failed',
      error: 'The run reached its limit of 2 node executions (WORKFLOW_MAX_EXECUTION_STEPS = 2)',
    });
    expect(ports.events.names()).not.toContain('node_started:b');
    expect(ports.events.find('workflow_finished').data.error).toContain('WORKFLOW_MAX_EXECUTION_STEPS');
  });

  it('counts retries and the steps of earlier attempts as steps', async () => {
    const { ports, outcome } = run(chain({ retry_config: { retry_enabled: true, max_retries: 5, retry_interval: 0 } }), {
      limits: { maxSteps: 3 },
    });
    ports.llm.handler = () => {
      throw new Error('503');
    };
    expect((await outcome).error).toContain('(WORKFLOW_MAX_EXECUTION_STEPS = 3)');
    // start, then a's first try and one retry; the second retry is refused
    expect(ports.llm.calls).toHaveLength(2);

    const resumed = run(chain(), {
      limits: { maxSteps: 2 },
      finished: [{ nodeId: 'start', index: 1, status: 'succeeded', outputs: {}, tokens: { prompt: 0, completion: 0, total: 0 } }],
    });
    expect((await resumed.outcome).error).toContain('WORKFLOW_MAX_EXECUTION_STEPS');
    expect(resumed.ports.events.names()).toContain('node_started:a');
    expect(resumed.ports.events.names()).not.toContain('node_started:b');
  });

  it('WORKFLOW_MAX_EXECUTION_TIME counts from the run creation: a resumed run past it fails at once', async () => {
    const ports = fakePorts();
    const o = await executeRun({
      runId: 'r',
      workflowId: 'w',
      workflowVersionId: 'v',
      graph: chain(),
      inputs: {},
      finished: [],
      ports,
      startedAt: ports.clock.ms - 1_201_000,
    });
    expect(o).toMatchObject({ status: 'failed', error: 'The run reached its time limit of 1200 s (WORKFLOW_MAX_EXECUTION_TIME = 1200)' });
    expect(ports.llm.calls).toHaveLength(0);
  });

  it('WORKFLOW_MAX_EXECUTION_TIME aborts a node in flight when the time runs out', async () => {
    const { ports, outcome } = run(chain(), { limits: { maxRunMs: 30 } });
    let aborted = false;
    ports.llm.handler = (req) =>
      new Promise((_, reject) =>
        req.signal?.addEventListener('abort', () => {
          aborted = true;
          reject(new Error('aborted'));
        }),
      );
    // the fake clock stands still, so only the timer can end this run
    const o = await outcome;
    expect(o).toMatchObject({ status: 'failed', error: expect.stringContaining('(WORKFLOW_MAX_EXECUTION_TIME = 0.03)') });
    expect(aborted).toBe(true);
  });

  it('MAX_VARIABLE_SIZE: a node writing a larger variable fails the run naming the variable and the limit', async () => {
    const { ports, outcome } = run(chain(), { limits: { maxVariableBytes: 1000 } });
    ports.llm.handler = () => llmResult('é'.repeat(600));
    const o = await outcome;
    expect(o.status).toBe('failed');
    expect(o.error).toBe('The variable a.text is 1200 bytes, more than allowed (MAX_VARIABLE_SIZE = 1000)');
    expect(ports.events.names()).not.toContain('node_started:b');
  });

  it('WORKFLOW_CALL_MAX_DEPTH: a run nested deeper than allowed is refused before any node runs', async () => {
    const { ports, outcome } = run(chain(), { callDepth: 6 });
    expect(await outcome).toMatchObject({ status: 'failed', error: expect.stringContaining('(WORKFLOW_CALL_MAX_DEPTH = 5)') });
    expect(ports.llm.calls).toHaveLength(0);
    expect((await run(chain(), { callDepth: 5 }).outcome).status).toBe('succeeded');
  });
});
