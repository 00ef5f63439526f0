#!/usr/bin/env node
// `npm run bench`: Shoal's first baseline, measured side by side in one run on this machine.
//  (a) POST /v1/chat/completions through gateway -> model-pool -> mock provider, against the mock
//      provider called directly (the cost of Shoal's two hops, auth, routing and metering);
//  (b) blocking runs per second of a start -> llm -> end workflow, distributed mode (four processes,
//      Postgres, Redis, BullMQ), against the same chat call through the gateway.
// Then it runs bench/ledger.mjs (the usage ledger: batched ingest and lag against the old path).
// Prints a table with ratios and saves it in a file under the system's temp directory; with
// --write it replaces the results in bench/README.md instead (a tracked file: only when asked).
// Options: --duration <s> (default 10), --connections <n> (default 32), --write.
import autocannon from 'autocannon';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import pg from 'pg';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { startMockProvider, startService } = require(path.join(root, 'dist/libs/testing/src/index.js'));

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const duration = arg('duration', 10);
const connections = arg('connections', 32);
const writeReadme = process.argv.includes('--write');
const pgUrl = process.env.SHOAL_TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const redisUrl = process.env.SHOAL_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const key = 'sk-shoal-bench-key-0123456789abcdef';
const token = 'bench-internal-token-0123456789';
const dbName = `shoal_bench_${Date.now().toString(36)}`;
const prefix = `shoalbench:${Date.now().toString(36)}:`;

async function admin(sql) {
  const c = new pg.Client({ connectionString: pgUrl });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}
const withDb = (name) => {
  const u = new URL(pgUrl);
  u.pathname = `/${name}`;
  return u.toString();
};

function load(opts) {
  return new Promise((resolve, reject) => {
    const inst = autocannon({ connections, duration, ...opts }, (err, res) => (err ? reject(err) : resolve(res)));
    autocannon.track(inst, { renderProgressBar: false, renderResultsTable: false, renderLatencyTable: false });
  });
}
const summary = (r) => ({
  rps: r.requests.average,
  p50: r.latency.p50,
  p99: r.latency.p99,
  errors: r.errors + r.non2xx,
  total: r.requests.total,
});

