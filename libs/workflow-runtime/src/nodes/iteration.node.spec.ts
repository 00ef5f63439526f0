import { RUN_STOPPED_MESSAGE, type ContainerCompletedData, type NodeFinishedData, type NodeStartedData } from '@shoal/contracts';
import { executeRun, type ExecuteRunOptions } from '../index';
import { deferred, fakePorts, graph, llmResult, settle, type Deferred } from '../fake-ports.spec-helper';
import { iterationGraph } from '../containers.spec-helper';
import { flattenOutputs } from './iteration.node';

const upper = (extra: Record<string, unknown> = {}) =>
  graph(
    iterationGraph({
      iteration: extra,
      inner: [
        {
          id: 'inner',
          data: {
            type: 'template-transform',
            template: '{{ index }}:{{ item | upper }}',
            variables: [
              { variable: 'item', value_selector: ['iter', 'item'] },
              { variable: 'index', value_selector: ['iter', 'index'] },
            ],
          },
        },
      ],
      innerEdges: [['iterstart', 'inner']],
      outputSelector: ['inner', 'output'],
    }),
  );

/** An LLM inside the iteration: one call per item, answered by the test. */
const llmInside = (extra: Record<string, unknown> = {}) =>
  graph(
    iterationGraph({
      iteration: extra,
      inner: [{ id: 'ask', data: { type: 'llm', model: { name: 'm' }, prompt_template: [{ role: 'user', text: '{{#iter.item#}}' }] } }],
      innerEdges: [['iterstart', 'ask']],
      outputSelector: ['ask', 'text'],
    }),
  );

function run(g: ExecuteRunOptions['graph'], items: unknown[], ports = fakePorts(), more: Partial<ExecuteRunOptions> = {}) {
  const { llm, checkpoints, events, clock } = ports;
  return executeRun(
    Object.assign(
      {
        runId: 'run_1',
        workflowId: 'wf',
        workflowVersionId: 'wfv',
        graph: g,
        inputs: { data: { items } },
        finished: [],
        ports: { llm, checkpoints, events, clock },
      },
      more,
    ),
  );
}

