// The four services as separate processes on real Postgres and Redis, LLM calls to the mock provider.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { Redis } from 'ioredis';
import {
  dropRedisPrefixes,
  createTestDatabase,
  startMockProvider,
  startService,
  testRedisPrefix,
  testRedisUrl,
  type MockProvider,
  type ServiceProcess,
  type TestDatabase,
} from '@shoal/testing';
import OpenAI from 'openai';
import { ChatClient, CompletionClient } from 'dify-client';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { readFileSync } from 'node:fs';
import { COMPAT_DSL_DIR } from '../compat/compat-fixtures.loader';
import { api, eventually, QA_WORKFLOW, readSse, shoalFlow } from '../support/shoal-flow';
import { startEdgeProxy, type EdgeProxy } from '../support/edge-proxy';
import { difyCompatSuite } from '../support/dify-compat-suite';
import { mcpRoundTrip } from '../support/mcp-round-trip';

const BOOTSTRAP_KEY = 'sk-shoal-e2e-distributed-0123456789';
let db: TestDatabase;
let mock: MockProvider;
let services: ServiceProcess[] = [];
let gateway: ServiceProcess;
let edge: EdgeProxy;
let prefix: string;
// a non-default Redis database: every service must use exactly the REDIS_URL it is given
const redisUrl = (() => {
  const u = new URL(testRedisUrl());
  u.pathname = '/3';
  return u.toString();
})();
// the gateway seals secret environment variables with this key and the engine opens them with it
const SECRETS_KEY = randomBytes(32).toString('base64');
const commonEnv = () => ({
  REDIS_URL: redisUrl,
  REDIS_PREFIX: prefix,
  SHOAL_INTERNAL_TOKEN: 'e2e-internal-token-0123456789',
  SHOAL_SECRET_KEY: SECRETS_KEY,
});

beforeAll(async () => {
  db = await createTestDatabase('e2e_dist');
  prefix = testRedisPrefix('e2e');
  mock = await startMockProvider();
  const dir = mkdtempSync(path.join(tmpdir(), 'shoal-e2e-'));
  const poolConfig = path.join(dir, 'model-pool.json');
  writeFileSync(
    poolConfig,
    JSON.stringify({
      deployments: [
        {
          id: 'dep_mock',
          model: 'mock-chat',
          provider: 'openai-compatible',
          baseUrl: mock.url,
          apiKey: 'mock',
          upstreamModel: 'mock-chat',
          weight: 1,
        },
      ],
    }),
  );
  const [pool, billing] = await Promise.all([
    // with the database: it serves the public chat routes behind the edge, checking API keys itself
    // the compatibility cases inject 500s into the one mock deployment: no breaker may turn the next case away
    startService({
      app: 'model-pool',
      env: { ...commonEnv(), MODEL_POOL_CONFIG: poolConfig, DATABASE_URL: db.url, MODEL_POOL_BREAKER_THRESHOLD: '1000000' },
    }),
    startService({ app: 'billing', env: { ...commonEnv(), DATABASE_URL: db.url } }),
  ]);
  const urls = { MODEL_POOL_URL: pool.url, BILLING_URL: billing.url, DATABASE_URL: db.url };
  const [engine, gw] = await Promise.all([
    // the http-request compat fixtures call the mock provider on 127.0.0.1, which only the allowlist opens;
    // a short code time limit, so that the runaway code node below fails soon
    startService({
      app: 'workflow-engine',
      env: { ...commonEnv(), ...urls, SHOAL_HTTP_ALLOW: '127.0.0.1', SHOAL_CODE_TIMEOUT_MS: '2000' },
    }),
    // SHOAL_HTTP_ALLOW: the MCP round trip registers a server on 127.0.0.1
    startService({ app: 'gateway', env: { ...commonEnv(), ...urls, SHOAL_BOOTSTRAP_KEY: BOOTSTRAP_KEY, SHOAL_HTTP_ALLOW: '127.0.0.1' } }),
  ]);
  gateway = gw;
  services = [pool, billing, engine, gw];
  edge = await startEdgeProxy({ gateway: gw.url, modelPool: pool.url });
}, 90_000);

