// A parallel iteration survives its engine being SIGKILLed mid-way: a second engine takes the run
// over (once the queue sees the first one's job stall), and finishes it from the checkpoints. No inner
// node execution committed before the kill runs again, every LLM call is in the ledger once, and the
// outputs are what an uninterrupted run gives.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
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
import { api, eventually } from '../support/shoal-flow';

const BOOTSTRAP_KEY = 'sk-shoal-e2e-containers-0123456789';
const ITEMS = ['red', 'green', 'blue', 'cyan', 'pink', 'gold'];
let db: TestDatabase;
let mock: MockProvider;
let prefix: string;
const services: ServiceProcess[] = [];
let gateway: ServiceProcess;
let urls: Record<string, string>;
const commonEnv = () => ({ REDIS_URL: testRedisUrl(), REDIS_PREFIX: prefix, SHOAL_INTERNAL_TOKEN: 'e2e-internal-token-0123456789' });

const WORKFLOW = {
  name: 'parallel iteration',
  graph: {
    nodes: [
      { id: 'start', data: { type: 'start', variables: [{ variable: 'data', type: 'json_object', required: true }] } },
      {
        id: 'iter',
        data: {
          type: 'iteration',
          start_node_id: 'iterstart',
          iterator_selector: ['start', 'data', 'items'],
          output_selector: ['ask', 'text'],
          is_parallel: true,
          parallel_nums: 2,
        },
      },
      { id: 'iterstart', parentId: 'iter', data: { type: 'iteration-start' } },
      {
        id: 'ask',
        parentId: 'iter',
        data: { type: 'llm', model: { name: 'mock-chat' }, prompt_template: [{ role: 'user', text: '{{#iter.item#}}' }] },
      },
      { id: 'end', data: { type: 'end', outputs: [{ variable: 'results', value_selector: ['iter', 'output'] }] } },
    ],
    edges: [
      { source: 'start', target: 'iter' },
      { source: 'iterstart', target: 'ask' },
      { source: 'iter', target: 'end' },
    ],
  },
};

beforeAll(async () => {
  db = await createTestDatabase('e2e_containers');
  prefix = testRedisPrefix('e2e_ctr');
  mock = await startMockProvider();
  const dir = mkdtempSync(path.join(tmpdir(), 'shoal-e2e-ctr-'));
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
    startService({ app: 'model-pool', env: { ...commonEnv(), MODEL_POOL_CONFIG: poolConfig } }),
    startService({ app: 'billing', env: { ...commonEnv(), DATABASE_URL: db.url } }),
  ]);
  services.push(pool, billing);
  urls = { MODEL_POOL_URL: pool.url, BILLING_URL: billing.url, DATABASE_URL: db.url };
  gateway = await startService({ app: 'gateway', env: { ...commonEnv(), ...urls, SHOAL_BOOTSTRAP_KEY: BOOTSTRAP_KEY } });
  services.push(gateway);
}, 90_000);

afterAll(async () => {
  await Promise.all(services.map((s) => s.stop('SIGTERM')));
  await mock?.close();
  await db?.drop();
  await dropRedisPrefixes([prefix]);
});

interface Row {
  id: string;
  execution_key: string;
  status: string;
  call_id: string | null;
}

async function rows(pg: Client, runId: string): Promise<Row[]> {
  const r = await pg.query<Row>('SELECT id, execution_key, status, call_id FROM node_executions WHERE run_id = $1 ORDER BY index', [runId]);
  return r.rows;
}

