// Billing killed (SIGKILL) in the middle of writing a batch, then started again: the ledger ends
// up holding each distinct provider attempt exactly once, and the daily rollups equal its rows.
// The kill lands mid-batch for sure: the test holds a lock on the rollups table, so billing's
// batch statement is inside its transaction, waiting, when it dies. And model-pool killed in the
// middle of a call: billing's reapers bill the call it never completed once, as an estimate.
import { Client } from 'pg';
import { Redis } from 'ioredis';
import { usageKey, type UsageEvent } from '@shoal/contracts';
import { RedisUsageLog } from '@shoal/platform';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { internalHeaders } from '@shoal/platform';
import {
  createTestDatabase,
  startMockProvider,
  startService,
  testRedisPrefix,
  testRedisUrl,
  type ServiceProcess,
  type TestDatabase,
} from '@shoal/testing';
import { eventually } from '../support/shoal-flow';

jest.setTimeout(120_000);

let db: TestDatabase;
let prefix: string;
let redis: Redis;
let log: RedisUsageLog;
let pg: Client;
const running: ServiceProcess[] = [];

const env = () => ({
  DATABASE_URL: db.url,
  REDIS_URL: testRedisUrl(),
  REDIS_PREFIX: prefix,
  SHOAL_INTERNAL_TOKEN: 'e2e-internal-token-0123456789',
  USAGE_BATCH_SIZE: '100',
  USAGE_CLAIM_IDLE_MS: '1000',
});

function event(i: number, attempt = 1): UsageEvent {
  return {
    callId: `run_crash:llm:${i}`,
    attempt,
    tenantId: 'ten_crash',
    apiKeyId: null,
    runId: 'run_crash',
    nodeId: 'llm',
    deploymentId: 'dep_mock',
    provider: 'mock',
    model: 'mock-chat',
    upstreamModel: 'mock-chat',
    priceOverride: null,
    stream: false,
    startedAt: '2026-03-01T12:00:00.000Z',
    promptTokens: 7,
    completionTokens: 6,
    cachedPromptTokens: 0,
    reasoningTokens: 0,
    cost: { input: '0.00000189', output: '0.0000066', total: '0.00000849', currency: 'USD' },
    status: 'succeeded',
    estimated: false,
    latencyMs: 5,
  };
}

async function emit(events: UsageEvent[]): Promise<void> {
  for (const e of events) await log.complete(usageKey(e.callId, e.attempt), JSON.stringify(e));
}

const count = async (sql: string): Promise<number> => Number((await pg.query(sql)).rows[0].n);

beforeAll(async () => {
  db = await createTestDatabase('e2e_ledger_crash');
  prefix = testRedisPrefix('ledger-crash');
  redis = new Redis(testRedisUrl());
  log = new RedisUsageLog(redis, prefix);
  pg = new Client({ connectionString: db.url });
  await pg.connect();
});

afterAll(async () => {
  await Promise.all(running.map((s) => s.stop('SIGTERM')));
  await pg?.end();
  await log?.close();
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  await redis?.quit();
  await db?.drop();
});

it('loses nothing and counts nothing twice when billing is SIGKILLed mid-batch and restarted', async () => {
  // 600 attempts billing commits normally
  await emit(Array.from({ length: 600 }, (_, i) => event(i)));
  const first = await startService({ app: 'billing', env: env() });
  running.push(first);
  await eventually(
    () => count('SELECT count(*) AS n FROM usage_records'),
    (n) => n === 600,
    30_000,
  );

  // hold the rollups: the next batch inserts its rows, then waits inside its transaction
  const blocker = new Client({ connectionString: db.url });
  await blocker.connect();
  await blocker.query('BEGIN');
  await blocker.query('LOCK TABLE usage_daily_rollups IN SHARE MODE');
  // 900 more attempts, second attempts of 100 calls, and redeliveries of 300 already in the ledger
  await emit([
    ...Array.from({ length: 900 }, (_, i) => event(600 + i)),
    ...Array.from({ length: 100 }, (_, i) => event(i, 2)),
    ...Array.from({ length: 300 }, (_, i) => event(i)),
  ]);
  const waiting = await eventually(
    () => count(`SELECT count(*) AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query ILIKE '%INSERT INTO usage_records%'`),
    (n) => n > 0,
    30_000,
  );
  expect(waiting).toBeGreaterThan(0);
  expect(await first.stop('SIGKILL')).toBe('SIGKILL');
  running.splice(running.indexOf(first), 1);
  await blocker.query('ROLLBACK');
  await blocker.end();

  // the killed batch's transaction rolled back: nothing of it is in the ledger, all of it is pending
  const pending = (await redis.xpending(`${prefix}usage:log`, 'billing')) as [number, ...unknown[]];
  expect(Number(pending[0])).toBeGreaterThan(0);
  expect(await count('SELECT count(*) AS n FROM usage_records')).toBeLessThan(1600);

  const second = await startService({ app: 'billing', env: env() });
  running.push(second);
  await eventually(
    () => redis.xlen(`${prefix}usage:log`),
    (n) => n === 0,
    60_000,
  );

  // 1500 calls, 100 of them with a second attempt: 1600 distinct rows, each once
  expect(await count('SELECT count(*) AS n FROM usage_records')).toBe(1600);
  expect(await count('SELECT count(*) AS n FROM (SELECT 1 FROM usage_records GROUP BY call_id, attempt HAVING count(*) > 1) d')).toBe(0);
  const rollup = (await pg.query('SELECT calls, prompt_tokens::int AS p, trim_scale(total_cost)::text AS cost FROM usage_daily_rollups'))
    .rows;
  expect(rollup).toEqual([{ calls: 1600, p: 1600 * 7, cost: '0.013584' }]);
  const ledger = (await pg.query('SELECT trim_scale(sum(total_cost))::text AS s FROM usage_records')).rows[0].s;
  expect(ledger).toBe('0.013584');
});