const chatBody = JSON.stringify({ model: 'mock-chat', messages: [{ role: 'user', content: 'benchmark me please' }] });
const services = [];
let mock;
try {
  await admin(`CREATE DATABASE "${dbName}"`);
  const m = spawnSync(process.execPath, ['prisma/migrate.mjs', 'deploy'], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: withDb(dbName) },
    stdio: 'ignore',
  });
  if (m.status !== 0) throw new Error('migration failed');
  mock = await startMockProvider();
  const dir = mkdtempSync(path.join(tmpdir(), 'shoal-bench-'));
  const poolConfig = path.join(dir, 'pool.json');
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
  const common = { REDIS_URL: redisUrl, REDIS_PREFIX: prefix, SHOAL_INTERNAL_TOKEN: token, LOG_LEVEL: 'warn' };
  const [pool, billing] = await Promise.all([
    startService({ app: 'model-pool', env: { ...common, MODEL_POOL_CONFIG: poolConfig } }),
    startService({ app: 'billing', env: { ...common, DATABASE_URL: withDb(dbName) } }),
  ]);
  const urls = { MODEL_POOL_URL: pool.url, BILLING_URL: billing.url, DATABASE_URL: withDb(dbName) }; // BILLING_URL: the gateway's
  const [engine, gateway] = await Promise.all([
    startService({ app: 'workflow-engine', env: { ...common, ...urls } }),
    startService({ app: 'gateway', env: { ...common, ...urls, SHOAL_BOOTSTRAP_KEY: key } }),
  ]);
  services.push(pool, billing, engine, gateway);

  const wf = await fetch(`${gateway.url}/v1/workflows`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      name: 'bench',
      graph: {
        nodes: [
          { id: 'start', data: { type: 'start', variables: [{ variable: 'q', type: 'text-input', required: true }] } },
          { id: 'llm', data: { type: 'llm', model: { name: 'mock-chat' }, prompt_template: [{ role: 'user', text: '{{#start.q#}}' }] } },
          { id: 'end', data: { type: 'end', outputs: [{ variable: 'a', value_selector: ['llm', 'text'] }] } },
        ],
        edges: [
          { source: 'start', target: 'llm' },
          { source: 'llm', target: 'end' },
        ],
      },
    }),
  }).then((r) => r.json());

  const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const warm = { duration: 2 };
  process.stdout.write(`(a) chat completions, ${duration}s each, ${connections} connections\n`);
  await load({ url: `${mock.url}/chat/completions`, method: 'POST', headers, body: chatBody, ...warm });
  const direct = summary(await load({ url: `${mock.url}/chat/completions`, method: 'POST', headers, body: chatBody }));
  await new Promise((r) => setTimeout(r, 1000)); // requests autocannon cut off at the end still reach the mock
  const directCalls = mock.calls(); // every provider call after this one goes through Shoal and is metered
  await load({ url: `${gateway.url}/v1/chat/completions`, method: 'POST', headers, body: chatBody, ...warm });
  const viaShoal = summary(await load({ url: `${gateway.url}/v1/chat/completions`, method: 'POST', headers, body: chatBody }));

  // (a) left a backlog of usage events in billing's queue; let it drain so (b) is measured on its
  // own, and report how fast billing ingested it
  const ledger = new pg.Client({ connectionString: withDb(dbName) });
  await ledger.connect();
  const count = async () => Number((await ledger.query('SELECT count(*) AS n FROM usage_records')).rows[0].n);
  const drainStart = Date.now();
  const metered = mock.calls() - directCalls;
  const backlogAtEnd = metered - (await count());
  let recorded = await count();
  while (recorded < metered && Date.now() - drainStart < 120_000) {
    await new Promise((r) => setTimeout(r, 200));
    recorded = await count();
    if (process.env.BENCH_DEBUG) process.stdout.write(`  ledger ${recorded} / metered ${metered} / mock ${mock.calls()}\n`);
  }
  const drainSeconds = (Date.now() - drainStart) / 1000;
  await ledger.end();
  process.stdout.write(`usage backlog after (a): ${backlogAtEnd} events, drained in ${drainSeconds.toFixed(1)} s\n`);
  process.stdout.write(`(b) blocking workflow runs, ${duration}s, ${connections} connections\n`);
  const runs = summary(
    await load({
      url: `${gateway.url}/v1/workflows/${wf.id}/runs`,
      method: 'POST',
      headers,
      body: JSON.stringify({ inputs: { q: 'benchmark me please' }, response_mode: 'blocking' }),
    }),
  );

  const fmt = (n, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  const row = (name, s, base) =>
    `| ${name} | ${fmt(s.rps)} | ${fmt(s.p50, 1)} | ${fmt(s.p99, 1)} | ${s.errors} | ${base ? `${fmt(s.rps / base.rps, 2)}× rps, +${fmt(s.p50 - base.p50, 1)} ms p50` : 'baseline'} |`;
  const table = [
    `| measured | req/s | p50 ms | p99 ms | errors | vs baseline |`,
    `| --- | ---: | ---: | ---: | ---: | --- |`,
    row('(a) mock provider directly', direct),
    row('(a) via Shoal: gateway → model-pool → mock', viaShoal, direct),
    row('(b) blocking run start → llm → end (distributed)', runs, viaShoal),
  ].join('\n');
  const when = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const machine = `${cpus().length} cores (${cpus()[0]?.model?.trim() ?? 'unknown cpu'}), Node ${process.version}`;
  const report = `Run ${when} UTC on ${machine}; ${duration}s per measurement, ${connections} connections, load generator (autocannon) on the same machine.\n\n${table}\n\n(b)'s baseline is the chat call through Shoal: a run is that call plus the queue, the engine, three checkpoints and the ledger.\n\nBilling behind (a): when (a) ended, ${backlogAtEnd} of its ${metered} usage events were still queued; billing took ${drainSeconds.toFixed(1)} s more to record them (${Math.round(backlogAtEnd / Math.max(drainSeconds, 0.1))} events/s once the load stopped) (billing writes the ledger in batches from the usage log: see bench/ledger.mjs). (b) starts after the backlog is gone, so it is measured on its own; a run no longer waits for billing.\n`;
  process.stdout.write(`\n${report}\n`);

  if (writeReadme) {
    const readmePath = path.join(root, 'bench/README.md');
    const readme = readFileSync(readmePath, 'utf8');
    const start = readme.indexOf('<!-- results -->');
    const end = readme.indexOf('<!-- /results -->');
    if (start < 0 || end <= start) throw new Error('bench/README.md has no <!-- results --> ... <!-- /results --> section');
    writeFileSync(readmePath, `${readme.slice(0, start + '<!-- results -->'.length)}\n${report}\n${readme.slice(end)}`);
    process.stdout.write('results written into bench/README.md\n');
  } else {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'shoal-bench-')), 'results.md');
    writeFileSync(file, report);
    process.stdout.write(`results saved in ${file} (run with --write to put them into bench/README.md)\n`);
  }
} finally {
  for (const s of services.reverse()) await s.stop();
  await mock?.close();
  await admin(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`).catch(() => {});
  const { Redis } = require('ioredis');
  const r = new Redis(redisUrl);
  const keys = await r.keys(`${prefix}*`);
  if (keys.length) await r.del(...keys);
  await r.quit();
}

// the usage ledger's own benchmark, after this one's services are gone
const ledger = spawnSync(process.execPath, [path.join(root, 'bench/ledger.mjs'), ...(writeReadme ? ['--write'] : [])], {
  stdio: 'inherit',
});
if (ledger.status !== 0) process.exitCode = 1;
