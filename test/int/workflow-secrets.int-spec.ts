// Secret environment variables over HTTP on real Postgres: encrypted in the stored row, absent from
// every answer and event, and still the real value where the workflow uses it (the provider's prompt).
import { startInProcessServices, type InProcessServices } from '../support/in-process-services';

const SECRET = 'sk-tenant-secret-5f2c9a7e41d8';

let s: InProcessServices;
beforeAll(async () => {
  s = await startInProcessServices('wf_secrets');
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
  return { status: res.status, text, body: (text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : null) as Body };
}

const GRAPH = {
  environment_variables: [
    { name: 'token', value_type: 'secret', value: SECRET },
    { name: 'region', value_type: 'string', value: 'eu-west-1' },
  ],
  nodes: [
    { id: 'start', data: { type: 'start', variables: [{ variable: 'q', label: 'q', type: 'text-input', required: true }] } },
    {
      id: 'llm',
      data: {
        type: 'llm',
        model: { name: 'mock-chat' },
        prompt_template: [{ role: 'user', text: 'key {{#env.token#}} region {{#env.region#}}: {{#start.q#}}' }],
      },
    },
    { id: 'end', data: { type: 'end', outputs: [{ variable: 'answer', value_selector: ['llm', 'text'] }] } },
  ],
  edges: [
    { source: 'start', target: 'llm' },
    { source: 'llm', target: 'end' },
  ],
};

it('stores a secret environment variable encrypted, never answers or streams it, and the run uses its real value', async () => {
  const created = await send('POST', '/v1/workflows', { name: 'with a secret', graph: GRAPH });
  expect(created.status).toBe(201);
  expect(created.text).not.toContain(SECRET);
  expect(created.body.graph.environment_variables).toEqual([
    expect.objectContaining({ name: 'token', value_type: 'secret', value: '' }),
    expect.objectContaining({ name: 'region', value: 'eu-west-1' }),
  ]);

  // at rest: the row holds a sealed value, not the plaintext
  const [row] = await s.prisma.$queryRaw<Array<{ graph: string }>>`
    SELECT graph::text AS graph FROM workflow_versions WHERE workflow_id = ${created.body.id}`;
  expect(row.graph).not.toContain(SECRET);
  expect(row.graph).toContain('shoal:enc:v2:');
  expect(row.graph).toContain('eu-west-1');

  for (const path of [`/v1/workflows/${created.body.id}`, `/v1/workflows/${created.body.id}/export`]) {
    const got = await send('GET', path);
    expect(got.status).toBe(200);
    expect(got.text).not.toContain(SECRET);
    expect(got.text).not.toContain('shoal:enc:v1:');
  }

  const calls = s.mock.calls();
  const run = await send('POST', `/v1/workflows/${created.body.id}/runs`, { inputs: { q: 'hello' }, response_mode: 'blocking' });
  expect(run.body.status).toBe('succeeded');
  // the provider got the real value: the run opened the secret
  const prompt = JSON.stringify(s.mock.callLog().slice(calls - s.mock.calls() || undefined));
  expect(prompt).toContain(`key ${SECRET} region eu-west-1`);

  // ...and nothing the run reports has it: the run, its node executions, its events, the rows
  const detail = await send('GET', `/v1/runs/${run.body.id}`);
  const events = await fetch(`${s.url}/v1/runs/${run.body.id}/events`, { headers: { authorization: `Bearer ${s.apiKey}` } });
  const eventText = await events.text();
  const [nodes] = await s.prisma.$queryRaw<Array<{ rows: string }>>`
    SELECT json_agg(n)::text AS rows FROM node_executions n WHERE run_id = ${run.body.id}`;
  for (const text of [run.text, detail.text, eventText, nodes.rows]) expect(text).not.toContain(SECRET);
  expect(nodes.rows).toContain('******');
}, 60_000);
