// Shoal distributed for the chaos suite: the four services as processes (two engines) on a Postgres
// cluster and a Redis server of the suite's own (support/private-servers.ts), which the outage
// scenarios stop and start for real; LLM calls to a slow mock provider. A service can be killed and
// started again on the same port, so the others' URLs stay right.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Pool } from 'pg';
import { Redis } from 'ioredis';
import { freePort, startMockProvider, startService, testRedisPrefix, type MockProvider, type ServiceProcess } from '@shoal/testing';
import { startPrivateServers, type PrivatePostgres, type PrivateRedis, type PrivateServers } from './private-servers';

export const CHAOS_KEY = 'sk-shoal-chaos-0123456789abcdef';
const INTERNAL_TOKEN = 'chaos-internal-token-0123456789';

/** start -> ask (LLM) -> refine (LLM, on ask's answer) -> end: a resumed run must not ask again. */
export const TWO_LLM_WORKFLOW = {
  name: 'chaos two llm',
  graph: {
    nodes: [
      { id: 'start', data: { type: 'start', variables: [{ variable: 'question', type: 'paragraph', required: true }] } },
      { id: 'ask', data: { type: 'llm', model: { name: 'mock-chat' }, prompt_template: [{ role: 'user', text: '{{#start.question#}}' }] } },
      { id: 'refine', data: { type: 'llm', model: { name: 'mock-chat' }, prompt_template: [{ role: 'user', text: '{{#ask.text#}}' }] } },
      { id: 'end', data: { type: 'end', outputs: [{ variable: 'answer', value_selector: ['refine', 'text'] }] } },
    ],
    edges: [
      { source: 'start', target: 'ask' },
      { source: 'ask', target: 'refine' },
      { source: 'refine', target: 'end' },
    ],
  },
};

export type AppName = 'gateway' | 'workflow-engine' | 'model-pool' | 'billing';

export interface ChaosShoal {
  /** the suite's own Postgres (stop() / start() for an outage) */
  postgres: PrivatePostgres;
  /** the suite's own Redis (stop() / start() for an outage) */
  redisServer: PrivateRedis;
  /** the test's reads of the database: a pool, so it reconnects after an outage */
  pg: Pool;
  redis: Redis;
  prefix: string;
  mock: MockProvider;
  gateway: ServiceProcess;
  engines: ServiceProcess[];
  pool: ServiceProcess;
  billing: ServiceProcess;
  workflowId: string;
  /** starts a service again (same port for all but engines), replacing the one killed */
  restart(s: ServiceProcess): Promise<ServiceProcess>;
  startEngine(): Promise<ServiceProcess>;
  close(): Promise<void>;
}

/** Timings the suite runs with: the engine's and billing's defaults where the issue is about them, shorter where only the wait is. */
export const ENGINE_ENV = {
  // the defaults, spelled out so the figures in the README say what they were measured with
  ENGINE_JOB_LOCK_MS: '6000',
  ENGINE_STALL_CHECK_MS: '2000',
  ENGINE_SWEEP_EVERY_MS: '5000',
  ENGINE_SWEEP_STALE_MS: '10000',
  ENGINE_CONCURRENCY: '64',
};

export async function startChaosShoal(name: string, extra: { engines?: number } = {}): Promise<ChaosShoal> {
  const servers = await startPrivateServers();
  const started: Array<{ close(): Promise<unknown> }> = [servers];
  try {
    return await startOn(servers, name, extra, started);
  } catch (err) {
    // a start that failed halfway leaves nothing running: afterAll has no shoal to close
    for (const x of started.reverse()) await x.close().catch(() => undefined);
    throw err;
  }
}

