// A run that crashed inside an iteration or loop resumes from its checkpoints: no inner execution an
// earlier attempt committed runs again, and the rounds it finished give the same results.
import { executeRun, type ExecuteRunOptions, type FinishedNodeRecord } from './index';
import { deferred, fakePorts, graph, llmResult } from './fake-ports.spec-helper';
import { addTo, iterationGraph, loopGraph } from './containers.spec-helper';

class Crash extends Error {}

function attempt(g: ExecuteRunOptions['graph'], inputs: Record<string, unknown>, finished: FinishedNodeRecord[], ports = fakePorts()) {
  const { llm, checkpoints, events, clock } = ports;
  return executeRun({
    runId: 'run_1',
    workflowId: 'wf',
    workflowVersionId: 'wfv',
    graph: g,
    inputs,
    finished,
    ports: { llm, checkpoints, events, clock },
  });
}

/** What the engine reads back from node_executions: the committed (succeeded / exception) executions. */
function committed(ports: ReturnType<typeof fakePorts>): FinishedNodeRecord[] {
  return ports.checkpoints.finished
    .filter((f) => f.status === 'succeeded' || f.status === 'exception')
    .map((f) => ({
      nodeId: f.nodeId,
      executionKey: f.executionKey,
      index: f.index,
      status: f.status,
      outputs: f.outputs,
      tokens: f.tokens,
    }));
}

/** Fails the store's commit of the `n`th execution of `nodeId` (as a lost database would). */
function crashOnCommit(ports: ReturnType<typeof fakePorts>, nodeId: string, n: number) {
  let seen = 0;
  ports.checkpoints.onFinished = (rec) => {
    if (rec.nodeId === nodeId && ++seen === n) throw new Crash('database gone');
  };
}