it('a parallel iteration resumes on another engine after a SIGKILL without rerunning a committed round', async () => {
  const a = api({ baseUrl: gateway.url, apiKey: BOOTSTRAP_KEY, mockCalls: () => mock.calls() });
  const pg = new Client({ connectionString: db.url });
  await pg.connect();
  try {
    const wf = await a.post('/v1/workflows', WORKFLOW);
    expect(wf.status).toBe(201);
    // every provider call takes a while, so the kill lands with rounds committed and rounds in flight
    mock.setFaults({ latencyMs: 1500 });
    const first = await startService({ app: 'workflow-engine', env: { ...commonEnv(), ...urls } });
    const callsBefore = mock.calls();
    const started = a.post(`/v1/workflows/${wf.body.id}/runs`, { inputs: { data: { items: ITEMS } }, response_mode: 'blocking' });
    const runId = await eventually(
      async () => (await pg.query<{ id: string }>('SELECT id FROM workflow_runs ORDER BY created_at DESC LIMIT 1')).rows[0]?.id,
      (id) => id !== undefined,
      15_000,
    );
    const committed = await eventually(
      () => rows(pg, runId),
      (r) => r.filter((x) => x.execution_key.startsWith('ask#') && x.status === 'succeeded').length >= 2,
      30_000,
    );
    expect(await first.stop('SIGKILL')).toBe('SIGKILL');
    const atKill = await rows(pg, runId);
    const before = atKill.filter((x) => x.status === 'succeeded');
    // rounds the killed engine had started but not committed: their call may have reached the provider
    const interrupted = atKill.filter((x) => x.execution_key.startsWith('ask#') && x.status === 'running');
    const askDone = before.filter((x) => x.execution_key.startsWith('ask#')).length;
    expect(askDone).toBeGreaterThanOrEqual(committed.filter((x) => x.execution_key.startsWith('ask#') && x.status === 'succeeded').length);
    expect(askDone).toBeLessThan(ITEMS.length);
    const callsAtKill = mock.calls();
    mock.setFaults(undefined);

    const second = await startService({ app: 'workflow-engine', env: { ...commonEnv(), ...urls } });
    services.push(second);
    const run = await eventually(
      () => a.get(`/v1/runs/${runId}`),
      (r) => r.body.status === 'succeeded' || r.body.status === 'failed',
      120_000,
    );
    await started.catch(() => undefined);
    expect(run.body.status).toBe('succeeded');
    expect(run.body.outputs).toEqual({ results: ITEMS.map((c) => `Mock answer: ${c}`) });

    // the executions committed before the kill are the very same rows: none was started again
    const after = await rows(pg, runId);
    for (const row of before) expect(after.find((x) => x.execution_key === row.execution_key)).toEqual(row);
    expect(new Set(after.map((x) => x.execution_key)).size).toBe(after.length);
    expect(
      after
        .filter((x) => x.execution_key.startsWith('ask#'))
        .map((x) => x.execution_key)
        .sort(),
    ).toEqual(ITEMS.map((_, i) => `ask#iter[${i}]`).sort());
    // the second engine asked the provider only for the rounds not committed
    expect(mock.calls() - callsAtKill).toBe(ITEMS.length - askDone);
    expect(callsAtKill - callsBefore).toBeGreaterThanOrEqual(askDone);

    // the ledger holds each provider call once: every round's final call (as its checkpoint names
    // it), and for a round the kill interrupted, the interrupted attempt too (it reached the
    // provider, which bills it); the rerun is that round's next attempt, under its own call id
    const finalCalls = after.filter((x) => x.execution_key.startsWith('ask#')).map((x) => x.call_id as string);
    const ledger = await eventually(
      async () => (await pg.query<{ call_id: string }>('SELECT call_id FROM usage_records WHERE run_id = $1', [runId])).rows,
      (r) => finalCalls.every((c) => r.some((x) => x.call_id === c)),
      15_000,
    );
    const billed = ledger.map((r) => r.call_id);
    expect(new Set(billed).size).toBe(billed.length);
    const allowed = new Set([...finalCalls, ...interrupted.map((x) => x.call_id as string)]);
    expect(billed.filter((c) => !allowed.has(c))).toEqual([]);
    for (const x of interrupted)
      expect(after.find((r) => r.execution_key === x.execution_key)?.call_id).toBe(`${runId}:${x.execution_key}:1`);
  } finally {
    await pg.end();
  }
}, 180_000);
