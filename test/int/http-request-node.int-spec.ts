// The http-request node over the API on real Postgres and Redis: a workflow calls a local HTTP server
// (opened by the allowlist, as an operator would open an internal service), the secret API key reaches
// the server but no answer or event; addresses the allowlist does not open fail the node, redirects too.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseAllowList } from '@shoal/outbound-http';
import { startInProcessServices, type InProcessServices } from '../support/in-process-services';

const SECRET = 'sk-http-node-secret-93b1c7';

let s: InProcessServices;
let server: Server;
let base: string;
const seen: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: string }> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      if (req.url?.startsWith('/to-metadata')) {
        res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' });
        return res.end();
      }
      if (req.url?.startsWith('/missing')) {
        res.writeHead(404, { 'content-type': 'text/plain' });
        return res.end('no such thing');
      }
      res.writeHead(200, { 'content-type': 'application/json', 'x-echo': 'yes' });
      res.end(JSON.stringify({ method: req.method, url: req.url, received: body ? (JSON.parse(body) as unknown) : null }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const allow = parseAllowList('127.0.0.1/32');
  if (!allow.ok) throw new Error(allow.error);
  s = await startInProcessServices('http_node', {
    outboundHttp: {
      allow: allow.value,
      limits: {
        maxConnectTimeout: 10,
        maxReadTimeout: 60,
        maxWriteTimeout: 60,
        maxBinaryBytes: 1024 * 1024,
        maxTextBytes: 64 * 1024,
        sslVerify: true,
      },
    },
  });
}, 90_000);
afterAll(async () => {
  await s?.close();
  server?.close();
});

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

function graph(http: Record<string, unknown>) {
  return {
    environment_variables: [{ name: 'api_key', value_type: 'secret', value: SECRET }],
    nodes: [
      { id: 'start', data: { type: 'start', variables: [{ variable: 'q', label: 'q', type: 'text-input', required: true }] } },
      {
        id: 'api',
        data: {
          type: 'http-request',
          method: 'post',
          authorization: { type: 'api-key', config: { type: 'bearer', api_key: '{{#env.api_key#}}' } },
          headers: 'X-Query: {{#start.q#}}',
          params: 'page: 2',
          body: { type: 'json', data: [{ type: 'text', value: '{"question": "{{#start.q#}}"}' }] },
          ...http,
        },
      },
      {
        id: 'end',
        data: {
          type: 'end',
          outputs: [
            { variable: 'status', value_selector: ['api', 'status_code'] },
            { variable: 'body', value_selector: ['api', 'body'] },
            { variable: 'echo', value_selector: ['api', 'headers', 'x-echo'] },
          ],
        },
      },
    ],
    edges: [
      { source: 'start', target: 'api' },
      { source: 'api', target: 'end' },
    ],
  };
}

async function runWith(http: Record<string, unknown>, q = 'what is shoal') {
  const wf = await send('POST', '/v1/workflows', { name: 'http node', graph: graph(http) });
  expect(wf.status).toBe(201);
  const run = await send('POST', `/v1/workflows/${wf.body.id}/runs`, { inputs: { q }, response_mode: 'blocking' });
  expect(run.status).toBe(200);
  const detail = await send('GET', `/v1/runs/${run.body.id}`);
  const events = await fetch(`${s.url}/v1/runs/${run.body.id}/events`, { headers: { authorization: `Bearer ${s.apiKey}` } });
  return { run: run.body, detail: detail.body, detailText: detail.text, eventsText: await events.text() };
}

it('calls the server with the rendered request and outputs its status, body and headers; the secret key stays out of every answer', async () => {
  seen.length = 0;
  const { run, detail, detailText, eventsText } = await runWith({ url: `${base}/items` });
  expect(run).toMatchObject({ status: 'succeeded' });
  expect(run.outputs).toEqual({
    status: 200,
    body: JSON.stringify({ method: 'POST', url: '/items?page=2', received: { question: 'what is shoal' } }),
    echo: 'yes',
  });
  expect(seen).toHaveLength(1);
  expect(seen[0].headers).toMatchObject({
    authorization: `Bearer ${SECRET}`,
    'x-query': 'what is shoal',
    'content-type': 'application/json',
  });
  expect((detail.node_executions as Body[]).find((n) => n.node_id === 'api')).toMatchObject({ status: 'succeeded' });
  // Dify's process_data.request, as recorded: the request as sent, the key masked
  const [row] = await s.prisma.$queryRaw<Array<{ process_data: string }>>`
    SELECT process_data::text AS process_data FROM node_executions WHERE run_id = ${run.id as string} AND node_id = 'api'`;
  const request = (JSON.parse(row.process_data) as { request: string }).request;
  expect(request).toContain('POST /items?page=2 HTTP/1.1');
  expect(request).toMatch(/Authorization: \*+\r\n/);
  expect(row.process_data).not.toContain(SECRET);
  expect(detailText).not.toContain(SECRET);
  expect(eventsText).not.toContain(SECRET);
  expect(JSON.stringify(run)).not.toContain(SECRET);
});

it('gives a non-2xx answer as the status code, not a failure', async () => {
  const { run } = await runWith({ url: `${base}/missing`, method: 'get', body: { type: 'none', data: [] } });
  expect(run).toMatchObject({ status: 'succeeded', outputs: { status: 404, body: 'no such thing' } });
});

it.each([
  ['a private address', 'http://10.0.0.1/', 'Refused to connect to 10.0.0.1: it is a private address'],
  ['the metadata address', 'http://169.254.169.254/latest/meta-data/', 'it is a cloud metadata address'],
  ['an IPv4-mapped loopback the allowlist does not cover', 'http://[::ffff:127.0.0.2]/', 'it is a loopback address'],
  ['localhost on another loopback address', 'http://127.0.0.2/', 'it is a loopback address'],
])('fails the node on %s, naming the address and why', async (_what, url, message) => {
  seen.length = 0;
  const { run, detail } = await runWith({ url });
  expect(run).toMatchObject({ status: 'failed', error: expect.stringContaining(message) });
  const node = (detail.node_executions as Body[]).find((n) => n.node_id === 'api')!;
  expect(node).toMatchObject({ status: 'failed', error: expect.stringContaining('SHOAL_HTTP_ALLOW') });
  expect(seen).toHaveLength(0);
});

it('fails the node when an allowed server redirects to the metadata address, and takes the fail branch when told to', async () => {
  const { run } = await runWith({ url: `${base}/to-metadata`, method: 'get', body: { type: 'none', data: [] } });
  expect(run).toMatchObject({ status: 'failed', error: expect.stringContaining('169.254.169.254') });
  const handled = await runWith({
    url: `${base}/to-metadata`,
    method: 'get',
    body: { type: 'none', data: [] },
    error_strategy: 'default-value',
    default_value: [
      { key: 'status_code', type: 'number', value: 0 },
      { key: 'body', type: 'string', value: 'blocked' },
    ],
  });
  expect(handled.run).toMatchObject({ status: 'partial-succeeded', outputs: { status: 0, body: 'blocked' } });
});
