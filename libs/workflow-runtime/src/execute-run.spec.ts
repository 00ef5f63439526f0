import { defaultNodeExecutors, executeRun, type ExecuteRunOptions, type FinishedNodeRecord, type NodeExecutors } from './index';
import { deferred, fakePorts, graph, llmResult, settle } from './fake-ports.spec-helper';

const linear = graph({
  nodes: [
    {
      id: 'start',
      data: {
        type: 'start',
        title: 'Start',
        variables: [
          { variable: 'question', label: 'Question', type: 'paragraph', required: true },
          { variable: 'tone', type: 'text-input' },
        ],
      },
    },
    {
      id: 'llm',
      data: {
        type: 'llm',
        title: 'Answer',
        model: { provider: 'mock', name: 'mock-chat', completion_params: { temperature: 0.2, max_tokens: 256 } },
        prompt_template: [
          { role: 'system', text: 'You are terse.{{#start.tone#}}' },
          { role: 'user', text: 'Answer: {{#start.question#}}' },
        ],
      },
    },
    {
      id: 'end',
      data: {
        type: 'end',
        title: 'End',
        outputs: [
          { variable: 'answer', value_selector: ['llm', 'text'] },
          { variable: 'tokens', value_selector: ['llm', 'usage', 'total_tokens'] },
        ],
      },
    },
  ],
  edges: [
    { source: 'start', target: 'llm' },
    { source: 'llm', target: 'end' },
  ],
});

// start -> a, start -> b, a + b -> join -> end
const diamond = graph({
  nodes: [
    { id: 'start', data: { type: 'start', variables: [{ variable: 'topic', type: 'text-input', required: true }] } },
    {
      id: 'a',
      data: { type: 'llm', title: 'Pros', model: { name: 'm' }, prompt_template: [{ role: 'user', text: 'pros of {{#start.topic#}}' }] },
    },
    {
      id: 'b',
      data: { type: 'llm', title: 'Cons', model: { name: 'm' }, prompt_template: [{ role: 'user', text: 'cons of {{#start.topic#}}' }] },
    },
    {
      id: 'join',
      data: {
        type: 'llm',
        title: 'Verdict',
        model: { name: 'm' },
        prompt_template: [{ role: 'user', text: '{{#a.text#}} | {{#b.text#}}' }],
      },
    },
    { id: 'end', data: { type: 'end', outputs: [{ variable: 'verdict', value_selector: ['join', 'text'] }] } },
  ],
  edges: [
    { source: 'start', target: 'a' },
    { source: 'start', target: 'b' },
    { source: 'a', target: 'join' },
    { source: 'b', target: 'join' },
    { source: 'join', target: 'end' },
  ],
});

function options(ports: ReturnType<typeof fakePorts>, overrides: Partial<ExecuteRunOptions> = {}): ExecuteRunOptions {
  return {
    runId: 'run_1',
    workflowId: 'wf_1',
    workflowVersionId: 'wfv_1',
    graph: linear,
    inputs: { question: 'why?' },
    finished: [],
    ports,
    ...overrides,
  };
}

