#!/usr/bin/env node
// `npm run bench`: Shoal's chat path against Portkey's OSS gateway, measured side by side in one
// run on this machine, each against the mock provider called directly.
//  (a) POST /v1/chat/completions, JSON answers: the most requests per second each one serves;
//      latency added over the direct call at a steady 500 req/s (evenly spaced requests); time to the first streamed byte
//      added over the direct call. Shoal distributed is model-pool's public route (what the edge
//      sends a chat to: one Shoal process between client and provider); standalone is one process.
//  (b) idle memory of each process, and standalone's start to ready (fresh data dir, then restart);
//  (c) blocking runs of a start -> llm -> end workflow, distributed and standalone (bench/runs.mjs):
//      runs/s, CPU per run of each process, and one run's timeline.
// The mock provider is a plain Node HTTP server in its own process; autocannon is the load
// generator for everyone. Prints a table with ratios and saves it under the system's temp
// directory; with --write it replaces the results in bench/README.md instead.
// Options: --duration <s> (default 10), --warmup <s> (default 10: each target under the same load
// first, unmeasured), --connections <n> (default 32), --write,
// --profile (CPU profiles of model-pool, gateway and standalone under load, summarised),
// --chat-only (only (a) and (b), no ledger benchmark).
// Then it runs bench/ledger.mjs (the usage ledger: batched ingest and lag against the old path).
import autocannon from 'autocannon';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import pg from 'pg';
import { Agent, Pool, request } from 'undici';
import { summarizeProfile } from './profile-summary.mjs';
import { cpuSeconds, machineBusySeconds, pidsNamed, spawnUntil, stopChild } from './support/processes.mjs';
import { scorecard } from './support/scorecard.mjs';
import { portkeyChatHeaders, portkeyProcess } from './support/portkey.mjs';
import {
  blockingRuns,
  cpuLine,
  createBenchWorkflow,
  postgresBackends,
  redisPids,
  runTimeline,
  timelineLine,
  writeMockPoolConfig,
} from './runs.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { startService, freePort } = require(path.join(root, 'dist/libs/testing/src/index.js'));

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const duration = arg('duration', 10);
// every target is loaded this long before it is measured: a Node process reaches its steady cost per
// request only after V8 has optimized its hot code (and PGlite's WebAssembly tiered up), which takes
// 10-20 s of load here (bench/README.md, "Warm-up"), Portkey's as much as Shoal's
const warmup = arg('warmup', 10);
const connections = arg('connections', 32);
// the chat paths' most req/s is measured in rounds, each measuring every path in turn (the order
// rotated): this machine's speed moves by up to 2x within minutes, and a ratio of two paths measured
// in the same round, a minute apart at most, is far steadier than one of two windows further apart
const rounds = Math.max(1, arg('rounds', 3));
/** The middle of `sorted` (the lower of the two middles when even). */
const middle = (sorted) => sorted[(sorted.length - 1) >> 1];
const writeReadme = process.argv.includes('--write');
const profile = process.argv.includes('--profile');
// only (a) and (b): no workflow runs, no ledger benchmark (a quicker loop while working on the chat path)
const chatOnly = process.argv.includes('--chat-only');
const pgUrl = process.env.SHOAL_TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const redisUrl = process.env.SHOAL_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const key = 'sk-shoal-bench-key-0123456789abcdef';
const token = 'bench-internal-token-0123456789';
const dbName = `shoal_bench_${Date.now().toString(36)}`;
const prefix = `shoalbench:${Date.now().toString(36)}:`;
// Shoal's processes run with the Node flags its image runs them with (the Dockerfile's ENTRYPOINT,
// the one place they are set); BENCH_NODE_ARGS="..." tries others
const nodeArgs =
  process.env.BENCH_NODE_ARGS !== undefined
    ? process.env.BENCH_NODE_ARGS.split(' ').filter(Boolean)
    : JSON.parse(/^ENTRYPOINT (\[.*\])$/m.exec(readFileSync(path.join(root, 'deploy/docker/Dockerfile'), 'utf8'))[1]).slice(1);
