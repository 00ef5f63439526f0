#!/usr/bin/env node
// Blocking workflow runs (start -> llm -> end against the mock provider): the most runs per second
// at N connections, and where a run's time goes. Used by bench/run.mjs section (c) for both
// topologies; alone, `node bench/runs.mjs` (after `node .ci/build.mjs`) starts only what runs need:
// the mock provider, billing, model-pool, gateway and workflow-engine (distributed), and standalone.
// Options: --duration <s> (default 10), --warmup <s> (default 10: the same load first, unmeasured),
// --connections <n> (default 32), --rounds <n> (default 1:
// both topologies measured in turn, n times), --profile (node --cpu-prof of gateway, workflow-engine,
// model-pool and standalone, summarised), --engine-concurrency <n> (both topologies' ENGINE_CONCURRENCY),
// --only distributed|standalone, --trace (every Postgres statement and Redis command of
// gateway and workflow-engine during one run, laid out on its timeline).
import autocannon from 'autocannon';
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdtempSync, readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { spawnUntil, stopChild } from './support/processes.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

export const benchGraph = {
  nodes: [
    { id: 'start', data: { type: 'start', variables: [{ variable: 'q', type: 'text-input', required: true }] } },
    { id: 'llm', data: { type: 'llm', model: { name: 'mock-chat' }, prompt_template: [{ role: 'user', text: '{{#start.q#}}' }] } },
    { id: 'end', data: { type: 'end', outputs: [{ variable: 'a', value_selector: ['llm', 'text'] }] } },
  ],
  edges: [
    { source: 'start', target: 'llm' },
    { source: 'llm', target: 'end' },
  ],
};
const runBody = JSON.stringify({ inputs: { q: 'benchmark me please' }, response_mode: 'blocking' });

export async function createBenchWorkflow(baseUrl, headers) {
  const res = await fetch(`${baseUrl}/v1/workflows`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ name: 'bench', graph: benchGraph }),
  });
  if (res.status !== 201 && res.status !== 200) throw new Error(`creating the bench workflow answered ${res.status} ${await res.text()}`);
  return (await res.json()).id;
}

/** CPU time (user + system) a process has used, in ms; NaN when it is gone. */
export function cpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return NaN;
  }
}

/** The Postgres backends serving `dbName` (their CPU is the database's work for the bench). */
export async function postgresBackends(pgUrl, dbName) {
  return Object.values(await postgresBackendsByClient(pgUrl, dbName)).flat();
}

/**
 * The same backends by the client that opened them (their application_name: `pg/<service>` when
 * the service's DATABASE_URL names it: bench runs set it per service), so a run's Postgres CPU can be split by who asked.
 */
export async function postgresBackendsByClient(pgUrl, dbName) {
  const c = new pg.Client({ connectionString: pgUrl });
  await c.connect();
  try {
    const rows = (await c.query('SELECT pid, application_name AS app FROM pg_stat_activity WHERE datname = $1', [dbName])).rows;
    const by = {};
    for (const r of rows) (by[r.app?.startsWith('pg/') ? r.app : 'pg/other'] ??= []).push(r.pid);
    return by;
  } finally {
    await c.end();
  }
}

/** redis-server's process (shared with whatever else uses it on this machine). */
export const redisPids = () =>
  (spawnSync('pgrep', ['-x', 'redis-server'], { encoding: 'utf8' }).stdout ?? '').split('\n').filter(Boolean).map(Number);

/**
 * The most blocking runs per second at `connections`, for `duration` seconds (after `warmup` seconds of the same load).
 * `processes()` names the processes whose CPU time per run is reported (read before and after);
 * `afterWarmup()` runs between the warm-up and the measurement.
 */
export async function blockingRuns({
  baseUrl,
  headers,
  workflowId,
  duration,
  warmup = 10,
  connections,
  processes = async () => ({}),
  afterWarmup = async () => {},
}) {
  const url = `${baseUrl}/v1/workflows/${workflowId}/runs`;
  const run = (d) =>
    new Promise((resolve, reject) => {
      const inst = autocannon({ url, method: 'POST', headers, body: runBody, connections, duration: d }, (err, r) =>
        err ? reject(err) : resolve(r),
      );
      autocannon.track(inst, { renderProgressBar: false, renderResultsTable: false, renderLatencyTable: false });
    });
  await run(warmup);
  await afterWarmup();
  const pids = await processes();
  const before = new Map(
    Object.values(pids)
      .flat()
      .map((p) => [p, cpuMs(p)]),
  );
  const r = await run(duration);
  // a process gone meanwhile (a pooled Postgres connection closed) counts for nothing
  const used = (p) => {
    const d = cpuMs(p) - before.get(p);
    return Number.isFinite(d) ? d : 0;
  };
  const cpu = Object.fromEntries(
    Object.entries(pids).map(([n, ps]) => [n, ps.reduce((a, p) => a + used(p), 0) / Math.max(1, r.requests.total)]),
  );
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx, cpu };
}

