#!/usr/bin/env node
// `node bench/ledger.mjs` (after `node .ci/build.mjs`; `npm run bench` runs it): the usage ledger.
//  (1) sustained ingest, events/s: usage entries written to the Redis usage log as fast as one
//      client can, billing (a real process, default config) batching them into Postgres, until
//      every one is in the ledger; against the old path in the same run: one transaction per
//      event (insert the row, move the rollup), 16 at a time, as billing's queue consumer did.
//  (2) emit-to-ledger lag at a steady 2,000 events/s: from the moment an entry is written to the
//      moment its row is committed (recorded_at − started_at, both on this machine's clock), p50
//      and p99, for both paths.
// Options: --events <n> (default 50000), --rate <n>/s (default 2000), --seconds <n> (default 10),
// --profile (write a CPU profile of billing under the temp dir), --write (put results in bench/README.md).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import pg from 'pg';
import { scorecard } from './support/scorecard.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { startService } = require(path.join(root, 'dist/libs/testing/src/index.js'));
const { RedisUsageLog } = require(path.join(root, 'dist/libs/platform/src/index.js'));
const { Redis } = require('ioredis');

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const EVENTS = arg('events', 50_000);
const RATE = arg('rate', 2_000);
const SECONDS = arg('seconds', 10);
const profile = process.argv.includes('--profile');
const writeReadme = process.argv.includes('--write');
const pgUrl = process.env.SHOAL_TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const redisUrl = process.env.SHOAL_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const stamp = Date.now().toString(36);
const dbName = `shoal_bench_ledger_${stamp}`;
const prefix = `shoalbench:ledger:${stamp}:`;
const withDb = (name) => Object.assign(new URL(pgUrl), { pathname: `/${name}` }).toString();