describe('iteration', () => {
  it('runs the inner nodes once per item, in order, with item and index', async () => {
    const ports = fakePorts();
    const outcome = await run(upper(), ['apple', 'kiwi', 'fig'], ports);
    expect(outcome).toMatchObject({ status: 'succeeded', outputs: { results: ['0:APPLE', '1:KIWI', '2:FIG'] } });
    // one checkpoint per inner execution, under a key unique to its round
    expect(ports.checkpoints.finished.map((f) => f.executionKey)).toEqual([
      'start',
      'iterstart#iter[0]',
      'inner#iter[0]',
      'iterstart#iter[1]',
      'inner#iter[1]',
      'iterstart#iter[2]',
      'inner#iter[2]',
      'iter',
      'end',
    ]);
    expect(ports.checkpoints.finished.find((f) => f.executionKey === 'inner#iter[1]')?.iterationIndex).toBe(1);
  });

  it("emits Dify's iteration events, and inner node events carry iteration_id and iteration_index", async () => {
    const ports = fakePorts();
    await run(upper(), ['a', 'b'], ports);
    expect(ports.events.names()).toEqual([
      'workflow_started',
      'node_started:start',
      'node_finished:start',
      'node_started:iter',
      'iteration_started:iter',
      'iteration_next:iter',
      'node_started:iterstart',
      'node_finished:iterstart',
      'node_started:inner',
      'node_finished:inner',
      'iteration_next:iter',
      'node_started:iterstart',
      'node_finished:iterstart',
      'node_started:inner',
      'node_finished:inner',
      'iteration_completed:iter',
      'node_finished:iter',
      'node_started:end',
      'node_finished:end',
      'workflow_finished',
    ]);
    const started = ports.events.find('iteration_started', 'iter').data;
    expect(started).toMatchObject({ node_type: 'iteration', metadata: { iteration_length: 2 }, inputs: { iterator_selector: ['a', 'b'] } });
    expect(started.id).toBe(ports.events.find('node_started', 'iter').data.id);
    const nexts = ports.events.events.filter((e) => e.event === 'iteration_next').map((e) => (e.data as { index: number }).index);
    expect(nexts).toEqual([0, 1]);
    const completed = ports.events.find('iteration_completed', 'iter').data as ContainerCompletedData;
    expect(completed).toMatchObject({ status: 'succeeded', outputs: { output: ['0:A', '1:B'] }, steps: 2, error: null });
    const innerFinished = ports.events.events.filter((e) => e.event === 'node_finished' && e.data.node_id === 'inner') as Array<{
      data: NodeFinishedData;
    }>;
    expect(innerFinished.map((e) => [e.data.iteration_id, e.data.execution_metadata])).toEqual([
      ['iter', { iteration_id: 'iter', iteration_index: 0 }],
      ['iter', { iteration_id: 'iter', iteration_index: 1 }],
    ]);
    // top-level node events keep their flat shape
    expect(Object.keys(ports.events.find('node_started', 'start').data as NodeStartedData)).not.toContain('iteration_id');
  });

  it('an empty list gives [] without running a round', async () => {
    const ports = fakePorts();
    const outcome = await run(upper(), [], ports);
    expect(outcome.outputs).toEqual({ results: [] });
    expect(ports.checkpoints.finished.map((f) => f.executionKey)).toEqual(['start', 'iter', 'end']);
  });

  it('fails the node when the iterator is not a list', async () => {
    const outcome = await run(upper(), 'nope' as unknown as unknown[]);
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toMatch(/invalid iterator value: string 'nope', please provide a list/);
  });

  it('runs parallel rounds at most parallel_nums at a time and still outputs in item order', async () => {
    const ports = fakePorts();
    const pending: Array<{ item: string; answer: Deferred<ReturnType<typeof llmResult>> }> = [];
    let inFlight = 0;
    let most = 0;
    ports.llm.handler = async (req) => {
      const answer = deferred<ReturnType<typeof llmResult>>();
      pending.push({ item: String(req.messages[0].content), answer });
      most = Math.max(most, ++inFlight);
      const r = await answer.promise;
      inFlight--;
      return r;
    };
    const outcome = run(llmInside({ is_parallel: true, parallel_nums: 3 }), ['a', 'b', 'c', 'd', 'e'], ports);
    // answer the newest call first, always: completion order is the reverse of start order where it can be
    for (let answered = 0; answered < 5; answered++) {
      await settle();
      const last = pending.pop();
      last?.answer.resolve(llmResult(`<${last.item}>`));
    }
    expect((await outcome).outputs).toEqual({ results: ['<a>', '<b>', '<c>', '<d>', '<e>'] });
    expect(most).toBe(3);
    // every round's LLM call has its own call id, so model-pool and billing see five calls
    expect(new Set(ports.llm.calls.map((c) => c.callId)).size).toBe(5);
  });

  it('caps parallel_nums at the parallelism limit', async () => {
    const ports = fakePorts();
    let inFlight = 0;
    let most = 0;
    ports.llm.handler = async () => {
      most = Math.max(most, ++inFlight);
      await settle(2);
      inFlight--;
      return llmResult('x');
    };
    await run(llmInside({ is_parallel: true, parallel_nums: 50 }), ['a', 'b', 'c', 'd', 'e', 'f'], ports, {
      containerLimits: { maxParallelism: 2 },
    });
    expect(most).toBe(2);
  });

  describe('error_handle_mode', () => {
    const failOnFig = (ports: ReturnType<typeof fakePorts>) => {
      ports.llm.handler = (req) => {
        if (req.messages[0].content === 'fig') throw new Error('provider said no');
        return llmResult(String(req.messages[0].content).toUpperCase());
      };
    };

    it('terminated (the default): a failing round fails the iteration and the run, naming the inner node', async () => {
      const ports = fakePorts();
      failOnFig(ports);
      const outcome = await run(llmInside(), ['apple', 'fig', 'kiwi'], ports);
      expect(outcome.status).toBe('failed');
      expect(outcome.error).toMatch(/Node Iteration \(iter\) failed: Node ask \(ask\) failed: provider said no/);
      // no round starts after the failure
      expect(ports.llm.calls.map((c) => c.messages[0].content)).toEqual(['apple', 'fig']);
      expect(ports.events.find('iteration_completed', 'iter').data).toMatchObject({ status: 'failed', outputs: null });
    });

    it('continue-on-error: the failed round outputs null and the run succeeds', async () => {
      const ports = fakePorts();
      failOnFig(ports);
      const outcome = await run(llmInside({ error_handle_mode: 'continue-on-error' }), ['apple', 'fig', 'kiwi'], ports);
      expect(outcome).toMatchObject({ status: 'succeeded', outputs: { results: ['APPLE', null, 'KIWI'] } });
    });

    it('remove-abnormal-output: the failed round leaves no output', async () => {
      const ports = fakePorts();
      failOnFig(ports);
      const outcome = await run(
        llmInside({ error_handle_mode: 'remove-abnormal-output', is_parallel: true }),
        ['apple', 'fig', 'kiwi'],
        ports,
      );
      expect(outcome).toMatchObject({ status: 'succeeded', outputs: { results: ['APPLE', 'KIWI'] } });
    });
  });

  describe('flatten_output', () => {
    const sorted = (flatten: boolean) =>
      graph(
        iterationGraph({
          iteration: { flatten_output: flatten, iterator_selector: ['start', 'data', 'groups'] },
          inner: [
            {
              id: 'sort',
              data: { type: 'list-operator', variable: ['iter', 'item'], order_by: { enabled: true, value: 'asc' } },
            },
          ],
          innerEdges: [['iterstart', 'sort']],
          outputSelector: ['sort', 'result'],
        }),
      );

    it('true concatenates list outputs; false keeps one list per item', async () => {
      const inputs = {
        data: {
          groups: [
            ['b', 'a'],
            ['d', 'c', 'e'],
          ],
        },
      };
      expect((await run(sorted(true), [], fakePorts(), { inputs })).outputs).toEqual({ results: ['a', 'b', 'c', 'd', 'e'] });
      expect((await run(sorted(false), [], fakePorts(), { inputs })).outputs).toEqual({
        results: [
          ['a', 'b'],
          ['c', 'd', 'e'],
        ],
      });
    });

    it('follows Dify: nulls are dropped when flattening lists, and mixed outputs stay as they are', () => {
      expect(flattenOutputs([['a'], null, ['b', 'c']])).toEqual(['a', 'b', 'c']);
      expect(flattenOutputs(['a', ['b']])).toEqual(['a', ['b']]);
      expect(flattenOutputs([null, null])).toEqual([null, null]);
    });
  });

  it('a cancelled run stops its iteration: the round in flight is cut and no later round starts', async () => {
    const ports = fakePorts();
    const hold = deferred<ReturnType<typeof llmResult>>();
    ports.llm.handler = () => hold.promise;
    const cancel = new AbortController();
    const outcome = run(llmInside(), ['a', 'b', 'c'], ports, { signal: cancel.signal });
    await settle();
    expect(ports.llm.calls).toHaveLength(1);
    cancel.abort();
    expect(await outcome).toMatchObject({ status: 'stopped', error: RUN_STOPPED_MESSAGE });
    hold.resolve(llmResult('late'));
    await settle();
    expect(ports.llm.calls).toHaveLength(1);
    expect(ports.checkpoints.started.map((s) => s.executionKey)).not.toContain('ask#iter[1]');
  });

  it('fails with the limit named when the list is longer than allowed', async () => {
    const outcome = await run(upper(), ['a', 'b', 'c'], fakePorts(), { containerLimits: { maxIterationItems: 2 } });
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toMatch(/got 3 items, more than the limit of 2 \(WORKFLOW_MAX_ITERATION_ITEMS\)/);
  });
});