describe('executeRun: a linear run', () => {
  it('renders the prompt, calls the model once and returns the end outputs', async () => {
    const ports = fakePorts();
    const outcome = await executeRun(options(ports));
    expect(outcome).toEqual({
      status: 'succeeded',
      outputs: { answer: 'mock-chat says: Answer: why?', tokens: 15 },
      error: null,
      totalTokens: 15,
      totalPrice: '0', // the fake model prices nothing
      currency: null,
      elapsedMs: 0,
      steps: 3,
      conversationVariables: {},
    });
    expect(ports.llm.calls).toHaveLength(1);
    expect(ports.llm.calls[0]).toMatchObject({
      callId: 'run_1:llm:0',
      runId: 'run_1',
      nodeId: 'llm',
      provider: 'mock',
      model: 'mock-chat',
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'Answer: why?' },
      ],
      params: { temperature: 0.2, max_tokens: 256 },
    });
    expect(ports.llm.calls[0].onChunk).toBeUndefined();
  });

  it('emits Dify events in order, with statuses, inputs, outputs, seconds and tokens', async () => {
    const ports = fakePorts();
    ports.llm.handler = (req) => {
      ports.clock.ms += 1500;
      return llmResult(`echo ${req.messages[1].content}`, 12, 8);
    };
    await executeRun(options(ports));
    expect(ports.events.names()).toEqual([
      'workflow_started',
      'node_started:start',
      'node_finished:start',
      'node_started:llm',
      'node_finished:llm',
      'node_started:end',
      'node_finished:end',
      'workflow_finished',
    ]);
    expect(ports.events.find('workflow_started').data).toEqual({
      id: 'run_1',
      workflow_id: 'wf_1',
      workflow_version_id: 'wfv_1',
      inputs: { question: 'why?' },
      created_at: 1_700_000_000,
    });
    const llm = ports.events.find('node_finished', 'llm').data;
    expect(llm).toMatchObject({
      node_type: 'llm',
      title: 'Answer',
      index: 2,
      predecessor_node_id: 'start',
      status: 'succeeded',
      inputs: { '#start.tone#': null, '#start.question#': 'why?' },
      outputs: {
        text: 'echo Answer: why?',
        reasoning_content: '',
        usage: { prompt_tokens: 12, completion_tokens: 8, total_tokens: 20 },
        finish_reason: 'stop',
      },
      error: null,
      elapsed_time: 1.5,
      execution_metadata: { total_tokens: 20 },
    });
    expect(llm.id).toMatch(/^nex_/);
    expect(ports.events.find('node_started', 'llm').data.id).toBe(llm.id);
    expect(ports.events.find('node_finished', 'start').data).toMatchObject({
      index: 1,
      predecessor_node_id: null,
      outputs: { question: 'why?', tone: null },
      execution_metadata: null,
    });
    expect(ports.events.find('workflow_finished').data).toEqual({
      id: 'run_1',
      workflow_id: 'wf_1',
      status: 'succeeded',
      outputs: { answer: 'echo Answer: why?', tokens: 20 },
      error: null,
      elapsed_time: 1.5,
      total_tokens: 20,
      total_steps: 3,
      created_at: 1_700_000_000,
      finished_at: 1_700_000_001,
    });
  });

  it('records each node with its call id, timing and tokens in the checkpoint store', async () => {
    const ports = fakePorts();
    ports.llm.handler = () => {
      ports.clock.ms += 250;
      return llmResult('ok');
    };
    await executeRun(options(ports));
    expect(ports.checkpoints.finished.map((r) => [r.nodeId, r.index, r.status, r.callId])).toEqual([
      ['start', 1, 'succeeded', null],
      ['llm', 2, 'succeeded', 'run_1:llm:0'],
      ['end', 3, 'succeeded', null],
    ]);
    const llm = ports.checkpoints.finished[1];
    expect(llm).toMatchObject({
      runId: 'run_1',
      nodeType: 'llm',
      title: 'Answer',
      predecessorNodeId: 'start',
      elapsedMs: 250,
      tokens: { prompt: 10, completion: 5, total: 15 },
      error: null,
    });
    expect(llm.finishedAt - llm.startedAt).toBe(250);
    expect(llm.processData).toMatchObject({
      model_name: 'mock-chat',
      prompts: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'Answer: why?' },
      ],
    });
  });

  it("streams the end node's outputs when asked to: the LLM's text token by token, then the rest as each is known", async () => {
    const ports = fakePorts();
    ports.llm.handler = (req) => {
      for (const delta of ['Be', 'cause.']) req.onChunk?.(delta);
      return llmResult('Because.');
    };
    await executeRun(options(ports, { streamChunks: true }));
    const names = ports.events.names();
    expect(names.slice(names.indexOf('node_started:llm'), names.indexOf('node_finished:llm') + 1)).toEqual([
      'node_started:llm',
      'text_chunk',
      'text_chunk',
      'text_chunk',
      'text_chunk',
      'node_finished:llm',
    ]);
    // Dify's end node template: its outputs joined by a newline
    expect(ports.events.events.filter((e) => e.event === 'text_chunk').map((e) => e.data)).toEqual([
      { text: 'Be', from_variable_selector: ['llm', 'text'] },
      { text: 'cause.', from_variable_selector: ['llm', 'text'] },
      { text: '\n', from_variable_selector: ['end', 'answer'] },
      { text: '15', from_variable_selector: ['llm', 'usage'] },
    ]);
  });

  it('renders values as Dify does: null as empty text, objects as JSON, sys variables, an unresolved reference as its selector', async () => {
    const g = graph({
      nodes: [
        { id: 'start', data: { type: 'start', variables: [{ variable: 'q', type: 'text-input' }] } },
        { id: 'first', data: { type: 'llm', model: { name: 'm' }, prompt_template: [{ role: 'user', text: 'first' }] } },
        {
          id: 'second',
          data: {
            type: 'llm',
            model: { name: 'm' },
            prompt_template: {
              text: '[{{#start.q#}}][{{#sys.user_id#}}][{{#sys.workflow_run_id#}}][{{#first.usage#}}][{{#first.usage.nope#}}]',
            },
          },
        },
        {
          id: 'end',
          data: {
            type: 'end',
            outputs: [
              { variable: 'prompt', value_selector: ['second', 'text'] },
              { variable: 'missing', value_selector: ['first', 'usage', 'nope'] },
            ],
          },
        },
      ],
      edges: [
        { source: 'start', target: 'first' },
        { source: 'first', target: 'second' },
        { source: 'second', target: 'end' },
      ],
    });
    const ports = fakePorts();
    ports.llm.handler = (req) => llmResult(String(req.messages[0].content), 1, 2);
    const outcome = await executeRun(options(ports, { graph: g, inputs: {}, sys: { query: 'unused' } }));
    expect(ports.llm.calls[1].messages).toEqual([
      { role: 'user', content: '[][][run_1][{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}][first.usage.nope]' },
    ]);
    expect(outcome.outputs).toEqual({
      prompt: '[][][run_1][{"prompt_tokens":1,"completion_tokens":2,"total_tokens":3}][first.usage.nope]',
      missing: null,
    });
  });

  it('runs a node type with the executor an app registers for it', async () => {
    const ports = fakePorts();
    const executors: NodeExecutors = {
      ...defaultNodeExecutors,
      llm: {
        callsLlm: false,
        execute: (node, ctx) => ({
          inputs: null,
          outputs: { text: `cached ${node.id} for ${String(ctx.pool.get(['start', 'question']))}` },
        }),
      },
    };
    const outcome = await executeRun(options(ports, { executors }));
    expect(outcome.outputs).toEqual({ answer: 'cached llm for why?', tokens: null });
    expect(ports.llm.calls).toHaveLength(0);
  });

  it('fails the start node on invalid inputs and runs nothing else', async () => {
    const ports = fakePorts();
    const outcome = await executeRun(options(ports, { inputs: { question: '' } }));
    expect(outcome).toMatchObject({
      status: 'failed',
      error: 'Node Start (start) failed: invalid inputs: inputs.question is required (Question)',
      outputs: {},
      steps: 1,
    });
    expect(ports.llm.calls).toHaveLength(0);
  });
});

