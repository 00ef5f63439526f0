import { executeRun, type ExecuteRunOptions, type FinishedNodeRecord } from './index';
import { fakePorts, graph } from './fake-ports.spec-helper';

const flow = (errorHandling: Record<string, unknown>, failEdge = true) =>
  graph({
    nodes: [
      { id: 'start', data: { type: 'start' } },
      { id: 'ask', data: { type: 'llm', model: { name: 'm' }, prompt_template: [{ role: 'user', text: 'hi' }], ...errorHandling } },
      { id: 'ok', data: { type: 'end', outputs: [{ variable: 'text', value_selector: ['ask', 'text'] }] } },
      ...(failEdge
        ? [{ id: 'sorry', data: { type: 'end', outputs: [{ variable: 'error', value_selector: ['ask', 'error_message'] }] } }]
        : []),
    ],
    edges: [
      { source: 'start', target: 'ask' },
      { source: 'ask', target: 'ok' },
      ...(failEdge ? [{ source: 'ask', sourceHandle: 'fail-branch', target: 'sorry' }] : []),
    ],
  });

const options = (g: ReturnType<typeof flow>, overrides: Partial<ExecuteRunOptions> = {}): ExecuteRunOptions => ({
  runId: 'r',
  workflowId: 'w',
  workflowVersionId: 'v',
  graph: g,
  inputs: {},
  finished: [],
  ports: fakePorts(),
  ...overrides,
});

describe('error strategies (Dify error handling on LLM nodes)', () => {
  it('fail-branch: a failed node ends as exception and only its fail-branch edges are taken', async () => {
    const ports = fakePorts();
    ports.llm.handler = () => {
      throw new Error('upstream returned 503');
    };
    const outcome = await executeRun(options(flow({ error_strategy: 'fail-branch' }), { ports }));
    expect(outcome).toMatchObject({ status: 'partial-succeeded', outputs: { error: 'upstream returned 503' } });
    expect(ports.events.find('workflow_finished').data).toMatchObject({
      status: 'partial-succeeded',
      outputs: { error: 'upstream returned 503' },
      error: null,
    });
    expect(ports.events.find('node_finished', 'ask').data).toMatchObject({
      status: 'exception',
      error: 'upstream returned 503',
      outputs: { error_message: 'upstream returned 503', error_type: 'Error' },
    });
    expect(ports.events.names()).not.toContain('node_started:ok');
    expect(ports.checkpoints.finished.find((r) => r.nodeId === 'ask')?.status).toBe('exception');
  });

  it('fail-branch: a node that succeeds leaves by source only', async () => {
    const ports = fakePorts();
    const outcome = await executeRun(options(flow({ error_strategy: 'fail-branch' }), { ports }));
    expect(outcome).toMatchObject({ status: 'succeeded', outputs: { text: 'm says: hi' } });
    expect(ports.events.find('workflow_finished').data.status).toBe('succeeded');
    expect(ports.events.names()).not.toContain('node_started:sorry');
  });

  it('default-value: the defaults become the outputs and the source edges are taken', async () => {
    const ports = fakePorts();
    ports.llm.handler = () => {
      throw new Error('boom');
    };
    const g = flow({ error_strategy: 'default-value', default_value: [{ key: 'text', type: 'string', value: 'fallback' }] }, false);
    expect(await executeRun(options(g, { ports }))).toMatchObject({ status: 'partial-succeeded', outputs: { text: 'fallback' } });
  });

  it('resumes past an exception without running the node again, on the same branch', async () => {
    const first = fakePorts();
    first.llm.handler = () => {
      throw new Error('boom');
    };
    first.checkpoints.onFinished = (rec) => {
      if (rec.nodeId === 'sorry') throw new Error('worker lost');
    };
    const g = flow({ error_strategy: 'fail-branch' });
    await expect(executeRun(options(g, { ports: first }))).rejects.toThrow('worker lost');
    const finished: FinishedNodeRecord[] = first.checkpoints.finished.map(({ nodeId, index, status, outputs, tokens }) => ({
      nodeId,
      index,
      status,
      outputs,
      tokens,
    }));
    const second = fakePorts();
    const outcome = await executeRun(options(g, { ports: second, finished }));
    expect(outcome.outputs).toEqual({ error: 'boom' });
    // the exception happened in the first attempt; the resumed one still reports it
    expect(outcome.status).toBe('partial-succeeded');
    expect(second.events.find('workflow_finished').data.status).toBe('partial-succeeded');
    expect(second.llm.calls).toHaveLength(0);
    expect(second.events.names()).toEqual(['node_started:sorry', 'node_finished:sorry', 'workflow_finished']);
  });

  it('the DSL knows the fail-branch handle only where the strategy is set', () => {
    expect(() => flow({})).toThrow(/sourceHandle is 'fail-branch', but llm node 'ask' has the handles 'source'/);
  });
});
