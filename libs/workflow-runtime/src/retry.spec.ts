import type { NodeRetryData } from '@shoal/contracts';
import { executeRun, type ExecuteRunOptions } from './index';
import { fakePorts, graph, llmResult } from './fake-ports.spec-helper';
import type { Sleeper } from './retry';

const flow = (llmData: Record<string, unknown>, failEdge = false) =>
  graph({
    nodes: [
      { id: 'start', data: { type: 'start' } },
      { id: 'ask', data: { type: 'llm', model: { name: 'm' }, prompt_template: [{ role: 'user', text: 'hi' }], ...llmData } },
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

const retry = (max_retries: number, retry_interval = 250) => ({ retry_config: { retry_enabled: true, max_retries, retry_interval } });

/** Records the waits instead of sleeping; `onSleep` may abort or fail the wait. */
class RecordingSleeper implements Sleeper {
  readonly waits: number[] = [];
  onSleep: () => void = () => undefined;
  async sleep(ms: number, signal: AbortSignal): Promise<void> {
    this.waits.push(ms);
    this.onSleep();
    if (signal.aborted) throw new (await import('./runtime.errors')).RunCancelledError();
  }
}

function setup(failures: number) {
  const ports = fakePorts();
  const sleeper = new RecordingSleeper();
  let calls = 0;
  ports.llm.handler = () => {
    if (calls++ < failures) throw new Error(`503 on try ${calls}`);
    return llmResult('finally');
  };
  const run = (g: ReturnType<typeof flow>, more: Partial<ExecuteRunOptions> = {}) =>
    executeRun({
      runId: 'r',
      workflowId: 'w',
      workflowVersionId: 'v',
      graph: g,
      inputs: {},
      finished: [],
      ports: { ...ports, sleeper },
      ...more,
    });
  return { ports, sleeper, run };
}

const retries = (ports: ReturnType<typeof fakePorts>) =>
  ports.events.events.filter((e) => e.event === 'node_retry').map((e) => e.data as NodeRetryData);

describe('per-node retries (Dify retry_config)', () => {
  it('retries a failed LLM node with the next attempt and call id, waiting the interval, then succeeds', async () => {
    const { ports, sleeper, run } = setup(2);
    const outcome = await run(flow(retry(3)));
    expect(outcome).toMatchObject({ status: 'succeeded', outputs: { text: 'finally' } });
    expect(ports.llm.calls.map((c) => c.callId)).toEqual(['r:ask:0', 'r:ask:1', 'r:ask:2']);
    expect(sleeper.waits).toEqual([250, 250]);
    // node_started once, a node_retry per failed try, node_finished for the try that succeeded
    expect(ports.events.names().filter((n) => n.endsWith(':ask'))).toEqual([
      'node_started:ask',
      'node_retry:ask',
      'node_retry:ask',
      'node_finished:ask',
    ]);
    const started = ports.events.find('node_started', 'ask').data;
    expect(retries(ports)).toEqual([
      expect.objectContaining({ id: started.id, index: started.index, status: 'retry', retry_index: 1, attempt: 0, error: '503 on try 1' }),
      expect.objectContaining({ id: started.id, index: started.index, status: 'retry', retry_index: 2, attempt: 1, error: '503 on try 2' }),
    ]);
    // the row follows the attempt, so a resumed run continues after it; each try is a step (as Dify counts)
    expect(ports.checkpoints.started.filter((s) => s.nodeId === 'ask').map((s) => [s.attempt, s.callId])).toEqual([
      [0, 'r:ask:0'],
      [1, 'r:ask:1'],
      [2, 'r:ask:2'],
    ]);
    expect(ports.checkpoints.finished.find((f) => f.nodeId === 'ask')).toMatchObject({
      status: 'succeeded',
      attempt: 2,
      callId: 'r:ask:2',
    });
    expect(outcome.steps).toBe(5);
  });

  it('fails the run after max_retries when every try fails', async () => {
    const { ports, sleeper, run } = setup(10);
    const outcome = await run(flow(retry(2)));
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toContain('503 on try 3');
    expect(ports.llm.calls).toHaveLength(3);
    expect(sleeper.waits).toHaveLength(2);
    expect(ports.events.find('node_finished', 'ask').data).toMatchObject({ status: 'failed', error: '503 on try 3' });
  });

  it('applies error_strategy only once the retries are used', async () => {
    const { ports, run } = setup(10);
    const outcome = await run(flow({ ...retry(1), error_strategy: 'fail-branch' }, true));
    expect(outcome).toMatchObject({ status: 'partial-succeeded', outputs: { error: '503 on try 2' } });
    expect(retries(ports)).toHaveLength(1);
    expect(ports.events.find('node_finished', 'ask').data.status).toBe('exception');
  });

  it('does not retry when retry_config is disabled', async () => {
    const { ports, run } = setup(10);
    expect((await run(flow({ retry_config: { retry_enabled: false, max_retries: 5, retry_interval: 0 } }))).status).toBe('failed');
    expect(ports.llm.calls).toHaveLength(1);
    expect(retries(ports)).toHaveLength(0);
  });

  it('a cancel during the wait ends the node without another try', async () => {
    const { ports, sleeper, run } = setup(10);
    const cancel = new AbortController();
    sleeper.onSleep = () => cancel.abort();
    const outcome = await run(flow(retry(5)), { signal: cancel.signal });
    expect(outcome.status).toBe('stopped');
    expect(ports.llm.calls).toHaveLength(1);
    expect(ports.events.find('workflow_finished').data.status).toBe('stopped');
  });

  it('a resumed run continues the attempt numbering of a node that crashed mid-try', async () => {
    const { ports, run } = setup(0);
    await run(flow(retry(3)), { startedAttempts: new Map([['ask', 1]]) });
    expect(ports.llm.calls.map((c) => c.callId)).toEqual(['r:ask:2']);
  });

  it('refuses retry_config beyond Dify bounds at parse time, naming the field', () => {
    expect(() => flow(retry(11))).toThrow(/max_retries.*at most 10|at most 10/);
    expect(() => flow(retry(1, 5001))).toThrow(/at most 5000/);
  });
});