describe('executeRun: parallel branches', () => {
  it('runs ready branches at the same time and joins them when both have finished', async () => {
    const ports = fakePorts();
    const pending = new Map<string, ReturnType<typeof deferred<string>>>();
    ports.llm.handler = async (req) => {
      if (req.nodeId === 'join') return llmResult(`verdict on ${req.messages[0].content}`);
      const d = deferred<string>();
      pending.set(req.nodeId, d);
      return llmResult(await d.promise);
    };
    const run = executeRun(options(ports, { graph: diamond, inputs: { topic: 'tabs' } }));
    await settle();
    // Both branches are waiting on the model at once: neither waited for the other.
    expect([...pending.keys()].sort()).toEqual(['a', 'b']);
    expect(ports.checkpoints.started.map((r) => r.nodeId)).toEqual(['start', 'a', 'b']);
    pending.get('b')!.resolve('short');
    await settle();
    expect(ports.checkpoints.started.map((r) => r.nodeId)).not.toContain('join');
    pending.get('a')!.resolve('fast');
    const outcome = await run;
    expect(outcome).toMatchObject({ status: 'succeeded', outputs: { verdict: 'verdict on fast | short' }, steps: 5, totalTokens: 45 });
    // join became ready when a, the last of its predecessors, finished.
    expect(ports.checkpoints.started.find((r) => r.nodeId === 'join')?.predecessorNodeId).toBe('a');
  });

  it('commits a finished node before any successor starts', async () => {
    const ports = fakePorts();
    const commit = deferred<void>();
    ports.checkpoints.onFinished = (rec) => (rec.nodeId === 'llm' ? commit.promise : undefined);
    const run = executeRun(options(ports));
    await settle();
    expect(ports.journal).toContain('llm:llm');
    expect(ports.journal).not.toContain('started:end');
    expect(ports.events.names()).not.toContain('node_finished:llm');
    commit.resolve();
    await run;
    const j = ports.journal;
    expect(j.indexOf('committed:llm')).toBeLessThan(j.indexOf('event:node_finished:llm'));
    expect(j.indexOf('event:node_finished:llm')).toBeLessThan(j.indexOf('started:end'));
  });
});