const ms = (iso) => (iso ? Date.parse(iso) : NaN);
const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
};

/** workflow_finished's timestamp: when the engine appended it (replayed from the run's stored events). */
async function finishedEventAt(baseUrl, headers, runId) {
  const res = await fetch(`${baseUrl}/v1/runs/${runId}/events`, { headers, signal: AbortSignal.timeout(10_000) });
  const text = await res.text();
  for (const block of text.split('\n\n')) {
    const data = block.split('\n').find((l) => l.startsWith('data: '));
    if (!data) continue;
    const e = JSON.parse(data.slice(6));
    if (e.event === 'workflow_finished') return e.timestamp;
  }
  return NaN;
}

/** One run's phases in ms, from the run as stored (the gateway's clock and the engine's: one machine). */
async function phasesOf(baseUrl, headers, runId, sentAt, answeredAt) {
  const run = await fetch(`${baseUrl}/v1/runs/${runId}`, { headers }).then((r) => r.json());
  const nodes = new Map(run.node_executions.map((n) => [n.node_id, n]));
  const finishedEvent = await finishedEventAt(baseUrl, headers, runId);
  const t = {
    sent: sentAt,
    created: ms(run.created_at),
    claimed: ms(run.started_at),
    startBegan: ms(nodes.get('start')?.started_at),
    llmBegan: ms(nodes.get('llm')?.started_at),
    llmEnded: ms(nodes.get('llm')?.finished_at),
    endEnded: ms(nodes.get('end')?.finished_at),
    finished: ms(run.finished_at),
    announced: finishedEvent,
    answered: answeredAt,
  };
  return {
    'request → run row written': t.created - t.sent,
    'row → claimed by a worker': t.claimed - t.created,
    'claimed → start node began': t.startBegan - t.claimed,
    'start node began → llm began': t.llmBegan - t.startBegan,
    'llm node (model-pool → mock)': t.llmEnded - t.llmBegan,
    'llm ended → end node ended': t.endEnded - t.llmEnded,
    'end node → run row finished': t.finished - t.endEnded,
    'row finished → workflow_finished appended': t.announced - t.finished,
    'workflow_finished → answer received': t.answered - t.announced,
    total: t.answered - t.sent,
  };
}

/**
 * Where one run's time goes: `n` blocking runs one after another, each's phases from its stored
 * timestamps, the median of each phase. Timestamps are stored at millisecond precision, so
 * phases under ~1 ms read as 0 or 1.
 */
export async function runTimeline({ baseUrl, headers, workflowId, n = 9, onRun }) {
  const all = [];
  for (let i = 0; i < n; i++) {
    const sent = Date.now();
    const res = await fetch(`${baseUrl}/v1/workflows/${workflowId}/runs`, { method: 'POST', headers, body: runBody });
    const body = await res.json();
    const answered = Date.now();
    if (res.status !== 200 || body.status !== 'succeeded') throw new Error(`a timeline run answered ${res.status} ${JSON.stringify(body)}`);
    onRun?.(body.id, sent, answered);
    all.push(await phasesOf(baseUrl, headers, body.id, sent, answered));
  }
  return Object.fromEntries(Object.keys(all[0]).map((k) => [k, median(all.map((p) => p[k]))]));
}

/** model-pool's deployments file in `dir`: mock-chat on the mock provider at `mockUrl`; its path. */
export function writeMockPoolConfig(dir, mockUrl) {
  const file = path.join(dir, 'pool.json');
  const deployment = {
    id: 'dep_mock',
    model: 'mock-chat',
    provider: 'openai-compatible',
    baseUrl: mockUrl,
    apiKey: 'mock',
    upstreamModel: 'mock-chat',
    weight: 1,
  };
  writeFileSync(file, JSON.stringify({ deployments: [deployment] }));
  return file;
}