const work = mkdtempSync(path.join(tmpdir(), 'shoal-bench-'));
const profileDir = path.join(work, 'profiles');

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
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const rssMb = (pid) => {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
};

/**
 * What 3× Portkey's req/s would ask of these cores, from this run's own figures: the mock provider
 * and the load generator at their cheapest cost per request (measured beside the floor, at the
 * highest rate), each Shoal topology's companions (billing, Redis, Postgres) at their cost per
 * request in its own row, and what is then left for the process that serves the path: for
 * standalone one process, whose JavaScript runs on one thread (about one core: the floor's process
 * used ~1 at its most); for distributed, model-pool replicas, as many as the cores left allow.
 */
function machineBudget({ targets, max, cpu, portkey, floor, cores, fmt }) {
  const rate = 3 * max[portkey].rps;
  const perRequest = (row, proc) => cpu[row][proc] / max[row].rps; // seconds of CPU per request
  const given = ['mock provider', 'load generator'];
  const givenCores = given.reduce((a, p) => a + rate * perRequest(floor.name, p), 0);
  const floorMs = 1000 * perRequest(floor.name, floor.own[0]);
  const lines = [
    `What 3× Portkey (${fmt(rate)} req/s) asks of these ${cores} cores, from this run's figures: the mock provider and the load generator, at their cheapest cost per request (beside the floor), need ${fmt(givenCores, 2)} cores.`,
  ];
  for (const t of targets.slice(2, 4)) {
    const [serving, ...companions] = t.own;
    const companionCores = companions.reduce((a, p) => a + rate * perRequest(t.name, p), 0);
    const left = cores - givenCores - companionCores;
    // standalone is one process (its JavaScript one thread); distributed could run more model-pool replicas
    const oneProcess = companions.length === 0;
    const allowed = (1000 * (oneProcess ? Math.min(left, 1) : left)) / rate;
    const spent = 1000 * perRequest(t.name, serving);
    const head = companions.length
      ? `${t.name.split(':')[0]}: its companions (${companions.join(', ')}) at their cost per request here need ${fmt(companionCores, 2)} cores, which leaves ${fmt(left, 2)}`
      : `${t.name.split(':')[0]}: ${fmt(left, 2)} cores are left`;
    // one process: were its work spread over every core left (more threads), the cores would bound it, not its thread
    const spread = (1000 * left) / rate;
    const verdict =
      allowed < floorMs
        ? `less than the floor spends (${fmt(floorMs, 3)} ms): no Node process could serve this topology at 3× Portkey beside these companions on this machine`
        : `the floor spends ${fmt(floorMs, 3)} ms; ${serving} spent ${fmt(spent, 3)} ms, ${fmt(spent / allowed, 2)}× what 3× allows` +
          (oneProcess
            ? ` (spread over all ${fmt(left, 2)} cores left, its work could cost ${fmt(spread, 3)} ms per request: ${spent > spread ? `it costs ${fmt(spent / spread, 2)}× that, so no arrangement of its threads would reach 3× here` : `${fmt(spread / spent, 2)}× what it costs, so more threads could`})`
            : '');
    lines.push(
      `- ${head}; ${serving} could spend at most ${fmt(allowed, 3)} ms of CPU per request${oneProcess ? ' (one thread)' : ', replicas included'}, ${verdict}.`,
    );
  }
  return lines;
}

/**
 * Runs `fn` and says how many cores each process used meanwhile: the load generator (this process:
 * autocannon runs in it), the given children, Redis and Postgres, and the machine as a whole.
 */
async function withCpu(procs, fn) {
  const groups = { ...procs, redis: () => pidsNamed('redis-server'), postgres: () => pidsNamed('postgres') };
  const pidsOf = (g) => (typeof g === 'function' ? g() : g);
  // per process: one that starts meanwhile (a Postgres backend) counts from 0, one that exits is left out
  const before = new Map(Object.values(groups).flatMap((g) => pidsOf(g).map((pid) => [pid, cpuSeconds(pid)])));
  const used = (g) => pidsOf(g).reduce((a, pid) => a + Math.max(0, cpuSeconds(pid) - (before.get(pid) ?? 0)), 0);
  const self0 = process.cpuUsage();
  const machine0 = machineBusySeconds();
  const t0 = performance.now();
  const result = await fn();
  const secs = (performance.now() - t0) / 1000;
  const self = process.cpuUsage(self0);
  const cores = { 'load generator': (self.user + self.system) / 1e6 / secs };
  for (const [n, g] of Object.entries(groups)) cores[n] = used(g) / secs;
  cores.machine = (machineBusySeconds() - machine0) / secs;
  return { result, cores };
}