describe('executeRun: failure and cancellation', () => {
  it('fails the run with the node error and starts none of its successors', async () => {
    const ports = fakePorts();
    ports.llm.handler = () => {
      throw new Error('upstream returned 503');
    };
    const outcome = await executeRun(options(ports));
    expect(outcome).toEqual({
      status: 'failed',
      outputs: {},
      error: 'Node Answer (llm) failed: upstream returned 503',
      totalTokens: 0,
      totalPrice: '0',
      currency: null,
      elapsedMs: 0,
      steps: 2,
      conversationVariables: {},
    });
    expect(ports.events.names()).toEqual([
      'workflow_started',
      'node_started:start',
      'node_finished:start',
      'node_started:llm',
      'node_finished:llm',
      'workflow_finished',
    ]);
    expect(ports.events.find('node_finished', 'llm').data).toMatchObject({
      status: 'failed',
      error: 'upstream returned 503',
      outputs: null,
    });
    expect(ports.checkpoints.finished[1]).toMatchObject({ nodeId: 'llm', status: 'failed', error: 'upstream returned 503' });
    expect(ports.events.find('workflow_finished').data).toMatchObject({
      status: 'failed',
      error: 'Node Answer (llm) failed: upstream returned 503',
      outputs: null,
    });
  });

  it('lets a running sibling finish but starts nothing after a branch fails', async () => {
    const ports = fakePorts();
    const slow = deferred<string>();
    ports.llm.handler = async (req) => {
      if (req.nodeId === 'a') throw new Error('bad request');
      return llmResult(await slow.promise);
    };
    const run = executeRun(options(ports, { graph: diamond, inputs: { topic: 'tabs' } }));
    await settle();
    slow.resolve('late');
    const outcome = await run;
    expect(outcome.error).toBe('Node Pros (a) failed: bad request');
    expect(ports.checkpoints.finished.map((r) => [r.nodeId, r.status])).toEqual([
      ['start', 'succeeded'],
      ['a', 'failed'],
      ['b', 'succeeded'],
    ]);
    expect(ports.llm.calls.map((c) => c.nodeId)).not.toContain('join');
  });

  it('cancels on abort: the running node fails with "cancelled" and the run ends stopped', async () => {
    const ports = fakePorts();
    const controller = new AbortController();
    let seen: AbortSignal | undefined;
    ports.llm.handler = (req) => {
      seen = req.signal;
      return new Promise(() => undefined); // a model that never answers
    };
    const run = executeRun(options(ports, { signal: controller.signal }));
    await settle();
    controller.abort();
    const outcome = await run;
    expect(outcome).toMatchObject({ status: 'stopped', error: 'The run was stopped by a cancel request' });
    expect(seen?.aborted).toBe(true);
    expect(ports.events.find('node_finished', 'llm').data).toMatchObject({ status: 'failed', error: 'cancelled' });
    expect(ports.events.names()).not.toContain('node_started:end');
    expect(ports.events.find('workflow_finished').data).toMatchObject({
      status: 'stopped',
      error: 'The run was stopped by a cancel request',
    });
  });

  it('rejects without workflow_finished when the checkpoint store fails', async () => {
    const ports = fakePorts();
    ports.checkpoints.onFinished = (rec) => {
      if (rec.nodeId === 'llm') throw new Error('connection terminated');
    };
    await expect(executeRun(options(ports))).rejects.toThrow('connection terminated');
    expect(ports.events.names()).not.toContain('workflow_finished');
    expect(ports.events.names()).not.toContain('node_started:end');
  });
});