it('bills a call whose model-pool was killed mid-stream exactly once, as an estimate, with several billing reapers', async () => {
  await pg.query('TRUNCATE usage_records, usage_daily_rollups');
  const mock = await startMockProvider();
  const dir = mkdtempSync(path.join(tmpdir(), 'shoal-ledger-crash-'));
  const poolConfig = path.join(dir, 'model-pool.json');
  writeFileSync(
    poolConfig,
    JSON.stringify({
      deployments: [{ id: 'dep_mock', model: 'mock-chat', provider: 'openai-compatible', baseUrl: mock.url, apiKey: 'mock', weight: 1 }],
    }),
  );
  const reaping = { ...env(), USAGE_INTENT_STALE_MS: '1500', USAGE_REAP_EVERY_MS: '200' };
  const billings = await Promise.all([1, 2, 3].map(() => startService({ app: 'billing', env: reaping })));
  running.push(...billings);
  const pool = await startService({ app: 'model-pool', env: { ...env(), MODEL_POOL_CONFIG: poolConfig, USAGE_HEARTBEAT_MS: '300' } });
  running.push(pool);
  try {
    mock.setFaults({ interChunkDelayMs: 400 });
    const question = 'one two three four five six seven eight nine ten eleven twelve';
    const res = await fetch(`${pool.url}/pool/v1/chat/completions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...internalHeaders('e2e-internal-token-0123456789', {
          tenantId: 'ten_crash',
          apiKeyId: null,
          runId: 'run_dead',
          callId: 'run_dead:llm:0',
          nodeId: 'llm',
        }),
      },
      body: JSON.stringify({ model: 'mock-chat', stream: true, messages: [{ role: 'user', content: question }] }),
    });
    const reader = res.body!.getReader();
    // a few chunks through, then the process dies with the call open
    for (let seen = ''; (seen.match(/"content":"[^"]+"/g) ?? []).length < 3;) seen += new TextDecoder().decode((await reader.read()).value);
    await new Promise((r) => setTimeout(r, 700)); // a heartbeat has recorded the progress
    expect(await redis.zcard(`${prefix}usage:open`)).toBe(1);
    expect(await pool.stop('SIGKILL')).toBe('SIGKILL');
    running.splice(running.indexOf(pool), 1);
    await reader.cancel().catch(() => undefined);

    const rows = await eventually(
      () =>
        pg.query(
          `SELECT call_id, attempt, status, estimated, prompt_tokens, completion_tokens, trim_scale(total_cost)::text AS cost FROM usage_records`,
        ),
      (r) => r.rows.length > 0,
      30_000,
    );
    // the reapers keep running a while longer: still one row, and no intent left open
    await new Promise((r) => setTimeout(r, 1000));
    expect((await pg.query('SELECT count(*)::int AS n FROM usage_records')).rows[0].n).toBe(1);
    expect(await redis.zcard(`${prefix}usage:open`)).toBe(0);
    const [row] = rows.rows;
    expect(row).toMatchObject({
      call_id: 'run_dead:llm:0',
      attempt: 1,
      status: 'interrupted',
      estimated: true,
      prompt_tokens: Math.ceil(question.length / 4),
    });
    expect(row.completion_tokens).toBeGreaterThanOrEqual(3);
    expect(row.cost).not.toBe('0');
  } finally {
    mock.setFaults(undefined);
    await mock.close();
  }
});