describe('resuming inside containers', () => {
  const twoStep = graph(
    iterationGraph({
      iteration: { is_parallel: true, parallel_nums: 2 },
      inner: [
        { id: 'ask', data: { type: 'llm', model: { name: 'm' }, prompt_template: [{ role: 'user', text: '{{#iter.item#}}' }] } },
        {
          id: 'fmt',
          data: {
            type: 'template-transform',
            template: '{{ i }}={{ a }}',
            variables: [
              { variable: 'a', value_selector: ['ask', 'text'] },
              { variable: 'i', value_selector: ['iter', 'index'] },
            ],
          },
        },
      ],
      innerEdges: [
        ['iterstart', 'ask'],
        ['ask', 'fmt'],
      ],
      outputSelector: ['fmt', 'output'],
    }),
  );
  const items = ['a', 'b', 'c', 'd', 'e'];
  const answer = (ports: ReturnType<typeof fakePorts>) =>
    (ports.llm.handler = (req) => llmResult(String(req.messages[0].content).toUpperCase(), 3, 4));

  it('a parallel iteration reruns no committed inner execution and outputs as an uncrashed run', async () => {
    const first = fakePorts();
    answer(first);
    crashOnCommit(first, 'fmt', 3);
    await expect(attempt(twoStep, { data: { items } }, [], first)).rejects.toThrow(Crash);
    const done = committed(first);
    const doneKeys = new Set(done.map((d) => d.executionKey ?? d.nodeId));
    const fmtDone = [...doneKeys].filter((k) => k.startsWith('fmt#')).length;
    expect(fmtDone).toBeGreaterThanOrEqual(2);
    expect(fmtDone).toBeLessThan(items.length);

    const second = fakePorts();
    answer(second);
    const outcome = await attempt(twoStep, { data: { items } }, done, second);
    expect(outcome).toMatchObject({ status: 'succeeded', outputs: { results: ['0=A', '1=B', '2=C', '3=D', '4=E'] } });
    const rerun = second.checkpoints.started.map((s) => s.executionKey).filter((k) => doneKeys.has(k));
    expect(rerun).toEqual([]);
    // the second attempt calls the LLM only for rounds whose call was not committed, and each such round once
    const keyOf = (callId: string) => callId.split(':')[1];
    const again = second.llm.calls.map((c) => keyOf(c.callId));
    expect(again.filter((k) => doneKeys.has(k))).toEqual([]);
    expect(new Set(again).size).toBe(again.length);
    const askDone = [...doneKeys].filter((k) => k.startsWith('ask#'));
    expect(new Set([...askDone, ...again])).toEqual(new Set(items.map((_, i) => `ask#iter[${i}]`)));
    // tokens count each committed call once
    expect(outcome.totalTokens).toBe(items.length * 7);
  });

  it('a store failing inside a round fails the attempt, never the run: no workflow_finished, rounds in flight stop', async () => {
    const ports = fakePorts();
    const held = deferred<ReturnType<typeof llmResult>>();
    ports.llm.handler = (req) => (req.messages[0].content === 'b' ? held.promise : llmResult('A'));
    crashOnCommit(ports, 'ask', 1);
    await expect(attempt(twoStep, { data: { items: ['a', 'b', 'c'] } }, [], ports)).rejects.toThrow(Crash);
    expect(ports.events.names()).not.toContain('workflow_finished');
    expect(ports.llm.calls.map((c) => c.messages[0].content)).toEqual(['a', 'b']);
    held.resolve(llmResult('B'));
  });

  it('a round that crashed between two inner nodes resumes at the second, reading the first from its checkpoint', async () => {
    const first = fakePorts();
    answer(first);
    crashOnCommit(first, 'fmt', 1);
    const sequential = graph(
      iterationGraph({
        inner: [
          { id: 'ask', data: { type: 'llm', model: { name: 'm' }, prompt_template: [{ role: 'user', text: '{{#iter.item#}}' }] } },
          {
            id: 'fmt',
            data: { type: 'template-transform', template: '[{{ a }}]', variables: [{ variable: 'a', value_selector: ['ask', 'text'] }] },
          },
        ],
        innerEdges: [
          ['iterstart', 'ask'],
          ['ask', 'fmt'],
        ],
        outputSelector: ['fmt', 'output'],
      }),
    );
    await expect(attempt(sequential, { data: { items: ['x', 'y'] } }, [], first)).rejects.toThrow(Crash);
    const done = committed(first);
    expect(done.map((d) => d.executionKey)).toEqual(['start', 'iterstart#iter[0]', 'ask#iter[0]']);

    const second = fakePorts();
    answer(second);
    const outcome = await attempt(sequential, { data: { items: ['x', 'y'] } }, done, second);
    expect(outcome.outputs).toEqual({ results: ['[X]', '[Y]'] });
    expect(second.llm.calls.map((c) => c.messages[0].content)).toEqual(['y']);
    expect(second.checkpoints.started[0].executionKey).toBe('iter');
    expect(second.checkpoints.started[1].executionKey).toBe('fmt#iter[0]');
  });

  it('a loop resumed mid-way rebuilds its variables from the committed assigner executions', async () => {
    const g = graph(
      loopGraph({
        loop: {
          loop_count: 5,
          break_conditions: [],
          loop_variables: [{ label: 'num', var_type: 'number', value_type: 'constant', value: 0 }],
        },
        inner: [{ id: 'inc', data: { type: 'assigner', version: '2', items: [addTo('num', 2)] } }],
        innerEdges: [['loopstart', 'inc']],
        outputs: [{ variable: 'num', value_selector: ['loop', 'num'] }],
      }),
    );
    const first = fakePorts();
    crashOnCommit(first, 'inc', 3);
    await expect(attempt(g, {}, [], first)).rejects.toThrow(Crash);
    const done = committed(first);
    expect(done.filter((d) => d.nodeId === 'inc').map((d) => d.executionKey)).toEqual(['inc#loop[0]', 'inc#loop[1]']);

    const second = fakePorts();
    const outcome = await attempt(g, {}, done, second);
    expect(outcome.outputs).toEqual({ num: 10 });
    expect(second.checkpoints.started.filter((s) => s.nodeId === 'inc').map((s) => s.executionKey)).toEqual([
      'inc#loop[2]',
      'inc#loop[3]',
      'inc#loop[4]',
    ]);
  });

  it("a finished loop restored whole still re-applies its assigners' conversation writes", async () => {
    const g = graph(
      Object.assign(
        loopGraph({
          loop: {
            loop_count: 3,
            break_conditions: [],
            loop_variables: [{ label: 'n', var_type: 'number', value_type: 'constant', value: 0 }],
          },
          inner: [
            {
              id: 'inc',
              data: {
                type: 'assigner',
                version: '2',
                items: [
                  addTo('n', 1),
                  { variable_selector: ['conversation', 'seen'], input_type: 'variable', operation: 'append', value: ['loop', 'n'] },
                ],
              },
            },
          ],
          innerEdges: [['loopstart', 'inc']],
          outputs: [{ variable: 'n', value_selector: ['loop', 'n'] }],
        }),
        { conversation_variables: [{ name: 'seen', value_type: 'array[number]', value: [] }] },
      ),
    );
    const first = fakePorts();
    crashOnCommit(first, 'end', 1);
    await expect(attempt(g, {}, [], first)).rejects.toThrow(Crash);
    const second = fakePorts();
    const outcome = await attempt(g, {}, committed(first), second);
    expect(second.checkpoints.started.map((s) => s.executionKey)).toEqual(['end']);
    expect(outcome.outputs).toEqual({ n: 3 });
    expect(outcome.conversationVariables).toEqual({ seen: [0, 1, 2] });
  });

  it('a finished container is restored whole: nothing inside it runs again', async () => {
    const first = fakePorts();
    answer(first);
    crashOnCommit(first, 'end', 1);
    await expect(attempt(twoStep, { data: { items: ['a', 'b'] } }, [], first)).rejects.toThrow(Crash);
    const second = fakePorts();
    const outcome = await attempt(twoStep, { data: { items: ['a', 'b'] } }, committed(first), second);
    expect(outcome.outputs).toEqual({ results: ['0=A', '1=B'] });
    expect(second.checkpoints.started.map((s) => s.executionKey)).toEqual(['end']);
    expect(second.llm.calls).toEqual([]);
  });
});