/** A child process we start ourselves (mock provider, Portkey, standalone): resolves once `ready` is printed. */
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
});

/**
 * Latency at a steady `rate` req/s: requests start evenly spaced (open loop: a slow answer does not
 * delay the next request), over pooled keep-alive connections, and each is timed from its start
 * to the last byte of its answer. autocannon's `overallRate` is not this: it sends each second's
 * quota at once and then waits, so it measures a burst at full concurrency.
 */
async function paced(target, rate, seconds) {
  const pool = new Pool(new URL(target.url).origin, { connections: 64, keepAliveTimeout: 30_000 });
  const path = new URL(target.url).pathname;
  const times = [];
  let errors = 0;
  const one = async () => {
    const t0 = performance.now();
    try {
      const res = await pool.request({ method: 'POST', path, headers: target.headers, body: chatBody });
      await res.body.arrayBuffer();
      if (res.statusCode !== 200) errors++;
      else times.push(performance.now() - t0);
    } catch {
      errors++;
    }
  };
  const inFlight = [];
  const total = rate * seconds;
  const start = performance.now();
  for (let i = 0; i < total;) {
    const due = Math.floor(((performance.now() - start) * rate) / 1000) + 1;
    for (; i < Math.min(due, total); i++) inFlight.push(one());
    await new Promise((r) => setTimeout(r, 1));
  }
  await Promise.all(inFlight);
  await pool.close();
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(times.length / 2)], p99: times[Math.floor(times.length * 0.99)], errors };
}

/** Time to the first byte of a streamed answer, over `n` calls one after another (keep-alive). */
async function ttfb(target, n) {
  const agent = new Agent({ keepAliveTimeout: 30_000 });
  const body = JSON.stringify({ ...chatMessage, stream: true });
  const times = [];
  for (let i = 0; i < n + 20; i++) {
    const t0 = performance.now();
    const res = await request(target.url, { method: 'POST', headers: target.headers, body, dispatcher: agent });
    let first = 0;
    for await (const chunk of res.body) {
      if (!first && chunk.length) first = performance.now() - t0;
    }
    if (res.statusCode !== 200) throw new Error(`${target.name}: stream answered ${res.statusCode}`);
    if (i >= 20) times.push(first); // the first 20 warm up
  }
  await agent.close();
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(times.length / 2)], p99: times[Math.floor(times.length * 0.99)] };
}

