// Tool nodes calling an MCP server over the API, on real Postgres and Redis: a server made with the SDK
// on a local port (opened by SHOAL_HTTP_ALLOW, as an operator would open an internal service) is
// registered over REST, listed in GET /v1/tools, and called by a workflow's tool node. Its header is a
// secret: it reaches the server and no answer, event or log line.
import { parseAllowList } from '@shoal/outbound-http';
import { configureRootLogger } from '@shoal/platform';
import { MCP_TEST_PDF, MCP_TEST_PNG, startMcpTestServer, type McpTestServer } from '@shoal/testing';
import { startInProcessServices, type InProcessServices } from '../support/in-process-services';

const SECRET = 'mcp-header-secret-7f3a91c2';
const FILE_CAP = 64 * 1024;
const logs: string[] = [];

let s: InProcessServices;
let mcp: McpTestServer;

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

beforeAll(async () => {
  configureRootLogger({ service: 'test', level: 'debug', destination: { write: (line: string) => void logs.push(line) } });
  mcp = await startMcpTestServer();
  const allow = parseAllowList('127.0.0.1/32');
  if (!allow.ok) throw new Error(allow.error);
  // one file a tool returns may have as many bytes as an http-request node's response file: 64 KiB here
  s = await startInProcessServices('mcp_tools', { outboundHttp: { allow: allow.value, limits: { maxBinaryBytes: FILE_CAP } } });
}, 90_000);
afterAll(async () => {
  await s?.close();
  await mcp?.close();
});