describe('executeRun: resume', () => {
  function committed(ports: ReturnType<typeof fakePorts>): FinishedNodeRecord[] {
    return ports.checkpoints.finished
      .filter((r) => r.status === 'succeeded')
      .map(({ nodeId, index, status, outputs, tokens }) => ({ nodeId, index, status, outputs, tokens }));
  }

  it('reruns a node whose commit was lost with the same call id, so it is billed once', async () => {
    const first = fakePorts();
    first.checkpoints.onFinished = (rec) => {
      if (rec.nodeId === 'llm') throw new Error('worker lost');
    };
    await expect(executeRun(options(first))).rejects.toThrow('worker lost');

    const second = fakePorts();
    const outcome = await executeRun(options(second, { finished: committed(first) }));
    expect(outcome).toMatchObject({ status: 'succeeded', outputs: { answer: 'mock-chat says: Answer: why?' }, steps: 3 });
    expect(second.llm.calls.map((c) => c.callId)).toEqual(first.llm.calls.map((c) => c.callId));
    expect(second.llm.calls[0].callId).toBe('run_1:llm:0');
  });

  it('skips finished nodes, reuses their outputs and emits events only for the rest', async () => {
    const first = fakePorts();
    const hold = deferred<string>();
    first.llm.handler = async (req) => (req.nodeId === 'b' ? llmResult(await hold.promise) : llmResult(`${req.nodeId}-text`, 100, 20));
    const controller = new AbortController();
    const run = executeRun(options(first, { graph: diamond, inputs: { topic: 'tabs' }, signal: controller.signal }));
    await settle();
    controller.abort(); // the worker goes away while b is still running
    await run;
    const finished = committed(first);
    expect(finished.map((r) => r.nodeId)).toEqual(['start', 'a']);

    const second = fakePorts();
    second.llm.handler = (req) => llmResult(req.nodeId === 'join' ? `verdict: ${req.messages[0].content}` : 'b-text', 1, 1);
    const outcome = await executeRun(options(second, { graph: diamond, inputs: { topic: 'tabs' }, finished }));
    expect(second.llm.calls.map((c) => c.nodeId)).toEqual(['b', 'join']);
    expect(outcome).toMatchObject({
      status: 'succeeded',
      outputs: { verdict: 'verdict: a-text | b-text' },
      steps: 5,
      totalTokens: 120 + 2 + 2,
    });
    expect(second.events.names()).toEqual([
      'node_started:b',
      'node_finished:b',
      'node_started:join',
      'node_finished:join',
      'node_started:end',
      'node_finished:end',
      'workflow_finished',
    ]);
    // Indexes continue after the highest committed one; b reports its last finished predecessor.
    expect(second.checkpoints.started.map((r) => [r.nodeId, r.index, r.predecessorNodeId])).toEqual([
      ['b', 3, 'start'],
      ['join', 4, 'b'],
      ['end', 5, 'join'],
    ]);
  });

  it('finishes a run whose nodes were all committed, without running any of them', async () => {
    const first = fakePorts();
    const outcome1 = await executeRun(options(first));
    const second = fakePorts();
    const outcome2 = await executeRun(options(second, { finished: committed(first) }));
    expect(outcome2).toEqual({ ...outcome1, elapsedMs: 0 });
    expect(second.llm.calls).toHaveLength(0);
    expect(second.events.names()).toEqual(['workflow_finished']);
  });
});