async function admin(sql) {
  const c = new pg.Client({ connectionString: pgUrl });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

let seq = 0;
/** a usage entry as model-pool writes it for one provider attempt, priced at the call site */
function usageEvent(run) {
  seq++;
  return {
    callId: `run_${run}:llm:${seq}`,
    attempt: 1,
    tenantId: `ten_bench_${seq % 50}`,
    apiKeyId: null,
    runId: `run_${run}`,
    nodeId: 'llm',
    deploymentId: 'dep_mock',
    provider: 'mock',
    model: seq % 3 ? 'mock-chat' : 'deepseek-chat',
    upstreamModel: 'mock-chat',
    priceOverride: null,
    stream: true,
    startedAt: new Date().toISOString(),
    promptTokens: 700,
    completionTokens: 600,
    cachedPromptTokens: 0,
    reasoningTokens: 0,
    cost: { input: '0.000189', output: '0.00066', total: '0.000849', currency: 'USD' },
    status: 'succeeded',
    estimated: false,
    latencyMs: 1200,
  };
}

// ---- the old path: one transaction per event, as IngestUsageService + UsageLedgerRepository.record did
async function recordOne(client, e) {
  await client.query('BEGIN');
  try {
    const ins = await client.query(
      `INSERT INTO usage_records (id, call_id, attempt, tenant_id, api_key_id, run_id, node_id, deployment_id, provider, model,
         upstream_model, prompt_tokens, completion_tokens, cached_prompt_tokens, reasoning_tokens, total_tokens, input_cost,
         output_cost, total_cost, currency, status, stream, latency_ms, started_at)
       VALUES ($1,$2,1,$3,$4,$5,$6,$7,$8,$9,$10,$11,$12,0,0,$13,$14,$15,$16,'USD',$17,$18,$19,$20)
       ON CONFLICT (call_id, attempt) DO NOTHING`,
      [
        `use_${e.callId}`,
        e.callId,
        e.tenantId,
        e.apiKeyId,
        e.runId,
        e.nodeId,
        e.deploymentId,
        e.provider,
        e.model,
        e.upstreamModel,
        e.promptTokens,
        e.completionTokens,
        e.promptTokens + e.completionTokens,
        e.cost.input,
        e.cost.output,
        e.cost.total,
        e.status,
        e.stream,
        e.latencyMs,
        e.startedAt,
      ],
    );
    if (ins.rowCount === 1)
      await client.query(
        `INSERT INTO usage_daily_rollups (tenant_id, day, model, currency, calls, prompt_tokens, completion_tokens, total_cost)
         VALUES ($1, ($2::timestamptz AT TIME ZONE 'UTC')::date, $3, 'USD', 1, $4, $5, $6)
         ON CONFLICT (tenant_id, day, model, currency) DO UPDATE SET calls = usage_daily_rollups.calls + 1,
           prompt_tokens = usage_daily_rollups.prompt_tokens + EXCLUDED.prompt_tokens,
           completion_tokens = usage_daily_rollups.completion_tokens + EXCLUDED.completion_tokens,
           total_cost = usage_daily_rollups.total_cost + EXCLUDED.total_cost`,
        [e.tenantId, e.startedAt, e.model, e.promptTokens, e.completionTokens, e.cost.total],
      );
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK');
    throw err;
  }
}

/** 16 workers taking events off an in-process queue (the old USAGE_CONCURRENCY), each its own connection */
function oldPathWorkers(source) {
  const workers = Array.from({ length: 16 }, async () => {
    const c = new pg.Client({ connectionString: withDb(dbName) });
    await c.connect();
    try {
      for (;;) {
        const e = await source.next();
        if (!e) return;
        await recordOne(c, e);
      }
    } finally {
      await c.end();
    }
  });
  return Promise.all(workers);
}

/** an unbounded in-process queue whose `next` waits for an item, or undefined once closed and empty */
function queue() {
  const items = [];
  const waiters = [];
  let closed = false;
  return {
    push(e) {
      const w = waiters.shift();
      if (w) w(e);
      else items.push(e);
    },
    close() {
      closed = true;
      for (const w of waiters.splice(0)) w(undefined);
    },
    next() {
      if (items.length) return Promise.resolve(items.shift());
      if (closed) return Promise.resolve(undefined);
      return new Promise((r) => waiters.push(r));
    },
  };
}

/** emits `total` events through `emit`, `rate` a second, in 10 ms slices */
async function paced(total, rate, emit) {
  const start = Date.now();
  let sent = 0;
  while (sent < total) {
    const due = Math.min(total, Math.floor(((Date.now() - start) / 1000) * rate));
    const batch = [];
    while (sent < due) {
      batch.push(emit());
      sent++;
    }
    await Promise.all(batch);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const db = new pg.Client({ connectionString: withDb(dbName) });
const countRun = async (run) => Number((await db.query('SELECT count(*) AS n FROM usage_records WHERE run_id = $1', [run])).rows[0].n);
async function waitForRows(run, n, guardMs = 300_000) {
  const until = Date.now() + guardMs;
  while ((await countRun(run)) < n) {
    if (Date.now() > until) throw new Error(`gave up waiting for ${n} rows of ${run}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
async function lagOf(run) {
  const r = await db.query(
    `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms) AS p50, percentile_cont(0.99) WITHIN GROUP (ORDER BY ms) AS p99, max(ms) AS max
     FROM (SELECT extract(epoch FROM recorded_at - started_at) * 1000 AS ms FROM usage_records WHERE run_id = $1) t`,
    [run],
  );
  return { p50: Number(r.rows[0].p50), p99: Number(r.rows[0].p99), max: Number(r.rows[0].max) };
}

let billing;
const redis = new Redis(redisUrl);
const log = new RedisUsageLog(redis, prefix);
const profileDir = profile ? mkdtempSync(path.join(tmpdir(), 'shoal-ledger-prof-')) : undefined;
try {
  await admin(`CREATE DATABASE "${dbName}"`);
  const m = spawnSync(process.execPath, ['prisma/migrate.mjs', 'deploy'], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: withDb(dbName) },
    stdio: 'ignore',
  });
  if (m.status !== 0) throw new Error('migration failed');
  await db.connect();

  // ---- (1) sustained ingest
  process.stdout.write(`(1) sustained ingest of ${EVENTS} events\n`);
  const oldEvents = Array.from({ length: EVENTS }, () => usageEvent('old_sustained'));
  const q = queue();
  let t0 = Date.now();
  for (const e of oldEvents) q.push(e);
  q.close();
  await oldPathWorkers(q);
  const oldSeconds = (Date.now() - t0) / 1000;
  process.stdout.write(`  old path: ${Math.round(EVENTS / oldSeconds)} events/s\n`);

  // the entries wait in the usage log (as after a billing outage); billing then drains them
  const newEvents = Array.from({ length: EVENTS }, () => usageEvent('new_sustained'));
  for (let i = 0; i < newEvents.length; i += 5000)
    await Promise.all(newEvents.slice(i, i + 5000).map((e) => log.complete(`${e.callId}#1`, JSON.stringify(e))));
  billing = await startService({
    app: 'billing',
    env: {
      DATABASE_URL: withDb(dbName),
      REDIS_URL: redisUrl,
      REDIS_PREFIX: prefix,
      SHOAL_INTERNAL_TOKEN: 'bench-internal-token-0123456789',
      LOG_LEVEL: 'warn',
      ...(process.env.USAGE_CONCURRENCY ? { USAGE_CONCURRENCY: process.env.USAGE_CONCURRENCY } : {}),
      ...(process.env.USAGE_BATCH_SIZE ? { USAGE_BATCH_SIZE: process.env.USAGE_BATCH_SIZE } : {}),
      ...(profileDir ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profileDir}` } : {}),
    },
  });
  await waitForRows('run_new_sustained', EVENTS);
  const doneAt = Date.now();
  // from billing's first commit to the moment every row was seen (so its start-up is not counted)
  const span = (
    await db.query(
      `SELECT extract(epoch FROM min(recorded_at)) * 1000 AS first, count(DISTINCT recorded_at)::int AS batches FROM usage_records WHERE run_id = 'run_new_sustained'`,
    )
  ).rows[0];
  const newSeconds = Math.max((doneAt - Number(span.first)) / 1000, 0.001);
  process.stdout.write(`  batched: ${Math.round(EVENTS / newSeconds)} events/s in ${span.batches} transactions\n`);

  // ---- (2) lag at a steady rate
  const lagEvents = RATE * SECONDS;
  process.stdout.write(`(2) ${lagEvents} events at ${RATE}/s\n`);
  const q2 = queue();
  const oldWorkers = oldPathWorkers(q2);
  await paced(lagEvents, RATE, async () => q2.push(usageEvent('old_lag')));
  q2.close();
  await oldWorkers;
  const oldLag = await lagOf('run_old_lag');
  await paced(lagEvents, RATE, () => {
    const e = usageEvent('new_lag');
    return log.complete(`${e.callId}#1`, JSON.stringify(e));
  });
  await waitForRows('run_new_lag', lagEvents);
  const newLag = await lagOf('run_new_lag');

  const sums = (
    await db.query(`SELECT (SELECT sum(calls) FROM usage_daily_rollups)::int AS rolled, (SELECT count(*) FROM usage_records)::int AS rows`)
  ).rows[0];
  if (sums.rolled !== sums.rows) throw new Error(`rollups count ${sums.rolled} calls, the ledger has ${sums.rows} rows`);

  const fmt = (n, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  // the batched path may lag more (billing lingers after a short batch, for fewer, larger ones)
  const lagRatio = (before, after) => (after <= before ? `${fmt(before / after, 1)}× less` : `${fmt(after / before, 1)}× more`);
  const oldRate = EVENTS / oldSeconds;
  const newRate = EVENTS / newSeconds;
  const table = [
    '| measured | old path: a transaction per event | batched: usage log → multi-row insert | ratio |',
    '| --- | ---: | ---: | ---: |',
    `| (1) sustained ingest, events/s (${fmt(EVENTS)} events) | ${fmt(oldRate)} | ${fmt(newRate)} | ${fmt(newRate / oldRate, 1)}× |`,
    `| (2) emit → ledger lag p50 at ${fmt(RATE)}/s, ms | ${fmt(oldLag.p50, 1)} | ${fmt(newLag.p50, 1)} | ${lagRatio(oldLag.p50, newLag.p50)} |`,
    `| (2) emit → ledger lag p99 at ${fmt(RATE)}/s, ms | ${fmt(oldLag.p99, 1)} | ${fmt(newLag.p99, 1)} | ${lagRatio(oldLag.p99, newLag.p99)} |`,
  ].join('\n');
  // issue 12's two rows for the ledger
  const card = scorecard(
    [
      {
        figure: 'ledger ingest, sustained',
        higher: true,
        target: 10_000,
        line: 3_000,
        targetText: '≥ 10,000 events/s',
        lineText: '3,000 events/s',
        unit: 'events/s',
        measured: [{ value: newRate }],
      },
      {
        figure: `emit-to-ledger lag p99 at ${fmt(RATE)} events/s`,
        higher: false,
        target: 1000,
        targetText: '≤ 1 s',
        unit: 'ms',
        measured: [{ value: newLag.p99 }],
      },
    ],
    (v, r) => `${fmt(v)} ${r.unit}`,
  ).join('\n');
  const when = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const machine = `${cpus().length} cores (${cpus()[0]?.model?.trim() ?? 'unknown cpu'}), Node ${process.version}`;
  const report = `Run ${when} UTC on ${machine}, Postgres and Redis on the same machine.\n\n${table}\n\nIssue 12's figures for the ledger, against this run:\n\n${card}\n\nThe old path here is only its database work (no BullMQ job per event, which cost it more: it ingested ~560 events/s in \`bench/run.mjs\`), so the ratios understate the change. The rollups equal the ledger (${fmt(sums.rows)} rows) after the run.\n`;
  process.stdout.write(`\n${report}\n`);
  if (writeReadme) {
    const readmePath = path.join(root, 'bench/README.md');
    const readme = readFileSync(readmePath, 'utf8');
    const start = readme.indexOf('<!-- ledger-results -->');
    const end = readme.indexOf('<!-- /ledger-results -->');
    if (start < 0 || end <= start) throw new Error('bench/README.md has no <!-- ledger-results --> section');
    writeFileSync(readmePath, `${readme.slice(0, start + '<!-- ledger-results -->'.length)}\n${report}\n${readme.slice(end)}`);
    process.stdout.write('results written into bench/README.md\n');
  }
} finally {
  await billing?.stop('SIGINT');
  if (profileDir)
    process.stdout.write(
      `billing CPU profile: ${
        readdirSync(profileDir)
          .map((f) => path.join(profileDir, f))
          .join(', ') || '(none written)'
      }\n`,
    );
  await db.end().catch(() => {});
  await log.close();
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
  await admin(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`).catch(() => {});
}