async function send(method: string, url: string, body?: unknown) {
  const res = await fetch(`${s.url}${url}`, {
    method,
    headers: { authorization: `Bearer ${s.apiKey}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, text, body: (text ? JSON.parse(text) : null) as Body };
}

function graph(serverId: string, tools: Array<{ id: string; tool: string; params: Record<string, unknown>; files?: boolean }>) {
  return {
    nodes: [
      { id: 'start', data: { type: 'start', variables: [{ variable: 'n', label: 'n', type: 'number', required: true }] } },
      ...tools.map((t) => ({
        id: t.id,
        data: {
          type: 'tool',
          provider_type: 'mcp',
          provider_id: serverId,
          provider_name: 'local',
          tool_name: t.tool,
          tool_label: t.tool,
          tool_configurations: {},
          tool_parameters: t.params,
        },
      })),
      {
        id: 'end',
        data: {
          type: 'end',
          outputs: tools.flatMap((t) => [
            { variable: `${t.id}_text`, value_selector: [t.id, 'text'] },
            { variable: `${t.id}_json`, value_selector: [t.id, 'json'] },
            ...(t.files ? [{ variable: `${t.id}_files`, value_selector: [t.id, 'files'] }] : []),
          ]),
        },
      },
    ],
    edges: [
      ...tools.map((t, i) => ({ source: i === 0 ? 'start' : tools[i - 1].id, target: t.id })),
      { source: tools[tools.length - 1].id, target: 'end' },
    ],
  };
}

describe('MCP tools', () => {
  let serverId: string;

  it('registers a server: header names answered, never their values', async () => {
    const res = await send('POST', '/v1/tools/mcp-servers', { name: 'local', url: mcp.url, headers: { 'X-Api-Key': SECRET } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ object: 'mcp_server', name: 'local', url: mcp.url, header_names: ['X-Api-Key'] });
    expect(res.text).not.toContain(SECRET);
    serverId = res.body.id;
    const got = await send('GET', `/v1/tools/mcp-servers/${serverId}`);
    expect(got.body).toMatchObject({ id: serverId, header_names: ['X-Api-Key'] });
    const list = await send('GET', '/v1/tools/mcp-servers');
    expect(list.body.data.map((d: Body) => d.id)).toEqual([serverId]);
    expect(got.text + list.text).not.toContain(SECRET);
    // the same name twice is a conflict
    expect((await send('POST', '/v1/tools/mcp-servers', { name: 'local', url: mcp.url })).status).toBe(409);
  });

  it('keeps a tenant’s servers its own', async () => {
    const tenant = await send('POST', '/v1/tenants', { name: 'other tenant' });
    expect(tenant.status).toBe(201);
    const key = tenant.body.admin_key.key as string;
    const as = (method: string, url: string) => fetch(`${s.url}${url}`, { method, headers: { authorization: `Bearer ${key}` } });
    expect((await as('GET', `/v1/tools/mcp-servers/${serverId}`)).status).toBe(404);
    expect((await as('DELETE', `/v1/tools/mcp-servers/${serverId}`)).status).toBe(404);
    expect(((await (await as('GET', '/v1/tools/mcp-servers')).json()) as Body).data).toEqual([]);
    const tools = (await (await as('GET', '/v1/tools')).json()) as Body;
    expect(tools.data.map((p: Body) => p.provider_id)).not.toContain(serverId);
  });

  it('lists built-in tools and the server’s tools with their input schemas', async () => {
    const res = await send('GET', '/v1/tools');
    expect(res.status).toBe(200);
    const byId = new Map<string, Body>(res.body.data.map((p: Body) => [p.provider_id, p]));
    expect(byId.get('time')?.tools.map((t: Body) => t.name)).toContain('current_time');
    expect(byId.get('json_process')?.tools.map((t: Body) => t.name)).toEqual(['parse', 'json_insert', 'json_replace', 'json_delete']);
    const server = byId.get(serverId) as Body;
    expect(server).toMatchObject({ provider_type: 'mcp', provider_name: 'local', status: 'ok' });
    expect(server.tools.find((t: Body) => t.name === 'add').input_schema).toMatchObject({ properties: { a: { type: 'number' } } });
    expect(res.text).not.toContain(SECRET);
    expect(mcp.requests.at(-1)?.['x-api-key']).toBe(SECRET);
  });

  it('runs a workflow whose tool nodes call the server: arguments cast to the schema, JSON text as json', async () => {
    const wf = await send('POST', '/v1/workflows', {
      name: 'mcp flow',
      graph: graph(serverId, [
        { id: 'sum', tool: 'add', params: { a: { type: 'constant', value: '2' }, b: { type: 'variable', value: ['start', 'n'] } } },
        { id: 'who', tool: 'profile', params: { name: { type: 'mixed', value: 'user-{{#sum.text#}}' } } },
      ]),
    });
    expect(wf.status).toBe(201);
    const run = await send('POST', `/v1/workflows/${wf.body.id}/runs`, { inputs: { n: 3 }, response_mode: 'blocking' });
    expect(run.body).toMatchObject({ status: 'succeeded' });
    expect(run.body.outputs).toEqual({
      sum_text: '5',
      sum_json: [{ data: [] }],
      who_text: '',
      who_json: [{ name: 'user-5', active: true }],
    });
    expect(mcp.calls.filter((c) => c.name === 'add').at(-1)?.args).toEqual({ a: 2, b: 3 });
    const detail = await send('GET', `/v1/runs/${run.body.id}`);
    const events = await fetch(`${s.url}/v1/runs/${run.body.id}/events`, { headers: { authorization: `Bearer ${s.apiKey}` } });
    expect(detail.text + (await events.text())).not.toContain(SECRET);
  });

  it('an error result fails the node with the tool’s message', async () => {
    const wf = await send('POST', '/v1/workflows', { name: 'mcp fail', graph: graph(serverId, [{ id: 'f', tool: 'fail', params: {} }]) });
    const run = await send('POST', `/v1/workflows/${wf.body.id}/runs`, { inputs: { n: 1 }, response_mode: 'blocking' });
    expect(run.body.status).toBe('failed');
    expect(run.body.error).toContain('the tool broke on purpose');
  });

  it('keeps the image and the binary resource a tool returns as the tenant’s files, readable at their content URL', async () => {
    const wf = await send('POST', '/v1/workflows', {
      name: 'mcp chart',
      graph: graph(serverId, [{ id: 'c', tool: 'chart', params: {}, files: true }]),
    });
    expect(wf.status).toBe(201);
    const run = await send('POST', `/v1/workflows/${wf.body.id}/runs`, { inputs: { n: 1 }, response_mode: 'blocking' });
    expect(run.body).toMatchObject({ status: 'succeeded' });
    // the text resource is text; the image and the PDF are Dify's tool files
    expect(run.body.outputs.c_text).toBe('Q3 chart: sales up 12%');
    const files = run.body.outputs.c_files as Body[];
    expect(files).toEqual([
      expect.objectContaining({
        dify_model_identity: '__dify__file__',
        type: 'image',
        transfer_method: 'tool_file',
        filename: 'image.png',
        extension: '.png',
        mime_type: 'image/png',
        size: MCP_TEST_PNG.length,
      }),
      expect.objectContaining({
        type: 'document',
        transfer_method: 'tool_file',
        filename: 'q3.pdf',
        extension: '.pdf',
        mime_type: 'application/pdf',
        size: MCP_TEST_PDF.length,
      }),
    ]);
    for (const [file, bytes] of [
      [files[0], MCP_TEST_PNG],
      [files[1], MCP_TEST_PDF],
    ] as const) {
      expect(file.url).toBe(`/v1/files/${file.related_id}/content`);
      const content = await fetch(`${s.url}${file.url}`, { headers: { authorization: `Bearer ${s.apiKey}` } });
      expect(content.status).toBe(200);
      expect(Buffer.from(await content.arrayBuffer()).equals(bytes)).toBe(true);
      // listed with the tenant's files, owned by the run's workflow
      const meta = await send('GET', `/v1/files/${file.related_id}`);
      expect(meta.body).toMatchObject({ name: file.filename, size: bytes.length, mime_type: file.mime_type });
      expect(await s.prisma.uploadedFile.count({ where: { id: file.related_id, workflowId: wf.body.id } })).toBe(1);
    }
  });

  it('fails a tool node whose result passes a file limit, naming the limit, and stores none of its files', async () => {
    const images = (count: number, bytes: number) => ({
      count: { type: 'constant', value: String(count) },
      bytes: { type: 'constant', value: String(bytes) },
    });
    const before = await s.prisma.uploadedFile.count();
    const tooMany = await send('POST', '/v1/workflows', {
      name: 'mcp many images',
      graph: graph(serverId, [{ id: 'i', tool: 'images', params: images(11, 10) }]),
    });
    const many = await send('POST', `/v1/workflows/${tooMany.body.id}/runs`, { inputs: { n: 1 }, response_mode: 'blocking' });
    expect(many.body).toMatchObject({ status: 'failed' });
    expect(many.body.error).toContain('the tool returned more than 10 files; a tool node keeps at most 10 (MCP_MAX_FILES)');
    const tooBig = await send('POST', '/v1/workflows', {
      name: 'mcp big image',
      graph: graph(serverId, [{ id: 'i', tool: 'images', params: images(1, FILE_CAP + 1) }]),
    });
    const big = await send('POST', `/v1/workflows/${tooBig.body.id}/runs`, { inputs: { n: 1 }, response_mode: 'blocking' });
    expect(big.body).toMatchObject({ status: 'failed' });
    expect(big.body.error).toContain(
      `the tool returned image.png of ${FILE_CAP + 1} bytes; a file may have at most ${FILE_CAP} (HTTP_REQUEST_NODE_MAX_BINARY_SIZE)`,
    );
    expect(await s.prisma.uploadedFile.count()).toBe(before);
    // within the limits the same tool's files are kept
    const fine = await send('POST', '/v1/workflows', {
      name: 'mcp images',
      graph: graph(serverId, [{ id: 'i', tool: 'images', params: images(3, FILE_CAP), files: true }]),
    });
    const ok = await send('POST', `/v1/workflows/${fine.body.id}/runs`, { inputs: { n: 1 }, response_mode: 'blocking' });
    expect(ok.body).toMatchObject({ status: 'succeeded' });
    expect((ok.body.outputs.i_files as Body[]).map((f) => [f.filename, f.size])).toEqual([
      ['image.png', FILE_CAP],
      ['image-2.png', FILE_CAP],
      ['image-3.png', FILE_CAP],
    ]);
  });

  it('refuses a graph naming an unknown tool of the server, or an unknown server, naming the node', async () => {
    const bad = await send('POST', '/v1/workflows', { name: 'x', graph: graph(serverId, [{ id: 'ghost', tool: 'teleport', params: {} }]) });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]).toMatchObject({ path: 'graph.nodes[1].data.tool_name', node_id: 'ghost' });
    expect(bad.body.errors[0].message).toContain("has no tool 'teleport'");
    const gone = await send('POST', '/v1/workflows', {
      name: 'x',
      graph: graph('mcp_01JNOSUCHSERVER0000000000', [{ id: 'g', tool: 'add', params: {} }]),
    });
    expect(gone.status).toBe(400);
    expect(gone.body.errors[0].message).toContain('registered for this tenant');
  });

  it('refuses to register a URL the outbound address policy refuses', async () => {
    for (const url of ['http://169.254.169.254/mcp', 'http://10.1.2.3:8080/mcp', 'http://[::ffff:127.0.0.2]/mcp']) {
      const res = await send('POST', '/v1/tools/mcp-servers', { name: `bad ${url.length}`, url });
      expect(res.status).toBe(422);
      expect(res.body.errors[0]).toMatchObject({ path: 'url', code: 'address_refused' });
    }
    const creds = await send('POST', '/v1/tools/mcp-servers', { name: 'creds', url: 'http://user:pw@127.0.0.1/mcp' });
    expect(creds.status).toBe(400);
  });

  it('deletes a server: its tool nodes fail from then on; no log line ever held the header value', async () => {
    const wf = await send('POST', '/v1/workflows', {
      name: 'mcp echo',
      graph: graph(serverId, [{ id: 'e', tool: 'echo', params: { text: { type: 'constant', value: 'hi' } } }]),
    });
    expect((await send('DELETE', `/v1/tools/mcp-servers/${serverId}`)).status).toBe(204);
    expect((await send('GET', `/v1/tools/mcp-servers/${serverId}`)).status).toBe(404);
    const run = await send('POST', `/v1/workflows/${wf.body.id}/runs`, { inputs: { n: 1 }, response_mode: 'blocking' });
    expect(run.body.status).toBe('failed');
    expect(run.body.error).toContain(`there is no MCP server '${serverId}'`);
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.join('')).not.toContain(SECRET);
  });
});
