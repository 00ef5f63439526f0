import { executeRun, type FinishedNodeRecord } from './index';
import { fakePorts, graph, llmResult } from './fake-ports.spec-helper';

// start -> a, start -> b, a + b -> join -> end: three LLM calls, two of them in parallel
const diamond = graph({
  nodes: [
    { id: 'start', data: { type: 'start', variables: [{ variable: 'topic', type: 'text-input', required: true }] } },
    { id: 'a', data: { type: 'llm', model: { name: 'm' }, prompt_template: [{ role: 'user', text: 'pros of {{#start.topic#}}' }] } },
    { id: 'b', data: { type: 'llm', model: { name: 'm' }, prompt_template: [{ role: 'user', text: 'cons of {{#start.topic#}}' }] } },
    { id: 'join', data: { type: 'llm', model: { name: 'm' }, prompt_template: [{ role: 'user', text: '{{#a.text#}} {{#b.text#}}' }] } },
    { id: 'end', data: { type: 'end', outputs: [{ variable: 'v', value_selector: ['join', 'text'] }] } },
  ],
  edges: [
    { source: 'start', target: 'a' },
    { source: 'start', target: 'b' },
    { source: 'a', target: 'join' },
    { source: 'b', target: 'join' },
    { source: 'join', target: 'end' },
  ],
});

const COST: Record<string, string> = { a: '0.1', b: '0.2', join: '0.000000000001' };

function pricedPorts() {
  const ports = fakePorts();
  ports.llm.handler = (req) => ({ ...llmResult('ok'), cost: { amount: COST[req.nodeId], currency: 'USD' } });
  return ports;
}

const run = (ports: ReturnType<typeof fakePorts>, finished: FinishedNodeRecord[] = []) =>
  executeRun({ runId: 'run_1', workflowId: 'wf_1', workflowVersionId: 'wfv_1', graph: diamond, inputs: { topic: 'x' }, finished, ports });

describe("a run's price", () => {
  it("is the exact sum of its LLM calls' costs, each recorded with its node's checkpoint", async () => {
    const ports = pricedPorts();
    const outcome = await run(ports);
    expect([outcome.totalPrice, outcome.currency]).toEqual(['0.300000000001', 'USD']);
    const byNode = Object.fromEntries(ports.checkpoints.finished.map((r) => [r.nodeId, r.cost ?? null]));
    expect(byNode).toEqual({
      start: null,
      a: { amount: '0.1', currency: 'USD' },
      b: { amount: '0.2', currency: 'USD' },
      join: { amount: '0.000000000001', currency: 'USD' },
      end: null,
    });
  });

  it('counts the costs of nodes restored from checkpoints, as it counts their tokens', async () => {
    const first = pricedPorts();
    first.checkpoints.onFinished = (rec) => {
      if (rec.nodeId === 'join') throw new Error('worker lost');
    };
    await expect(run(first)).rejects.toThrow('worker lost');
    const committed = first.checkpoints.finished
      .filter((r) => r.status === 'succeeded')
      .map(({ nodeId, index, status, outputs, tokens, cost }) => ({ nodeId, index, status, outputs, tokens, cost }));
    expect(committed.map((r) => r.nodeId).sort()).toEqual(['a', 'b', 'start']);

    const second = pricedPorts();
    const outcome = await run(second, committed);
    expect(second.llm.calls.map((c) => c.nodeId)).toEqual(['join']);
    expect([outcome.totalPrice, outcome.currency, outcome.totalTokens]).toEqual(['0.300000000001', 'USD', 45]);
  });

  it('counts what a failed call still cost (a stream broken midway is billed), on its node and in the run', async () => {
    const ports = pricedPorts();
    ports.llm.handler = (req) => {
      if (req.nodeId === 'b')
        throw Object.assign(new Error('the model stream was interrupted'), { cost: { amount: '0.05', currency: 'USD' } });
      return { ...llmResult('ok'), cost: { amount: COST[req.nodeId], currency: 'USD' } };
    };
    const outcome = await run(ports);
    expect(outcome.status).toBe('failed');
    expect(ports.checkpoints.finished.find((r) => r.nodeId === 'b')).toMatchObject({
      status: 'failed',
      cost: { amount: '0.05', currency: 'USD' },
    });
    expect(outcome.totalPrice).toBe('0.15');
  });

  it('is 0 with no currency when no call said what it cost', async () => {
    const outcome = await run(fakePorts());
    expect([outcome.totalPrice, outcome.currency]).toEqual(['0', null]);
  });

  it('counts the calls made inside iterations and loops, as it counts their tokens', async () => {
    const ports = fakePorts();
    ports.llm.handler = () => ({ ...llmResult('ok'), cost: { amount: '0.25', currency: 'USD' } });
    const iterated = graph({
      nodes: [
        { id: 'start', data: { type: 'start', variables: [{ variable: 'items', type: 'json_object' }] } },
        {
          id: 'iter',
          data: { type: 'iteration', start_node_id: 'is', iterator_selector: ['start', 'items', 'list'], output_selector: ['ask', 'text'] },
        },
        { id: 'is', parentId: 'iter', data: { type: 'iteration-start' } },
        {
          id: 'ask',
          parentId: 'iter',
          data: { type: 'llm', model: { name: 'm' }, prompt_template: [{ role: 'user', text: '{{#iter.item#}}' }] },
        },
        { id: 'after', data: { type: 'llm', model: { name: 'm' }, prompt_template: [{ role: 'user', text: 'sum up' }] } },
        { id: 'end', data: { type: 'end', outputs: [{ variable: 'v', value_selector: ['after', 'text'] }] } },
      ],
      edges: [
        { source: 'start', target: 'iter' },
        { source: 'is', target: 'ask' },
        { source: 'iter', target: 'after' },
        { source: 'after', target: 'end' },
      ],
    });
    const outcome = await executeRun({
      runId: 'run_1',
      workflowId: 'wf_1',
      workflowVersionId: 'wfv_1',
      graph: iterated,
      inputs: { items: { list: ['a', 'b', 'c'] } },
      finished: [],
      ports,
    });
    expect(outcome.status).toBe('succeeded');
    expect(ports.llm.calls).toHaveLength(4);
    expect([outcome.totalPrice, outcome.currency]).toEqual(['1', 'USD']);
  });
});