const chatMessage = { model: 'mock-chat', messages: [{ role: 'user', content: 'benchmark me please' }] };
const chatBody = JSON.stringify(chatMessage);
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

  // the upstream everyone calls: the mock provider, a plain Node HTTP server in its own process
  const mockPort = await freePort();
  const mock = await spawnUntil(
    'mock provider',
    [path.join(root, 'dist/libs/mock-provider/src/mock-provider.main.js')],
    { MOCK_PROVIDER_PORT: String(mockPort), MOCK_PROVIDER_HOST: '127.0.0.1' },
    /serving mock-chat/,
    { cwd: root },
  );
  children.push(mock.child);
  const mockUrl = `http://127.0.0.1:${mockPort}/v1`;

  // the peer: Portkey's OSS gateway, on 127.0.0.1 only
  const portkeyPort = await freePort();
  const peer = portkeyProcess(portkeyPort);
  const portkey = await spawnUntil('Portkey gateway', peer.args, peer.env, peer.ready, { cwd: root });
  children.push(portkey.child);

  // the floor: a bare Node proxy (node:http + one undici pool, bytes forwarded, nothing else)
  const barePort = await freePort();
  const bare = await spawnUntil(
    'bare Node proxy',
    [path.join(root, 'bench/bare-proxy.mjs'), String(barePort), `http://127.0.0.1:${mockPort}`],
    {},
    /bare proxy ready/,
    { cwd: root },
  );
  children.push(bare.child);

  const poolConfig = writeMockPoolConfig(work, mockUrl);

  const profiled = (app) =>
    profile
      ? {
          entry: path.join(root, 'bench/profiled-entry.cjs'),
          env: {
            BENCH_ENTRY: path.join(root, `dist/apps/${app}/src/main.js`),
            NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profileDir}/${app}`,
          },
        }
      : { env: {} };
  const common = { REDIS_URL: redisUrl, REDIS_PREFIX: prefix, SHOAL_INTERNAL_TOKEN: token, LOG_LEVEL: 'warn' };
  const db = { DATABASE_URL: withDb(dbName) };
  const [billing] = await Promise.all([startService({ app: 'billing', nodeArgs, env: { ...common, ...db } })]);
  const mp = profiled('model-pool');
  const pool = await startService({
    app: 'model-pool',
    nodeArgs,
    ...(mp.entry ? { entry: mp.entry } : {}),
    env: { ...common, ...db, ...mp.env, MODEL_POOL_CONFIG: poolConfig },
  });
  const gw = profiled('gateway');
  const gateway = await startService({
    app: 'gateway',
    nodeArgs,
    ...(gw.entry ? { entry: gw.entry } : {}),
    env: { ...common, ...db, ...gw.env, MODEL_POOL_URL: pool.url, BILLING_URL: billing.url, SHOAL_BOOTSTRAP_KEY: key },
  });
  const engine = await startService({
    app: 'workflow-engine',
    nodeArgs,
    env: { ...common, ...db, MODEL_POOL_URL: pool.url },
  });
  services.push(pool, billing, engine, gateway);

  // standalone: `npm start`'s process, on a fresh data directory, then restarted on it
  const standaloneDir = path.join(work, 'standalone');
  const standalonePort = await freePort();
  const standaloneEnv = (extra = {}) => ({
    PORT: String(standalonePort),
    SHOAL_DATA_DIR: standaloneDir,
    // a cache of its own: the first start makes the database template, as on a machine that never ran Shoal
    SHOAL_CACHE_DIR: path.join(work, 'cache'),
    SHOAL_BOOTSTRAP_KEY: key,
    SHOAL_MOCK_PROVIDER_URL: mockUrl,
    LOG_LEVEL: 'warn',
    ...extra,
  });
  const standaloneArgs = [...nodeArgs, path.join(root, 'dist/apps/standalone/src/main.js')];
  const readyLine = new RegExp(`http://127\\.0\\.0\\.1:${standalonePort}`);
  const first = await spawnUntil('standalone', standaloneArgs, standaloneEnv(), readyLine, { cwd: root });
  await stopChild(first.child);
  // a second new data directory: its database is a copy of the template the first start made
  const second = await spawnUntil('standalone', standaloneArgs, standaloneEnv({ SHOAL_DATA_DIR: `${standaloneDir}-2` }), readyLine, {
    cwd: root,
  });
  await stopChild(second.child);
  const standalone = await spawnUntil(
    'standalone',
    profile ? [`--cpu-prof`, `--cpu-prof-dir=${profileDir}/standalone`, ...standaloneArgs] : standaloneArgs,
    standaloneEnv(),
    readyLine,
    { cwd: root },
  );
  children.push(standalone.child);
  const standaloneUrl = `http://127.0.0.1:${standalonePort}`;

  await sleep(3000); // idle: after boot, before any load
  const idle = {
    'model-pool': rssMb(pool.child.pid),
    gateway: rssMb(gateway.child.pid),
    'workflow-engine': rssMb(engine.child.pid),
    billing: rssMb(billing.child.pid),
    standalone: rssMb(standalone.child.pid),
    'Portkey gateway': rssMb(portkey.child.pid),
  };

  const auth = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const targets = [
    {
      name: 'mock provider directly',
      url: `${mockUrl}/chat/completions`,
      headers: { 'content-type': 'application/json' },
      own: ['mock provider'],
    },
    {
      name: 'Portkey gateway → mock',
      url: `http://127.0.0.1:${portkeyPort}/v1/chat/completions`,
      headers: portkeyChatHeaders(mockUrl),
      own: ['Portkey'],
    },
    // `own`: the processes that serve this path (their CPU per request is compared below)
    {
      name: 'Shoal distributed: model-pool → mock',
      url: `${pool.url}/v1/chat/completions`,
      headers: auth,
      own: ['model-pool', 'billing', 'redis', 'postgres'],
    },
    { name: 'Shoal standalone → mock', url: `${standaloneUrl}/v1/chat/completions`, headers: auth, own: ['standalone'] },
    {
      name: 'bare Node proxy → mock (floor)',
      url: `http://127.0.0.1:${barePort}/v1/chat/completions`,
      headers: { 'content-type': 'application/json' },
      own: ['bare proxy'],
    },
  ];
  for (const t of targets) {
    const res = await fetch(t.url, { method: 'POST', headers: t.headers, body: chatBody });
    if (res.status !== 200) throw new Error(`${t.name}: answered ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
  }

  process.stdout.write(
    `(a) chat completions: ${duration}s each at ${connections} connections, then ${duration}s each at a steady 500 req/s\n`,
  );
  const max = {};
  const cpu = {};
  const fixed = {};
  const stream = {};
  const procs = {
    'mock provider': [mock.child.pid],
    Portkey: [portkey.child.pid],
    'bare proxy': [bare.child.pid],
    'model-pool': [pool.child.pid],
    billing: [billing.child.pid],
    standalone: [standalone.child.pid],
  };
  /** each path's windows, one per round: req/s, latency and the cores each process used */
  const windows = Object.fromEntries(targets.map((t) => [t.name, []]));
  for (const t of targets) await load({ url: t.url, method: 'POST', headers: t.headers, body: chatBody, duration: warmup });
  for (let round = 0; round < rounds; round++) {
    for (let i = 0; i < targets.length; i++) {
      const t = targets[(round + i) % targets.length];
      const measured = await withCpu(procs, () => load({ url: t.url, method: 'POST', headers: t.headers, body: chatBody }));
      windows[t.name].push({ ...summary(measured.result), cores: measured.cores });
      process.stdout.write(`  round ${round + 1}: ${t.name}: ${Math.round(windows[t.name].at(-1).rps)} req/s\n`);
    }
  }
  // each path's figures are its median window's (by req/s)
  for (const t of targets) {
    const median = middle([...windows[t.name]].sort((a, b) => a.rps - b.rps));
    const { cores, ...figures } = median;
    max[t.name] = figures;
    cpu[t.name] = cores;
  }
  for (const t of targets) {
    await paced(t, 500, 1); // warm the connections
    fixed[t.name] = await paced(t, 500, duration);
  }
  for (const t of targets) stream[t.name] = await ttfb(t, 200);

  // (c) the ledger first takes what (a) metered, so (c) is measured on its own
  const ledger = new pg.Client({ connectionString: withDb(dbName) });
  await ledger.connect();
  const count = async () => Number((await ledger.query('SELECT count(*) AS n FROM usage_records')).rows[0].n);
  let last = -1;
  for (let n = await count(), t0 = Date.now(); n !== last && Date.now() - t0 < 120_000; n = await count()) {
    last = n;
    await sleep(1000);
  }
  await ledger.end();
  // (c) both topologies, one after the other, then one run at a time for its timeline
  const runTargets = [
    {
      name: 'distributed',
      baseUrl: gateway.url,
      processes: async () => ({
        gateway: [gateway.child.pid],
        'workflow-engine': [engine.child.pid],
        'model-pool': [pool.child.pid],
        billing: [billing.child.pid],
        postgres: await postgresBackends(pgUrl, dbName),
        redis: redisPids(),
      }),
    },
    { name: 'standalone', baseUrl: standaloneUrl, processes: async () => ({ standalone: [standalone.child.pid] }) },
  ];
  if (!chatOnly) process.stdout.write(`(c) blocking workflow runs, ${duration}s, ${connections} connections\n`);
  const runs = {};
  const timelines = {};
  // this machine's Postgres runs with autovacuum off: after the warm-up the bench does what autovacuum
  // would have done by then (the chat benchmark's ledger rows, the new runs), so that the planner has
  // statistics and the tables no dead rows a server in use would not have (bench/runs.mjs does the same)
  const maintain = async () => {
    const c = new pg.Client({ connectionString: withDb(dbName) });
    await c.connect();
    try {
      if ((await c.query('SHOW autovacuum')).rows[0].autovacuum === 'off') await c.query('VACUUM (ANALYZE)');
    } finally {
      await c.end();
    }
  };
  for (const t of chatOnly ? [] : runTargets) {
    t.workflowId = await createBenchWorkflow(t.baseUrl, auth);
    const afterWarmup = t.name === 'distributed' ? maintain : undefined;
    runs[t.name] = await blockingRuns({ ...t, headers: auth, duration, warmup, connections, afterWarmup });
    process.stdout.write(`  ${t.name}: ${Math.round(runs[t.name].rps)} runs/s\n`);
  }
  for (const t of chatOnly ? [] : runTargets) timelines[t.name] = await runTimeline({ ...t, headers: auth });

  const cpuPerRequest = (t) => (1000 * t.own.reduce((a, n) => a + cpu[t.name][n], 0)) / max[t.name].rps;
  const fmt = (n, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
  const direct = targets[0].name;
  const portkeyName = targets[1].name;
  /** `name`'s req/s against Portkey's: the median over the rounds of the two measured in the same round */
  const vsPortkey = (name) => middle(windows[name].map((w, round) => w.rps / windows[portkeyName][round].rps).sort((a, b) => a - b));
  const maxRows = targets.map((t) => {
    const s = max[t.name];
    const vs = t.name === direct ? 'baseline' : t.name === portkeyName ? 'peer' : `${fmt(vsPortkey(t.name), 2)}× Portkey`;
    return `| ${t.name} | ${fmt(s.rps)} | ${fmt(s.p50, 1)} | ${fmt(s.p99, 1)} | ${s.errors} | ${vs} |`;
  });
  const added = (a, b) => `${a - b < 0 ? '−' : '+'}${fmt(Math.abs(a - b), 2)}`;
  const fixedRows = targets.map((t) => {
    const s = fixed[t.name];
    const d = fixed[direct];
    const st = stream[t.name];
    const sd = stream[direct];
    return t.name === direct
      ? `| ${t.name} | ${fmt(s.p50, 2)} | ${fmt(s.p99, 2)} | baseline | ${fmt(st.p50, 2)} | baseline | ${s.errors} |`
      : `| ${t.name} | ${fmt(s.p50, 2)} | ${fmt(s.p99, 2)} | ${added(s.p50, d.p50)} / ${added(s.p99, d.p99)} | ${fmt(st.p50, 2)} | ${added(st.p50, sd.p50)} | ${s.errors} |`;
  });
  const shoalNames = targets.slice(2, 4).map((t) => t.name);
  const floor = targets[4];
  const budget = machineBudget({ targets, max, cpu, portkey: portkeyName, floor, cores: cpus().length, fmt });
  const ratios = shoalNames.map((n) => `${n.split(':')[0]} ${fmt(vsPortkey(n), 2)}×`).join(', ');
  const when = new Date().toISOString().slice(0, 16).replace('T', ' ');
  // issue 12's table, read against this run (the ledger's two rows are bench/ledger.mjs's)
  const shoal = [
    { label: 'distributed', name: shoalNames[0] },
    { label: 'standalone', name: shoalNames[1] },
  ];
  const serviceNames = ['model-pool', 'gateway', 'workflow-engine', 'billing'];
  const card = scorecard(
    [
      {
        figure: 'chat req/s vs Portkey',
        higher: true,
        target: 10,
        line: 3,
        targetText: '≥ 10×',
        lineText: '3×',
        unit: '×',
        measured: shoal.map((t) => ({ label: t.label, value: vsPortkey(t.name) })),
      },
      {
        figure: 'added p50 over direct at 500 req/s',
        added: true,
        higher: false,
        target: 1,
        line: 3,
        targetText: '≤ 1 ms',
        lineText: '3 ms',
        unit: 'ms',
        measured: shoal.map((t) => ({ label: t.label, value: fixed[t.name].p50 - fixed[direct].p50 })),
      },
      {
        figure: 'added p99 over direct at 500 req/s',
        added: true,
        higher: false,
        target: 3,
        targetText: '≤ 3 ms',
        unit: 'ms',
        measured: shoal.map((t) => ({ label: t.label, value: fixed[t.name].p99 - fixed[direct].p99 })),
      },
      {
        figure: 'streaming time to first byte, added p50',
        added: true,
        higher: false,
        target: 2,
        targetText: '≤ 2 ms',
        unit: 'ms',
        measured: shoal.map((t) => ({ label: t.label, value: stream[t.name].p50 - stream[direct].p50 })),
      },
      ...(chatOnly
        ? []
        : runTargets.map(({ name: n }) => ({
            figure: `blocking runs/s, start → llm → end, ${n}`,
            higher: true,
            target: 1000,
            line: 250,
            targetText: '≥ 1,000',
            lineText: '250',
            unit: 'runs/s',
            measured: [{ value: runs[n].rps }],
          }))),
      {
        figure: 'RSS per service, idle',
        higher: false,
        target: 120,
        targetText: '≤ 120 MB',
        unit: 'MB',
        measured: serviceNames.map((n) => ({ label: n, value: idle[n] })),
      },
      {
        figure: 'RSS of standalone, idle',
        higher: false,
        target: 250,
        line: 400,
        targetText: '≤ 250 MB',
        lineText: '400 MB',
        unit: 'MB',
        measured: [{ value: idle.standalone }],
      },
      {
        figure: 'standalone start to ready, first start',
        higher: false,
        target: 2000,
        targetText: '≤ 2 s',
        unit: 'ms',
        measured: [
          { label: 'first on this machine', value: first.readyMs },
          { label: 'new data directory', value: second.readyMs },
        ],
      },
      {
        figure: 'standalone start to ready, restart',
        higher: false,
        target: 1000,
        targetText: '≤ 1 s',
        unit: 'ms',
        measured: [{ value: standalone.readyMs }],
      },
    ],
    (v, r) => (r.unit === '×' ? `${fmt(v, 2)}×` : r.added ? `${v < 0 ? '−' : '+'}${fmt(Math.abs(v), 2)} ms` : `${fmt(v)} ${r.unit}`),
  );
  const machine = `${cpus().length} cores (${cpus()[0]?.model?.trim() ?? 'unknown cpu'}), Node ${process.version}`;
  const report = [
    `Run ${when} UTC on ${machine}; ${duration}s per measurement after ${warmup}s of the same load unmeasured (the chat paths' most req/s: the median of ${rounds} rounds, each measuring every path in turn, and a ratio the median of the ratios within a round), load generator (autocannon) and every process on the same machine; Shoal's processes run as \`${['node', ...nodeArgs].join(' ')}\` (the image's ENTRYPOINT).`,
    '',
    `**Chat req/s against Portkey: ${ratios}.**`,
    '',
    "Issue 12's figures, against this run (the ledger's are below, from bench/ledger.mjs):",
    '',
    ...card,
    '',
    `The floor, a bare Node proxy (node:http in, one pooled undici client out through its dispatch API, the bytes forwarded: no auth, routing, metering or body parse), reached ${fmt(vsPortkey(floor.name), 2)}× Portkey at ${fmt(cpuPerRequest(floor), 3)} ms of CPU per request: about the most any Node gateway can reach on these cores beside the same mock and load generator. Shoal distributed reached ${fmt((100 * max[targets[2].name].rps) / max[floor.name].rps)} % of the floor's req/s, standalone ${fmt((100 * max[targets[3].name].rps) / max[floor.name].rps)} %.`,
    '',
    ...budget,
    '',
    `Most requests per second (${connections} connections, JSON answers):`,
    '',
    '| chat completions | req/s | p50 ms | p99 ms | errors | vs Portkey |',
    '| --- | ---: | ---: | ---: | ---: | --- |',
    ...maxRows,
    '',
    `Cores each process used meanwhile (of ${cpus().length}; the load generator is autocannon in the benchmark's process):`,
    '',
    `| chat completions | ${Object.keys(cpu[direct]).join(' | ')} |`,
    `| --- | ${Object.keys(cpu[direct])
      .map(() => '---:')
      .join(' | ')} |`,
    ...targets.map(
      (t) =>
        `| ${t.name} | ${Object.values(cpu[t.name])
          .map((c) => fmt(c, 2))
          .join(' | ')} |`,
    ),
    '',
    `CPU per request of the processes that serve each path (what the machine's load does not change much): ${targets
      .map((t) => `${t.name} ${fmt(cpuPerRequest(t), 3)} ms (${t.own.join(' + ')})`)
      .join(
        '; ',
      )}. Shoal distributed uses ${fmt(cpuPerRequest(targets[1]) / cpuPerRequest(targets[2]), 2)}× less CPU per request than Portkey, standalone ${fmt(cpuPerRequest(targets[1]) / cpuPerRequest(targets[3]), 2)}× less.`,
    '',
    'Latency at a steady 500 req/s (requests evenly spaced, open loop), and time to the first streamed byte (200 calls one after another), each against the direct call:',
    '',
    '| chat completions | p50 ms | p99 ms | added p50 / p99 ms | stream TTFB p50 ms | added TTFB ms | errors |',
    '| --- | ---: | ---: | --- | ---: | --- | ---: |',
    ...fixedRows,
    '',
    `Idle resident memory after boot: ${Object.entries(idle)
      .map(([n, mb]) => `${n} ${fmt(mb)} MB`)
      .join(', ')}.`,
    '',
    `Standalone start to ready (the process, from spawn to its banner; \`npm start\` builds first): ${fmt(first.readyMs)} ms the first time on this machine (initdb makes the database template), ${fmt(second.readyMs)} ms on another new data directory (a copy of the template), ${fmt(standalone.readyMs)} ms restarted on the first.`,
    '',
    ...(chatOnly
      ? ['(c) not measured (--chat-only).']
      : [
          `(c) blocking runs of start → llm → end (${connections} connections; CPU ms per run of each process; standalone's includes its embedded Postgres):`,
          '',
          ...runTargets.map(
            ({ name: n }) =>
              `- ${n}: ${fmt(runs[n].rps)} runs/s, p50 ${fmt(runs[n].p50)} ms, p99 ${fmt(runs[n].p99)} ms, ${runs[n].errors} errors; ${cpuLine(runs[n].cpu)}`,
          ),
          '',
          'One run at a time (median of 9), ms:',
          '',
          ...runTargets.map(({ name: n }) => `- ${n}: ${timelineLine(timelines[n])}`),
        ]),
    '',
  ].join('\n');

  if (profile) {
    // SIGUSR2 makes the profiled services exit normally, so that --cpu-prof writes their profiles
    for (const s of [pool, gateway]) s.child.kill('SIGUSR2');
    await stopChild(standalone.child);
    await sleep(3000);
    const lines = ['', 'CPU profiles (whole run: boot, idle and load; self time by owner):', ''];
    for (const dir of ['model-pool', 'gateway', 'standalone']) {
      let files = [];
      try {
        files = readdirSync(path.join(profileDir, dir)).filter((f) => f.endsWith('.cpuprofile'));
      } catch {
        // not written
      }
      if (!files.length) {
        lines.push(`- ${dir}: no profile written`);
        continue;
      }
      const s = summarizeProfile(path.join(profileDir, dir, files[0]));
      lines.push(`- ${dir}: idle ${s.idle}, GC ${s.gc}; ${s.top.join(', ')}`);
    }
    process.stdout.write(`${lines.join('\n')}\n(profiles in ${profileDir})\n`);
  }
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
    const file = path.join(work, 'results.md');
    writeFileSync(file, report);
    process.stdout.write(`results saved in ${file} (run with --write to put them into bench/README.md)\n`);
  }
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

// the usage ledger's own benchmark, after this one's services are gone
const ledgerBench = chatOnly
  ? { status: 0 }
  : spawnSync(process.execPath, [path.join(root, 'bench/ledger.mjs'), ...(writeReadme ? ['--write'] : [])], {
      stdio: 'inherit',
    });
if (ledgerBench.status !== 0) process.exitCode = 1;