afterAll(async () => {
  await edge?.close();
  const codes = await Promise.all(services.map((s) => s.stop('SIGTERM')));
  await mock?.close();
  await db?.drop();
  await dropRedisPrefixes([prefix], redisUrl);
  // every service shuts down on SIGTERM by itself (Nest re-raises the signal after closing), none needed SIGKILL
  for (const c of codes) expect([0, 'SIGTERM']).toContain(c);
});

async function pg<T>(fn: (c: Client) => Promise<T>): Promise<T> {
  const c = new Client({ connectionString: db.url });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

describe('distributed: gateway, workflow-engine, model-pool and billing as separate processes', () => {
  // through the edge, as clients reach a deployment: chat routes to model-pool, the rest to gateway
  shoalFlow(() => ({ baseUrl: edge.url, apiKey: BOOTSTRAP_KEY, mockCalls: () => mock.calls() }));

  it('serves chat behind the edge from model-pool itself: one Shoal hop, API key checked there, OpenAI errors', async () => {
    expect(edge.routed.modelPool).toBeGreaterThan(0);
    const before = edge.routed.gateway;
    const chat = (key: string, body: object) =>
      fetch(`${edge.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    const ok = await chat(BOOTSTRAP_KEY, { model: 'mock-chat', messages: [{ role: 'user', content: 'hello' }] });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-shoal-deployment')).toBe('dep_mock');
    expect(((await ok.json()) as { model: string }).model).toBe('mock-chat');
    const bad = await chat('sk-shoal-not-a-key-0123456789', { model: 'mock-chat', messages: [{ role: 'user', content: 'hello' }] });
    expect(bad.status).toBe(401);
    expect(((await bad.json()) as { error: unknown }).error).toMatchObject({ type: expect.any(String), message: expect.any(String) });
    const unknown = await chat(BOOTSTRAP_KEY, { model: 'no-such-model', messages: [{ role: 'user', content: 'hello' }] });
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: unknown }).error).toMatchObject({ param: 'model' });
    // none of these went through the gateway
    expect(edge.routed.gateway).toBe(before);
  });

  it('is driven by real clients: the openai SDK, dify-client on an app key, and a graphql-ws subscription', async () => {
    const openai = new OpenAI({ baseURL: `${edge.url}/v1`, apiKey: BOOTSTRAP_KEY, maxRetries: 0 });
    const completion = await openai.chat.completions.create({ model: 'mock-chat', messages: [{ role: 'user', content: 'hi there' }] });
    expect(completion.choices[0].message.content).toContain('Mock answer');

    const rest = api({ baseUrl: edge.url, apiKey: BOOTSTRAP_KEY, mockCalls: () => mock.calls() });
    const yaml = readFileSync(path.join(COMPAT_DSL_DIR, 'llm-basic.yml'), 'utf8');
    const expected = JSON.parse(readFileSync(path.join(COMPAT_DSL_DIR, 'llm-basic.case.json'), 'utf8')).runs[0];
    const wf = (await rest.post('/v1/workflows/import', { yaml_content: yaml })).body as { id: string };
    const appKey = (
      (await rest.post('/v1/api-keys', { name: 'e2e app', scopes: ['runs:write', 'read'], workflow_id: wf.id })).body as { key: string }
    ).key;
    const dify = new CompletionClient(appKey, `${edge.url}/v1`) as unknown as {
      runWorkflow(inputs: object, user: string, stream: boolean): Promise<{ data: { data: { status: string; outputs: unknown } } }>;
    };
    const ran = await dify.runWorkflow(expected.inputs, 'e2e-user', false);
    expect(ran.data.data).toMatchObject({ status: 'succeeded', outputs: expected.expected.outputs });

    // GraphQL: start a run, and follow it over WebSocket on the gateway
    const gql = async (query: string, variables: object) =>
      (await (
        await fetch(`${edge.url}/graphql`, {
          method: 'POST',
          headers: { authorization: `Bearer ${BOOTSTRAP_KEY}`, 'content-type': 'application/json' },
          body: JSON.stringify({ query, variables }),
        })
      ).json()) as { data: { startRun: { id: string } } };
    const started = await gql('mutation($id: ID!, $inputs: JSON) { startRun(workflowId: $id, inputs: $inputs) { id } }', {
      id: wf.id,
      inputs: expected.inputs,
    });
    const client = createClient({
      url: `${gateway.url.replace('http', 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: `Bearer ${BOOTSTRAP_KEY}` },
      retryAttempts: 0,
    });
    try {
      const events: Array<{ event: string; data: { status?: string } }> = [];
      await new Promise<void>((resolve, reject) =>
        client.subscribe(
          { query: 'subscription($id: ID!) { runEvents(runId: $id) { event data } }', variables: { id: started.data.startRun.id } },
          { next: (v) => events.push((v.data as { runEvents: (typeof events)[number] }).runEvents), error: reject, complete: resolve },
        ),
      );
      expect(events[0].event).toBe('workflow_started');
      expect(events.at(-1)).toMatchObject({ event: 'workflow_finished', data: { status: 'succeeded' } });
    } finally {
      await client.dispose();
    }
  });

  it('takes a file uploaded with dify-client’s fileUpload as a run input and as a chat message’s files (sys.files), and serves it back', async () => {
    const rest = api({ baseUrl: edge.url, apiKey: BOOTSTRAP_KEY, mockCalls: () => mock.calls() });
    const create = async (name: string, nodes: object[]) =>
      (
        (
          await rest.post('/v1/workflows', {
            name,
            graph: { nodes, edges: [{ source: 'start', target: (nodes[1] as { id: string }).id }] },
          })
        ).body as { id: string }
      ).id;
    const appKeyFor = async (workflowId: string) =>
      (
        (await rest.post('/v1/api-keys', { name: 'e2e files', scopes: ['runs:write', 'read'], workflow_id: workflowId })).body as {
          key: string;
        }
      ).key;
    const echo = await create('file echo', [
      { id: 'start', data: { type: 'start', variables: [{ variable: 'doc', label: 'Doc', type: 'file', required: true }] } },
      { id: 'end', data: { type: 'end', outputs: [{ variable: 'doc', value_selector: ['start', 'doc'] }] } },
    ]);
    const chat = await create('files chat', [
      { id: 'start', data: { type: 'start', variables: [] } },
      { id: 'answer', data: { type: 'answer', answer: 'got {{#sys.files#}}' } },
    ]);
    // dify-client as published: fileUpload(FormData); runWorkflow(inputs, user, stream) sends no files,
    // createChatMessage(inputs, query, user, stream, conversation_id, files) does
    type Uploaded = { status: number; data: { id: string; name: string; size: number; extension: string } };
    const workflowApp = new CompletionClient(await appKeyFor(echo), `${edge.url}/v1`) as unknown as {
      fileUpload(data: FormData): Promise<Uploaded>;
      runWorkflow(
        inputs: object,
        user: string,
        stream: boolean,
      ): Promise<{ data: { data: { status: string; outputs: { doc: { related_id: string } } } } }>;
    };
    const chatKey = await appKeyFor(chat);
    const chatApp = new ChatClient(chatKey, `${edge.url}/v1`);
    const text = 'minutes of the e2e meeting\n'.repeat(1000);
    const formOf = (name: string) => {
      const form = new FormData();
      form.append('file', new Blob([text], { type: 'text/plain' }), name);
      form.append('user', 'e2e-user');
      return form;
    };
    const uploaded = await workflowApp.fileUpload(formOf('minutes.txt'));
    expect(uploaded.status).toBe(201);
    expect(uploaded.data).toMatchObject({ name: 'minutes.txt', size: text.length, extension: 'txt' });
    const ran = await workflowApp.runWorkflow(
      { doc: { type: 'document', transfer_method: 'local_file', upload_file_id: uploaded.data.id } },
      'e2e-user',
      false,
    );
    expect(ran.data.data.status).toBe('succeeded');
    expect(ran.data.data.outputs.doc.related_id).toBe(uploaded.data.id);

    // a chat app's key uploads for its own app; the message's files reach the run as sys.files
    const forChat = (await (chatApp as unknown as { fileUpload(data: FormData): Promise<Uploaded> }).fileUpload(formOf('agenda.txt'))).data;
    const said = await chatApp.createChatMessage({}, 'what did I send?', 'e2e-user', false, null, [
      { type: 'document', transfer_method: 'local_file', upload_file_id: forChat.id },
    ] as never);
    const answer = (said.data as { answer: string }).answer;
    expect(answer).toContain(`"related_id":"${forChat.id}"`);
    expect(answer).toContain('"filename":"agenda.txt"');
    // the content route returns the bytes, from any gateway replica (they are in Postgres)
    const content = await fetch(`${edge.url}/v1/files/${forChat.id}/content`, { headers: { authorization: `Bearer ${chatKey}` } });
    expect(await content.text()).toBe(text);
  });

  it('keeps the ledger exactly-once in Postgres: one row per call id, each run priced from it', async () => {
    const pg = new Client({ connectionString: db.url });
    await pg.connect();
    try {
      const dupes = await pg.query('SELECT call_id, attempt FROM usage_records GROUP BY call_id, attempt HAVING count(*) > 1');
      expect(dupes.rows).toEqual([]);
      // each run's price is what model-pool priced its calls at; the ledger catches up on its own
      // time (the run never waits for it), and once it has, the two agree to the last digit
      const reconcile = () =>
        pg.query(`SELECT r.id, trim_scale(r.total_price)::text AS price, trim_scale(COALESCE(sum(u.total_cost), 0))::text AS ledger
          FROM workflow_runs r LEFT JOIN usage_records u ON u.run_id = r.id AND u.tenant_id = r.tenant_id
          WHERE r.status = 'succeeded' GROUP BY r.id, r.total_price`);
      const runs = await eventually(reconcile, (res) => res.rows.every((r) => r.price === r.ledger));
      expect(runs.rows.length).toBeGreaterThanOrEqual(2);
      for (const r of runs.rows) expect(r.price).toBe(r.ledger);
      expect(runs.rows.some((r) => r.price !== '0')).toBe(true);
      const keys = await pg.query('SELECT hash, prefix FROM api_keys');
      expect(JSON.stringify(keys.rows)).not.toContain(BOOTSTRAP_KEY);
      // a rejected run request left no row behind
      const failed = await pg.query(`SELECT count(*)::int AS n FROM workflow_runs WHERE status <> 'succeeded'`);
      expect(failed.rows[0].n).toBe(0);
    } finally {
      await pg.end();
    }
  });

  it('keeps queues and run events in the Redis database REDIS_URL names', async () => {
    const inDb3 = new Redis(redisUrl);
    const inDb0 = new Redis(testRedisUrl());
    try {
      expect((await inDb3.keys(`${prefix}bull:*`)).length).toBeGreaterThan(0);
      expect((await inDb3.keys(`${prefix}run:*`)).length).toBeGreaterThan(0);
      expect(await inDb0.keys(`${prefix}*`)).toEqual([]);
    } finally {
      await Promise.all([inDb3.quit(), inDb0.quit()]);
    }
  });

  it('stops the provider call when the client goes away mid-stream, and meters it as interrupted', async () => {
    mock.setFaults({ interChunkDelayMs: 300, times: 1 });
    try {
      const abort = new AbortController();
      const res = await fetch(`${gateway.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${BOOTSTRAP_KEY}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          model: 'mock-chat',
          stream: true,
          messages: [{ role: 'user', content: 'one two three four five six seven eight nine ten' }],
        }),
        signal: abort.signal,
      });
      expect(res.status).toBe(200);
      const reader = res.body!.getReader();
      await reader.read(); // the first chunk arrived
      abort.abort();
      const a = api({ baseUrl: gateway.url, apiKey: BOOTSTRAP_KEY, mockCalls: () => 0 });
      const usage = await eventually(
        () => a.get('/v1/usage/records?limit=1000'),
        (r) => r.body.data.some((u: { status: string }) => u.status === 'interrupted'),
        10_000,
      );
      const row = usage.body.data.find((u: { status: string }) => u.status === 'interrupted');
      // what was streamed before the client left is billed, not the whole answer, and the prompt is
      // estimated (4 characters a token) since no usage chunk came
      expect(row.completion_tokens).toBeLessThan(12);
      expect(row.prompt_tokens).toBe(Math.ceil('one two three four five six seven eight nine ten'.length / 4));
    } finally {
      mock.setFaults(undefined);
    }
  });

  it('answers problem+json for bad JSON and unknown routes, never a 500', async () => {
    const a = api({ baseUrl: gateway.url, apiKey: BOOTSTRAP_KEY, mockCalls: () => 0 });
    const bad = await a.post('/v1/workflows', '{"name": "x", "graph": ', BOOTSTRAP_KEY);
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect((await a.get('/v1/nothing-here')).status).toBe(404);
    expect((await a.post('/v1/workflows', { ...QA_WORKFLOW, name: '' })).body.errors[0].path).toBe('name');
    // text Postgres cannot store is the client's problem, said as such
    const nul = await a.post('/v1/workflows', { ...QA_WORKFLOW, name: 'a\u0000b' });
    expect([nul.status, nul.body.errors?.[0]?.path]).toEqual([400, 'name']);
    // as in a path parameter: refused before any lookup, naming where
    const nulId = await a.get('/v1/workflows/wf_%00x');
    expect([nulId.status, nulId.body.errors?.[0]?.path]).toEqual([400, 'path.id']);
    expect((await a.get('/v1/usage/records?run_id=run_%00')).status).toBe(400);
  });

  it('survives a Last-Event-ID it cannot use, and still streams the run', async () => {
    const a = api({ baseUrl: gateway.url, apiKey: BOOTSTRAP_KEY, mockCalls: () => 0 });
    const wf = await a.post('/v1/workflows', QA_WORKFLOW);
    const run = await a.post(`/v1/workflows/${wf.body.id}/runs`, { inputs: { question: 'again' } });
    for (const id of ['99999999999999999999', 'abc', '-5']) {
      const res = await fetch(`${gateway.url}/v1/runs/${run.body.id}/events`, {
        headers: { authorization: `Bearer ${BOOTSTRAP_KEY}`, 'last-event-id': id },
      });
      expect(res.status).toBe(200);
      const events = (await readSse(res)).filter((e) => e.data.event !== 'ping');
      expect(events[0].data.sequence).toBe(1);
      expect(events.at(-1)!.data.event).toBe('workflow_finished');
    }
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
  });

  it('cancels a run held by the engine process: its provider call is cut, it ends stopped, the blocking caller sees it', async () => {
    const a = api({ baseUrl: gateway.url, apiKey: BOOTSTRAP_KEY, mockCalls: () => 0 });
    const wf = await a.post('/v1/workflows', QA_WORKFLOW);
    mock.setFaults({ latencyMs: 120_000, times: 1 });
    try {
      const blocking = a.post(`/v1/workflows/${wf.body.id}/runs`, { inputs: { question: 'stop me' }, response_mode: 'blocking' });
      const runId = await eventually(
        () =>
          pg((c) =>
            c.query(
              `SELECT r.id FROM workflow_runs r JOIN node_executions n ON n.run_id = r.id
          WHERE r.workflow_id = $1 AND n.node_id = 'llm' AND n.status = 'running'`,
              [wf.body.id],
            ),
          ),
        (r) => r.rows.length === 1,
      ).then((r) => r.rows[0].id as string);
      const cancelled = await a.post(`/v1/runs/${runId}/cancel`, undefined);
      expect([200, 202]).toContain(cancelled.status);
      const done = await blocking;
      expect(done.body).toMatchObject({ id: runId, status: 'stopped', error: 'The run was stopped by a cancel request' });
      const run = await a.get(`/v1/runs/${runId}`);
      expect(run.body.node_executions.map((n: { node_id: string; status: string }) => [n.node_id, n.status])).toEqual([
        ['start', 'succeeded'],
        ['llm', 'failed'],
      ]);
      expect((await a.post(`/v1/runs/${runId}/cancel`, undefined)).body.status).toBe('stopped');
    } finally {
      mock.setFaults(undefined);
    }
  });

  it('seals a secret environment variable in the gateway and opens it in the engine, showing it nowhere', async () => {
    const secret = 'sk-e2e-secret-7b1d2c9f';
    const a = api({ baseUrl: gateway.url, apiKey: BOOTSTRAP_KEY, mockCalls: () => 0 });
    const graph = structuredClone(QA_WORKFLOW.graph) as typeof QA_WORKFLOW.graph & { environment_variables: unknown[] };
    graph.environment_variables = [{ name: 'token', value_type: 'secret', value: secret }];
    graph.nodes[1].data.prompt_template![1].text = '{{#env.token#}} {{#start.question#}}';
    const wf = await a.post('/v1/workflows', { name: 'secret', graph });
    expect(wf.status).toBe(201);
    const stored = await pg((c) => c.query('SELECT graph::text AS g FROM workflow_versions WHERE workflow_id = $1', [wf.body.id]));
    expect(stored.rows[0].g).not.toContain(secret);
    const run = await a.post(`/v1/workflows/${wf.body.id}/runs`, { inputs: { question: 'hi' } });
    expect(run.body.status).toBe('succeeded');
    const calls = mock.callLog().filter((c) => JSON.stringify(c.body).includes(secret));
    expect(calls).toHaveLength(1);
    const shown = JSON.stringify([wf.body, run.body, (await a.get(`/v1/runs/${run.body.id}`)).body]);
    expect(shown).not.toContain(secret);
  });

  it('answers a blocking run as its stored row reads, to the byte (built from the end the engine announced, not read back)', async () => {
    const a = api({ baseUrl: gateway.url, apiKey: BOOTSTRAP_KEY, mockCalls: () => 0 });
    const graph = structuredClone(QA_WORKFLOW.graph);
    // keys in an order jsonb does not keep (it stores shorter keys first): the answer has them as a read of the row does
    graph.nodes[2].data.outputs = [
      { variable: 'the_longest_key', value_selector: ['llm', 'text'] },
      { variable: 'q', value_selector: ['start', 'question'] },
      { variable: 'mid', value_selector: ['llm', 'text'] },
    ];
    const wf = await a.post('/v1/workflows', { name: 'byte for byte', graph });
    expect(wf.status).toBe(201);
    const run = await a.post(`/v1/workflows/${wf.body.id}/runs`, { inputs: { question: 'in what order?' }, response_mode: 'blocking' });
    expect(run.status).toBe(200);
    expect(run.body.status).toBe('succeeded');
    const { node_executions: nodes, ...stored } = (await a.get(`/v1/runs/${run.body.id}`)).body;
    expect(nodes).toHaveLength(3);
    expect(JSON.stringify(run.body)).toBe(JSON.stringify(stored));
    expect(Object.keys(run.body.outputs)).toEqual(['q', 'mid', 'the_longest_key']);
  });

  it('runs JavaScript and Python code nodes in the engine process, and keeps serving after a runaway one', async () => {
    const a = api({ baseUrl: gateway.url, apiKey: BOOTSTRAP_KEY, mockCalls: () => 0 });
    const codeNode = (id: string, language: string, code: string, from: string[], outputs: Record<string, { type: string }>) => ({
      id,
      data: { type: 'code', code_language: language, code, variables: [{ variable: 'arg1', value_selector: from }], outputs },
    });
    const graph = (code: ReturnType<typeof codeNode>[]) => ({
      nodes: [
        { id: 'start', data: { type: 'start', variables: [{ variable: 'q', type: 'text-input' }] } },
        ...code,
        { id: 'end', data: { type: 'end', outputs: [{ variable: 'out', value_selector: [code[code.length - 1].id, 'result'] }] } },
      ],
      edges: ['start', ...code.map((c) => c.id), 'end']
        .slice(1)
        .map((id, i, ids) => ({ source: i === 0 ? 'start' : ids[i - 1], target: id })),
    });
    const wf = await a.post('/v1/workflows', {
      name: 'code',
      graph: graph([
        codeNode('js', 'javascript', 'function main({ arg1 }) {\n  return { result: arg1.split(" ").length }\n}', ['start', 'q'], {
          result: { type: 'number' },
        }),
        codeNode('py', 'python3', 'def main(arg1):\n    return {"result": f"{arg1} words"}', ['js', 'result'], {
          result: { type: 'string' },
        }),
      ]),
    });
    expect(wf.status).toBe(201);
    const run = async (id: string) => (await a.post(`/v1/workflows/${id}/runs`, { inputs: { q: 'one two three' } })).body;
    expect(await run(wf.body.id)).toMatchObject({ status: 'succeeded', outputs: { out: '3 words' } });

    const runaway = await a.post('/v1/workflows', {
      name: 'runaway',
      graph: graph([codeNode('loop', 'javascript', 'function main() { for (;;) {} }', ['start', 'q'], { result: { type: 'string' } })]),
    });
    const failed = await run(runaway.body.id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toContain('the code ran longer than its time limit of 2000 ms');
    expect(await run(wf.body.id)).toMatchObject({ status: 'succeeded', outputs: { out: '3 words' } });
  });

  it('starts runs on the latest version across gateways: one that cached the workflow misses no version or archive made on another', async () => {
    const [pool, billing] = services;
    const second = await startService({
      app: 'gateway',
      env: { ...commonEnv(), MODEL_POOL_URL: pool.url, BILLING_URL: billing.url, DATABASE_URL: db.url, SHOAL_BOOTSTRAP_KEY: BOOTSTRAP_KEY },
    });
    try {
      const a = api({ baseUrl: gateway.url, apiKey: BOOTSTRAP_KEY, mockCalls: () => mock.calls() });
      const b = api({ baseUrl: second.url, apiKey: BOOTSTRAP_KEY, mockCalls: () => mock.calls() });
      const created = await a.post('/v1/workflows', { ...QA_WORKFLOW, name: 'two gateways' });
      expect(created.status).toBe(201);
      const id = created.body.id as string;
      const run = () => b.post(`/v1/workflows/${id}/runs`, { inputs: { question: 'which version?' }, response_mode: 'blocking' });
      // the second gateway starts twice: the second start comes from its cache
      for (let i = 0; i < 2; i++)
        expect((await run()).body).toMatchObject({ status: 'succeeded', workflow_version_id: created.body.version.id });
      const published = await a.post(`/v1/workflows/${id}/versions`, { graph: QA_WORKFLOW.graph });
      expect(published.status).toBe(201);
      expect(published.body.version.number).toBe(2);
      expect((await run()).body).toMatchObject({ status: 'succeeded', workflow_version_id: published.body.version.id });
      const archived = await fetch(`${gateway.url}/v1/workflows/${id}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${BOOTSTRAP_KEY}` },
      });
      expect(archived.status).toBe(200);
      const refused = await run();
      expect(refused.status).toBe(404);
      const runs = await pg((c) =>
        c.query<{ workflow_version_id: string }>('SELECT workflow_version_id FROM workflow_runs WHERE workflow_id = $1 ORDER BY id', [id]),
      );
      expect(runs.rows.map((r) => r.workflow_version_id)).toEqual([
        created.body.version.id,
        created.body.version.id,
        published.body.version.id,
      ]);
    } finally {
      await second.stop('SIGTERM');
    }
  });

  it('refuses to start with a bad variable and names it', async () => {
    await expect(
      startService({
        app: 'gateway',
        env: { ...commonEnv(), DATABASE_URL: 'mysql://nope', MODEL_POOL_URL: 'http://127.0.0.1:1', BILLING_URL: 'http://127.0.0.1:1' },
        timeoutMs: 15_000,
      }),
    ).rejects.toThrow(/DATABASE_URL: must be a URL with protocol postgres or postgresql/);
  });

  // last: the fixtures leave failed and retried runs, which the ledger checks above do not expect
  describe('the Dify compatibility fixtures', () => difyCompatSuite(() => ({ url: edge.url, apiKey: BOOTSTRAP_KEY, mock })));

  describe('MCP tools', () => mcpRoundTrip(() => ({ url: edge.url, apiKey: BOOTSTRAP_KEY })));
});