async function startOn(
  servers: PrivateServers,
  name: string,
  extra: { engines?: number },
  started: Array<{ close(): Promise<unknown> }>,
): Promise<ChaosShoal> {
  const prefix = testRedisPrefix(`chaos-${name}`);
  const mock = await startMockProvider({ callLogLimit: 20_000 });
  started.push(mock);
  const dir = mkdtempSync(path.join(tmpdir(), 'shoal-chaos-'));
  const poolConfig = path.join(dir, 'model-pool.json');
  writeFileSync(
    poolConfig,
    JSON.stringify({
      deployments: [{ id: 'dep_mock', model: 'mock-chat', provider: 'openai-compatible', baseUrl: mock.url, apiKey: 'mock', weight: 1 }],
    }),
  );
  const common = {
    REDIS_URL: servers.redis.url,
    REDIS_PREFIX: prefix,
    SHOAL_INTERNAL_TOKEN: INTERNAL_TOKEN,
    LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'info',
  };
  const databaseUrl = servers.postgres.url('shoal');
  const [poolPort, billingPort, gatewayPort] = await Promise.all([freePort(), freePort(), freePort()]);
  const envs: Record<AppName, Record<string, string>> = {
    'model-pool': { ...common, MODEL_POOL_CONFIG: poolConfig, USAGE_HEARTBEAT_MS: '500' },
    billing: {
      ...common,
      DATABASE_URL: databaseUrl,
      USAGE_INTENT_STALE_MS: '15000',
      USAGE_REAP_EVERY_MS: '1000',
      USAGE_CLAIM_IDLE_MS: '3000',
    },
    gateway: {
      ...common,
      DATABASE_URL: databaseUrl,
      MODEL_POOL_URL: `http://127.0.0.1:${poolPort}`,
      BILLING_URL: `http://127.0.0.1:${billingPort}`,
      SHOAL_BOOTSTRAP_KEY: CHAOS_KEY,
    },
    'workflow-engine': { ...common, ...ENGINE_ENV, DATABASE_URL: databaseUrl, MODEL_POOL_URL: `http://127.0.0.1:${poolPort}` },
  };
  const ports: Partial<Record<AppName, number>> = { 'model-pool': poolPort, billing: billingPort, gateway: gatewayPort };
  const processes = new Set<ServiceProcess>();
  started.push({ close: () => Promise.all([...processes].map((p) => p.stop('SIGKILL'))) });
  const start = async (app: AppName) => {
    const p = await startService({ app, env: envs[app], port: ports[app], timeoutMs: 120_000 });
    processes.add(p);
    return p;
  };
  const [pool, billing] = await Promise.all([start('model-pool'), start('billing')]);
  const gateway = await start('gateway');
  const engines = await Promise.all(Array.from({ length: extra.engines ?? 2 }, () => start('workflow-engine')));
  // the test's own connections live through the outages it makes: a pool reconnects, errors of idle ones are expected
  const pg = new Pool({ connectionString: databaseUrl, max: 4 });
  pg.on('error', () => undefined);
  started.push({ close: () => pg.end() });
  const redis = new Redis(servers.redis.url, { maxRetriesPerRequest: 3 });
  redis.on('error', () => undefined);
  started.push({ close: async () => redis.disconnect() });
  const created = await fetch(`${gateway.url}/v1/workflows`, {
    method: 'POST',
    headers: { authorization: `Bearer ${CHAOS_KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(TWO_LLM_WORKFLOW),
  });
  if (created.status !== 201) throw new Error(`could not create the workflow: ${created.status} ${await created.text()}`);
  const workflowId = ((await created.json()) as { id: string }).id;
  const shoal: ChaosShoal = {
    postgres: servers.postgres,
    redisServer: servers.redis,
    pg,
    redis,
    prefix,
    mock,
    gateway,
    engines,
    pool,
    billing,
    workflowId,
    async restart(s) {
      const app = s.name as AppName;
      await s.stop('SIGKILL');
      processes.delete(s);
      const next = await start(app);
      if (app === 'gateway') shoal.gateway = next;
      else if (app === 'model-pool') shoal.pool = next;
      else if (app === 'billing') shoal.billing = next;
      else shoal.engines[shoal.engines.indexOf(s)] = next;
      return next;
    },
    startEngine: () => start('workflow-engine'),
    async close() {
      // a scenario that failed mid-outage leaves a server stopped: the services stop cleanly only with both up
      if (servers.postgres.isDown()) await servers.postgres.start();
      if (servers.redis.isDown()) await servers.redis.start();
      await Promise.all([...processes].map((p) => p.stop('SIGTERM')));
      processes.clear();
      await mock.close();
      await pg.end();
      redis.disconnect();
      await servers.close();
    },
  };
  return shoal;
}