export const fmt = (n, d = 0) =>
  Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }) : '—';

/** CPU ms per run by process, and their sum; `pg/<client>` entries (a split of postgres) after it, not summed. */
export function cpuLine(cpu) {
  const all = Object.entries(cpu);
  const parts = all.filter(([n]) => !n.startsWith('pg/'));
  const split = all.filter(([n]) => n.startsWith('pg/'));
  const total = parts.reduce((a, [, b]) => a + (Number.isFinite(b) ? b : 0), 0);
  const line = `CPU ms per run: ${parts.map(([n, v]) => `${n} ${fmt(v, 2)}`).join(', ')} (sum ${fmt(total, 2)})`;
  return split.length ? `${line}; postgres by client: ${split.map(([n, v]) => `${n.slice(3)} ${fmt(v, 2)}`).join(', ')}` : line;
}

export function timelineLine(timeline) {
  return Object.entries(timeline)
    .map(([k, v]) => `${k} ${fmt(v)}`)
    .join(' · ');
}

// ---------------------------------------------------------------------------------------------
// Alone: start what runs need, measure both topologies, optionally profile and trace.
// ---------------------------------------------------------------------------------------------
async function main() {
  const { startService, freePort } = require(path.join(root, 'dist/libs/testing/src/index.js'));
  const { summarizeProfile } = await import('./profile-summary.mjs');
  const arg = (name, def) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? Number(process.argv[i + 1]) : def;
  };
  const duration = arg('duration', 10);
  const warmup = arg('warmup', 10);
  const connections = arg('connections', 32);
  const rounds = arg('rounds', 1);
  const profile = process.argv.includes('--profile');
  const trace = process.argv.includes('--trace');
  const concurrency = arg('engine-concurrency', 0); // 0: each topology's default
  const onlyAt = process.argv.indexOf('--only');
  const only = onlyAt > 0 ? process.argv[onlyAt + 1] : undefined;
  const engineEnv = concurrency ? { ENGINE_CONCURRENCY: String(concurrency) } : {};
  const pgUrl = process.env.SHOAL_TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  const redisUrl = process.env.SHOAL_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
  const key = 'sk-shoal-bench-key-0123456789abcdef';
  const stamp = Date.now().toString(36);
  const dbName = `shoal_benchruns_${stamp}`;
  const prefix = `shoalbenchruns:${stamp}:`;
  const work = mkdtempSync(path.join(tmpdir(), 'shoal-bench-runs-'));
  const profileDir = path.join(work, 'profiles');
  const traceFile = path.join(work, 'trace.jsonl');
  const withDb = (name) => {
    const u = new URL(pgUrl);
    u.pathname = `/${name}`;
    return u.toString();
  };
  const admin = async (sql) => {
    const c = new pg.Client({ connectionString: pgUrl });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  const sleep = (t) => new Promise((r) => setTimeout(r, t));
  // every child's output also goes to <work>/<name>.log
  const startChild = async (name, args, env, ready) =>
    (await spawnUntil(name, args, env, ready, { cwd: root, onOutput: (d) => appendFileSync(path.join(work, `${name}.log`), d) })).child;
  const instrumented = (app) => {
    const env = {};
    const node = [];
    if (profile) node.push('--cpu-prof', `--cpu-prof-dir=${profileDir}/${app}`);
    if (trace && app !== 'model-pool') Object.assign(env, { BENCH_TRACE_FILE: traceFile, BENCH_TRACE_NAME: app });
    if (!node.length && !env.BENCH_TRACE_FILE) return { env: {} };
    return {
      entry: path.join(root, env.BENCH_TRACE_FILE ? 'bench/trace-entry.cjs' : 'bench/profiled-entry.cjs'),
      env: {
        ...env,
        BENCH_ENTRY: path.join(root, `dist/apps/${app}/src/main.js`),
        ...(node.length ? { NODE_OPTIONS: node.join(' ') } : {}),
      },
    };
  };

  const children = [];
  const services = [];
  try {
    await admin(`CREATE DATABASE "${dbName}"`);
    const m = spawnSync(process.execPath, ['prisma/migrate.mjs', 'deploy'], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: withDb(dbName) },
      stdio: 'ignore',
    });
    if (m.status !== 0) throw new Error('migration failed');
    const mockPort = await freePort();
    children.push(
      await startChild(
        'mock provider',
        [path.join(root, 'dist/libs/mock-provider/src/mock-provider.main.js')],
        { MOCK_PROVIDER_PORT: String(mockPort), MOCK_PROVIDER_HOST: '127.0.0.1' },
        /serving mock-chat/,
      ),
    );
    const mockUrl = `http://127.0.0.1:${mockPort}/v1`;
    const poolConfig = writeMockPoolConfig(work, mockUrl);
    const common = {
      REDIS_URL: redisUrl,
      REDIS_PREFIX: prefix,
      SHOAL_INTERNAL_TOKEN: 'bench-internal-token-0123456789',
      LOG_LEVEL: 'warn',
      DATABASE_URL: withDb(dbName),
    };
    const start = async (app, env) => {
      const i = instrumented(app);
      // the service's Postgres connections carry its name, for the split of Postgres' CPU by client
      const u = new URL(common.DATABASE_URL);
      u.searchParams.set('application_name', `pg/${app}`);
      const db = { DATABASE_URL: u.toString() };
      const s = await startService({ app, ...(i.entry ? { entry: i.entry } : {}), env: { ...common, ...db, ...env, ...i.env } });
      services.push(s);
      return s;
    };
    const billing = await start('billing', {});
    const pool = await start('model-pool', { MODEL_POOL_CONFIG: poolConfig });
    const gateway = await start('gateway', { MODEL_POOL_URL: pool.url, BILLING_URL: billing.url, SHOAL_BOOTSTRAP_KEY: key });
    const engine = await start('workflow-engine', { MODEL_POOL_URL: pool.url, ...engineEnv });

    const standalonePort = await freePort();
    const standaloneMain = path.join(root, 'dist/apps/standalone/src/main.js');
    const standaloneArgs = [
      ...(profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}/standalone`] : []),
      '--enable-source-maps',
      trace ? path.join(root, 'bench/trace-entry.cjs') : standaloneMain,
    ];
    const standalone = await startChild(
      'standalone',
      standaloneArgs,
      {
        PORT: String(standalonePort),
        SHOAL_DATA_DIR: path.join(work, 'standalone'),
        SHOAL_BOOTSTRAP_KEY: key,
        SHOAL_MOCK_PROVIDER_URL: mockUrl,
        LOG_LEVEL: 'warn',
        ...engineEnv,
        ...(trace ? { BENCH_ENTRY: standaloneMain, BENCH_TRACE_FILE: traceFile, BENCH_TRACE_NAME: 'standalone' } : {}),
      },
      new RegExp(`http://127\\.0\\.0\\.1:${standalonePort}`),
    );
    children.push(standalone);

    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    // CPU per run: Shoal's processes, the mock, the load generator (this process), Postgres' backends
    // serving the bench database and Redis (shared with whatever else runs on the machine)
    const outside = { mock: [children[0].pid], 'load generator': [process.pid] };
    const targets = [
      {
        name: 'distributed',
        baseUrl: gateway.url,
        processes: async () => ({
          gateway: [gateway.child.pid],
          'workflow-engine': [engine.child.pid],
          'model-pool': [pool.child.pid],
          billing: [billing.child.pid],
          postgres: await postgresBackends(pgUrl, dbName),
          ...(await postgresBackendsByClient(pgUrl, dbName)),
          redis: redisPids(),
          ...outside,
        }),
      },
      {
        name: 'standalone',
        baseUrl: `http://127.0.0.1:${standalonePort}`,
        processes: async () => ({ standalone: [standalone.pid], ...outside }),
      },
    ];
    if (only) targets.splice(0, targets.length, ...targets.filter((t) => t.name === only));
    for (const t of targets) t.workflowId = await createBenchWorkflow(t.baseUrl, headers);

    // A server with autovacuum off (this machine's is) never prunes the rows and index entries
    // the runs leave dead, so each round would measure a more bloated database than the last:
    // before every round after the first, the bench does what autovacuum would have done meanwhile.
    // The first round's database is new: after its warm-up it is analyzed, as a database in use has
    // statistics (without them the planner guesses every table holds a row or two).
    const bench = new pg.Client({ connectionString: withDb(dbName) });
    await bench.connect();
    const noAutovacuum = (await bench.query('SHOW autovacuum')).rows[0].autovacuum === 'off';
    if (noAutovacuum)
      process.stdout.write(
        '(this Postgres runs with autovacuum off: the bench database is analyzed after the first warm-up and vacuumed between rounds)\n',
      );
    const results = [];
    for (let r = 0; r < rounds; r++)
      for (const t of targets) {
        if (noAutovacuum && r > 0 && t.name === 'distributed') await bench.query('VACUUM (ANALYZE)');
        const analyze = noAutovacuum && r === 0 && t.name === 'distributed';
        const s = await blockingRuns({
          ...t,
          headers,
          duration,
          warmup,
          connections,
          afterWarmup: analyze ? () => bench.query('ANALYZE') : undefined,
        });
        results.push({ name: t.name, ...s });
        process.stdout.write(
          `${t.name}: ${fmt(s.rps)} runs/s, p50 ${fmt(s.p50)} ms, p99 ${fmt(s.p99)} ms, ${s.errors} errors; ${cpuLine(s.cpu)}\n`,
        );
      }

    await bench.end();
    const timelines = {};
    const traced = {};
    for (const t of targets) {
      timelines[t.name] = await runTimeline({ ...t, headers, onRun: (id, sent, answered) => (traced[t.name] = { id, sent, answered }) });
    }

    const machine = `${cpus().length} cores, Node ${process.version}`;
    const lines = [`Blocking runs of start → llm → end, ${duration}s at ${connections} connections, ${machine}:`, ''];
    for (const x of results)
      lines.push(`- ${x.name}: ${fmt(x.rps)} runs/s, p50 ${fmt(x.p50)} ms, p99 ${fmt(x.p99)} ms, ${x.errors} errors; ${cpuLine(x.cpu)}`);
    lines.push('', 'One run at a time (median of 9), ms:');
    for (const [n, tl] of Object.entries(timelines)) lines.push(`- ${n}: ${timelineLine(tl)}`);

    if (trace) {
      await sleep(500); // the last trace lines are flushed every 200 ms
      const all = readFileSync(traceFile, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l));
      for (const [name, run] of Object.entries(traced)) {
        const spans = all.filter((s) => s.e >= run.sent && s.s <= run.answered).sort((a, b) => a.s - b.s);
        lines.push('', `Trace of the last ${name} run (${run.id}), ms from the request; [start, end] per statement or command:`);
        for (const s of spans)
          lines.push(
            `  ${fmt(s.s - run.sent, 1).padStart(7)} ${fmt(s.e - run.sent, 1).padStart(7)}  ${s.p.padEnd(15)} ${s.k.padEnd(5)} ${s.w}`,
          );
        lines.push(`  ${fmt(run.answered - run.sent, 1).padStart(7)}          answer received`);
        const counts = new Map();
        for (const s of spans) counts.set(`${s.p} ${s.k}`, (counts.get(`${s.p} ${s.k}`) ?? 0) + 1);
        lines.push(`  statements and commands: ${[...counts].map(([k, n]) => `${k} ${n}`).join(', ')}`);
      }
    }

    if (profile) {
      for (const s of services) if (s.child.exitCode === null) s.child.kill('SIGUSR2');
      await stopChild(standalone);
      await sleep(3000);
      lines.push('', 'CPU profiles (whole run; self time by owner):');
      for (const dir of ['gateway', 'workflow-engine', 'model-pool', 'standalone']) {
        const d = path.join(profileDir, dir);
        const files = existsSync(d) ? readdirSync(d).filter((f) => f.endsWith('.cpuprofile')) : [];
        if (!files.length) {
          lines.push(`- ${dir}: no profile written`);
          continue;
        }
        const s = summarizeProfile(path.join(d, files[0]), 12);
        lines.push(`- ${dir}: idle ${s.idle}, GC ${s.gc}; ${s.top.join(', ')}`);
      }
      lines.push(`(profiles in ${profileDir})`);
    }
    process.stdout.write(`\n${lines.join('\n')}\n(logs of the processes it spawned in ${work})\n`);
  } finally {
    for (const s of services.reverse()) await s.stop().catch(() => {});
    for (const c of children.reverse()) await stopChild(c);
    await admin(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`).catch(() => {});
    const { Redis } = require('ioredis');
    const r = new Redis(redisUrl);
    const keys = await r.keys(`${prefix}*`);
    if (keys.length) await r.del(...keys);
    await r.quit();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
