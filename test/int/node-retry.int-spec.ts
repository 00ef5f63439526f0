// Per-node retries over HTTP on real Postgres and Redis: a provider that fails the first try, an LLM
// node with Dify's retry_config, and the node_retry event a client sees before the node succeeds.
import { startInProcessServices, type InProcessServices } from '../support/in-process-services';

let s: InProcessServices;
beforeAll(async () => {
  s = await startInProcessServices('node_retry');
}, 90_000);
afterAll(() => s?.close());

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function send(method: string, url: string, body?: unknown) {
  const res = await fetch(`${s.url}${url}`, {
    method,
    headers: { authorization: `Bearer ${s.apiKey}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, text, body: (text ? JSON.parse(text) : null) as Body };
}

const graph = (retry: Record<string, unknown>) => ({
  nodes: [
    { id: 'start', data: { type: 'start', variables: [{ variable: 'q', label: 'q', type: 'text-input', required: true }] } },
    {
      id: 'llm',
      data: { type: 'llm', model: { name: 'mock-chat' }, prompt_template: [{ role: 'user', text: '{{#start.q#}}' }], retry_config: retry },
    },
    { id: 'end', data: { type: 'end', outputs: [{ variable: 'answer', value_selector: ['llm', 'text'] }] } },
  ],
  edges: [
    { source: 'start', target: 'llm' },
    { source: 'llm', target: 'end' },
  ],
});

it('retries a failed LLM node as its next attempt after node_retry, and the run succeeds', async () => {
  const wf = await send('POST', '/v1/workflows', {
    name: 'retry',
    graph: graph({ retry_enabled: true, max_retries: 2, retry_interval: 10 }),
  });
  expect(wf.status).toBe(201);
  // a refusal nothing below the node retries (model-pool and its client retry only transient errors)
  s.mock.setFaults({ status: 400, times: 1 });
  const before = s.mock.calls();
  try {
    const run = await send('POST', `/v1/workflows/${wf.body.id}/runs`, { inputs: { q: 'try again' }, response_mode: 'blocking' });
    expect(run.body).toMatchObject({ status: 'succeeded', outputs: { answer: 'Mock answer: try again' } });
    // one provider call per attempt: the refused one and the one that answered
    expect(s.mock.calls() - before).toBe(2);
    const res = await fetch(`${s.url}/v1/runs/${run.body.id}/events`, { headers: { authorization: `Bearer ${s.apiKey}` } });
    const events = (await res.text())
      .split('\n\n')
      .filter((b) => b.includes('data: '))
      .map(
        (b) =>
          JSON.parse(
            b
              .split('\n')
              .find((l) => l.startsWith('data: '))!
              .slice(6),
          ) as Body,
      )
      .filter((e) => e.event !== 'ping');
    expect(events.map((e) => `${e.event}${e.data?.node_id ? `:${e.data.node_id}` : ''}`)).toEqual([
      'workflow_started',
      'node_started:start',
      'node_finished:start',
      'node_started:llm',
      'node_retry:llm',
      'node_finished:llm',
      'node_started:end',
      'node_finished:end',
      'workflow_finished',
    ]);
    const retry = events.find((e) => e.event === 'node_retry')!;
    const started = events.find((e) => e.event === 'node_started' && e.data.node_id === 'llm')!;
    expect(retry.data).toMatchObject({ id: started.data.id, index: started.data.index, status: 'retry', retry_index: 1, attempt: 0 });
    expect(retry.data.error).toEqual(expect.any(String));
    const row = await s.prisma.nodeExecution.findFirstOrThrow({ where: { runId: run.body.id, nodeId: 'llm' } });
    expect([row.status, row.attempt, row.callId]).toEqual(['succeeded', 1, `${run.body.id}:llm:1`]);
  } finally {
    s.mock.setFaults(undefined);
  }
}, 60_000);

it('refuses retry_config beyond Dify bounds with a 400 naming the field', async () => {
  const res = await send('POST', '/v1/workflows', {
    name: 'too many',
    graph: graph({ retry_enabled: true, max_retries: 11, retry_interval: 0 }),
  });
  expect(res.status).toBe(400);
  expect(res.body.errors).toEqual(
    expect.arrayContaining([expect.objectContaining({ path: 'graph.nodes[1].data.retry_config.max_retries', node_id: 'llm' })]),
  );
});
