#!/usr/bin/env node
// A quick loop for the chat path's cost per request, one Shoal topology at a time against the mock
// provider: the CPU each serving process used per request under 32-connection load (from /proc, in
// the load window only), and with --profile where that time went (`node --cpu-prof`, samples outside
// the load window dropped, self time by owner and by function). --root runs another checkout's
// dist/ (e.g. main's, built beside this one), so that before and after can be run alternately.
// Usage: node bench/chat-loop.mjs [--mode standalone|distributed|bare|portkey] [--duration 8] [--connections 32]
//          [--root <checkout>] [--profile] [--top 30] [--stream] [--words <n>] [--restart] [--warmup 10] [--windows 1]
//          [--paced <req/s>] [--perf] [--strace] [--child-log <file>]  (the mock, bare, standalone and Portkey children; distributed services log under /tmp/shoal-test-logs)
import autocannon from 'autocannon';
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, readFileSync, readdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import pg from 'pg';
import { cpuSeconds, machineBusySeconds, pidsNamed, spawnUntil, stopChild, syscalls, sysSeconds } from './support/processes.mjs';
import { portkeyChatHeaders, portkeyProcess } from './support/portkey.mjs';

const here = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const opt = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const root = path.resolve(opt('root', here));
const mode = opt('mode', 'standalone');
const duration = Number(opt('duration', 8));
const connections = Number(opt('connections', 32));
const profile = process.argv.includes('--profile');
const top = Number(opt('top', 30));
const require = createRequire(import.meta.url);
const { startService, freePort } = require(path.join(root, 'dist/libs/testing/src/index.js'));
const pgUrl = process.env.SHOAL_TEST_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const redisUrl = process.env.SHOAL_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const key = 'sk-shoal-bench-key-0123456789abcdef';
const work = mkdtempSync(path.join(tmpdir(), 'shoal-chat-loop-'));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const nowUs = () => Number(process.hrtime.bigint() / 1000n);

// the children run from the checkout under test (--root), named by their script, given 90 s on a loaded machine
// --child-log <file>: the serving children's output appended there (e.g. with BENCH_NODE_ARGS="--trace-gc")
const childLog = opt('child-log', undefined);
const startChild = async (args, env, ready) =>
  (
    await spawnUntil(path.basename(args.at(-1)), args, env, ready, {
      cwd: root,
      timeoutMs: 90_000,
      ...(childLog ? { onOutput: (d) => appendFileSync(childLog, d) } : {}),
    })
  ).child;
const load = (o) => new Promise((resolve, reject) => autocannon({ connections, ...o }, (err, res) => (err ? reject(err) : resolve(res))));

async function admin(sql, db = 'postgres') {
  const u = new URL(pgUrl);
  u.pathname = `/${db}`;
  const c = new pg.Client({ connectionString: u.toString() });
  await c.connect();
  try {
    return await c.query(sql);
  } finally {
    await c.end();
  }
}

const ownerOf = (url) => {
  if (!url) return '(native/V8)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 13).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  const shoal = /dist\/(libs|apps)\/([^/]+)\//.exec(url);
  if (shoal) return `shoal:${shoal[2]}`;
  if (url.startsWith('node:')) return 'node (core)';
  return url.split('/').slice(-2).join('/');
};
/** Self time in [t0, t1] (µs, CLOCK_MONOTONIC like V8's profile clock) by owner and by function, per request. */
function windowed(file, t0, t1, requests) {
  const p = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  let t = p.startTime;
  const owners = new Map();
  const fns = new Map();
  let total = 0;
  let idle = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const dt = p.timeDeltas[i];
    t += dt;
    if (t < t0 || t > t1) continue;
    const n = byId.get(p.samples[i]);
    const name = n.callFrame.functionName || '(anonymous)';
    const next = p.timeDeltas[i + 1] ?? 0; // the sample stands for the interval up to the next one
    if (name === '(idle)') {
      idle += next;
      continue;
    }
    total += next;
    const o = name === '(garbage collector)' ? 'GC' : name === '(program)' ? '(program)' : ownerOf(n.callFrame.url);
    owners.set(o, (owners.get(o) ?? 0) + next);
    const fk = `${name} ${n.callFrame.url.split('/').slice(-2).join('/')}:${n.callFrame.lineNumber + 1}`;
    fns.set(fk, (fns.get(fk) ?? 0) + next);
  }
  // inclusive: each function once per sample whose stack holds it
  const parent = new Map();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const incl = new Map();
  t = p.startTime;
  for (let i = 0; i < p.samples.length; i++) {
    t += p.timeDeltas[i];
    if (t < t0 || t > t1) continue;
    const next = p.timeDeltas[i + 1] ?? 0;
    const seen = new Set();
    for (let id = p.samples[i]; id !== undefined; id = parent.get(id)) {
      const cf = byId.get(id).callFrame;
      if (!cf.url || cf.functionName === '(root)') continue;
      const k = `${cf.functionName || '(anonymous)'} ${cf.url.split('/').slice(-2).join('/')}:${cf.lineNumber + 1}`;
      if (seen.has(k)) continue;
      seen.add(k);
      incl.set(k, (incl.get(k) ?? 0) + next);
    }
  }
  const per = (us) => `${(us / requests).toFixed(1)} µs`;
  const pct = (us) => `${((100 * us) / total).toFixed(1)} %`;
  const lines = [`busy ${per(total)} per request (idle ${((100 * idle) / (idle + total)).toFixed(1)} % of the window)`];
  for (const [o, us] of [...owners].sort((a, b) => b[1] - a[1]).slice(0, 20))
    lines.push(`  ${o.padEnd(34)} ${pct(us).padStart(7)} ${per(us)}`);
  lines.push('  -- functions (self) --');
  for (const [f, us] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, top))
    lines.push(`  ${pct(us).padStart(7)} ${per(us).padStart(9)}  ${f}`);
  if (process.argv.includes('--incl')) {
    lines.push('  -- functions (inclusive) --');
    for (const [f, us] of [...incl].sort((a, b) => b[1] - a[1]).slice(0, Number(opt('incl-top', 80))))
      lines.push(`  ${pct(us).padStart(7)} ${per(us).padStart(9)}  ${f}`);
  }
  return lines.join('\n');
}

const children = [];
let dbName;
let prefix;
try {
  const mockPort = await freePort();
  const mock = await startChild(
    [path.join(root, 'dist/libs/mock-provider/src/mock-provider.main.js')],
    { MOCK_PROVIDER_PORT: String(mockPort), MOCK_PROVIDER_HOST: '127.0.0.1' },
    /serving mock-chat/,
  );
  children.push(mock);
  const mockUrl = `http://127.0.0.1:${mockPort}/v1`;
  const profileDir = path.join(work, 'profiles');
  // --perf: on-CPU samples (perf's cpu-clock: time a thread was running, unlike V8's profiler, which
  // also counts a thread descheduled inside a syscall), JS frames named through --perf-basic-prof
  const perf = process.argv.includes('--perf');
  // BENCH_NODE_ARGS="...": other Node flags for the serving process (as bench/run.mjs takes them)
  const extraArgs = (process.env.BENCH_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const profArgs = [...extraArgs, ...(profile ? [`--cpu-prof`, `--cpu-prof-dir=${profileDir}`] : perf ? ['--perf-basic-prof'] : [])];
  let url;
  let procs;
  let target;
  const services = [];
  if (mode === 'bare') {
    const port = await freePort();
    target = await startChild(
      [...profArgs, path.join(here, 'bench/bare-proxy.mjs'), String(port), `http://127.0.0.1:${mockPort}`],
      {},
      /bare proxy ready/,
    );
    children.push(target);
    url = `http://127.0.0.1:${port}`;
    procs = { bare: [target.pid] };
  } else if (mode === 'portkey') {
    // the peer, as bench/run.mjs starts it (to see how its figures settle with --windows)
    const port = await freePort();
    const peer = portkeyProcess(port);
    target = await startChild(peer.args, peer.env, peer.ready);
    children.push(target);
    url = `http://127.0.0.1:${port}`;
    procs = { portkey: [target.pid] };
  } else if (mode === 'standalone') {
    const port = await freePort();
    const env = {
      PORT: String(port),
      SHOAL_DATA_DIR: path.join(work, 'standalone'),
      SHOAL_BOOTSTRAP_KEY: key,
      SHOAL_MOCK_PROVIDER_URL: mockUrl,
      LOG_LEVEL: 'warn',
    };
    // --restart: measure the process restarted on its data directory (as bench/run.mjs does), not the first start
    if (process.argv.includes('--restart')) {
      await stopChild(await startChild([path.join(root, 'dist/apps/standalone/src/main.js')], env, new RegExp(`127\\.0\\.0\\.1:${port}`)));
    }
    target = await startChild(
      [...profArgs, path.join(root, 'dist/apps/standalone/src/main.js')],
      env,
      new RegExp(`127\\.0\\.0\\.1:${port}`),
    );
    children.push(target);
    url = `http://127.0.0.1:${port}`;
    procs = { standalone: [target.pid] };
  } else {
    dbName = `shoal_chatloop_${Date.now().toString(36)}`;
    prefix = `shoalchatloop:${Date.now().toString(36)}:`;
    await admin(`CREATE DATABASE "${dbName}"`);
    const u = new URL(pgUrl);
    u.pathname = `/${dbName}`;
    const m = spawnSync(process.execPath, ['prisma/migrate.mjs', 'deploy'], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: u.toString() },
    });
    if (m.status !== 0) throw new Error(`migration failed ${m.stderr}`);
    const { writeMockPoolConfig } = await import(path.join(root, 'bench/runs.mjs'));
    const common = {
      REDIS_URL: redisUrl,
      REDIS_PREFIX: prefix,
      SHOAL_INTERNAL_TOKEN: 'bench-internal-token-0123456789',
      LOG_LEVEL: 'warn',
      DATABASE_URL: u.toString(),
    };
    const billing = await startService({ app: 'billing', nodeArgs: [], env: common });
    services.push(billing);
    // the gateway creates the bench key (SHOAL_BOOTSTRAP_KEY); model-pool reads keys from the database
    const pool = await startService({
      app: 'model-pool',
      nodeArgs: profArgs,
      // profiled-entry.cjs exits normally on SIGUSR2, so that --cpu-prof writes the profile
      ...(profile ? { entry: path.join(root, 'bench/profiled-entry.cjs') } : {}),
      env: {
        ...common,
        MODEL_POOL_CONFIG: writeMockPoolConfig(work, mockUrl),
        ...(profile ? { BENCH_ENTRY: path.join(root, 'dist/apps/model-pool/src/main.js') } : {}),
      },
    });
    services.push(pool);
    const gateway = await startService({
      app: 'gateway',
      nodeArgs: [],
      env: { ...common, MODEL_POOL_URL: pool.url, BILLING_URL: billing.url, SHOAL_BOOTSTRAP_KEY: key },
    });
    services.push(gateway);
    target = pool.child;
    url = pool.url;
    procs = {
      'model-pool': [pool.child.pid],
      billing: [billing.child.pid],
      redis: pidsNamed('redis-server'),
      postgres: () => pidsNamed('postgres'),
    };
  }
  const headers = mode === 'portkey' ? portkeyChatHeaders(mockUrl) : { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
  const stream = process.argv.includes('--stream');
  const body = JSON.stringify({
    model: 'mock-chat',
    // --words N: a user message of N words, which the mock answers word by word (a stream of ~N + 6 events)
    messages: [
      {
        role: 'user',
        content: opt('words') ? Array.from({ length: Number(opt('words')) }, (_, i) => `w${i}`).join(' ') : 'benchmark me please',
      },
    ],
    ...(stream ? { stream: true } : {}),
  });
  const first = await fetch(`${url}/v1/chat/completions`, { method: 'POST', headers, body });
  if (first.status !== 200) throw new Error(`answered ${first.status}: ${await first.text()}`);
  await first.arrayBuffer();
  await load({ url: `${url}/v1/chat/completions`, method: 'POST', headers, body, duration: Number(opt('warmup', 10)) });
  // --ttfb: time to the first streamed byte, 200 calls one after another (the first 20 warm up)
  if (process.argv.includes('--ttfb')) {
    const { Agent, request } = require('undici');
    const agent = new Agent({ keepAliveTimeout: 30_000 });
    const streamBody = JSON.stringify({ ...JSON.parse(body), stream: true });
    const firsts = [];
    for (let i = 0; i < 220; i++) {
      const t = performance.now();
      const res = await request(`${url}/v1/chat/completions`, { method: 'POST', headers, body: streamBody, dispatcher: agent });
      let first = 0;
      for await (const chunk of res.body) if (!first && chunk.length) first = performance.now() - t;
      if (i >= 20) firsts.push(first);
    }
    await agent.close();
    firsts.sort((a, b) => a - b);
    console.log(
      `${mode} ${path.basename(root)} stream TTFB p50 ${firsts[firsts.length >> 1].toFixed(2)} ms, p90 ${firsts[Math.floor(firsts.length * 0.9)].toFixed(2)} ms`,
    );
  }
  // --paced <rate>: latency at a steady rate (evenly spaced requests, open loop), as bench/run.mjs measures it
  const rate = Number(opt('paced', 0));
  if (rate > 0) {
    const { Pool } = require('undici');
    const pool = new Pool(url, { connections: 64, keepAliveTimeout: 30_000 });
    const times = [];
    const one = async () => {
      const t = performance.now();
      const res = await pool.request({ method: 'POST', path: '/v1/chat/completions', headers, body });
      await res.body.arrayBuffer();
      times.push(performance.now() - t);
    };
    const inFlight = [];
    const total = rate * duration;
    const start = performance.now();
    for (let i = 0; i < total;) {
      const due = Math.floor(((performance.now() - start) * rate) / 1000) + 1;
      for (; i < Math.min(due, total); i++) inFlight.push(one());
      await sleep(1);
    }
    await Promise.all(inFlight);
    await pool.close();
    times.sort((a, b) => a - b);
    console.log(
      `${mode} ${path.basename(root)} at ${rate} req/s: p50 ${times[times.length >> 1].toFixed(2)} ms, p90 ${times[Math.floor(times.length * 0.9)].toFixed(2)} ms, p99 ${times[Math.floor(times.length * 0.99)].toFixed(2)} ms, max ${times.at(-1).toFixed(2)} ms`,
    );
  }
  const groups = Object.fromEntries(Object.entries(procs).map(([k, v]) => [k, typeof v === 'function' ? v() : v]));
  // CPU seconds of each group's processes, now and since an earlier reading
  const cpuNow = () => Object.fromEntries(Object.entries(groups).map(([k, pids]) => [k, pids.map(cpuSeconds)]));
  const cpuSince = (then) =>
    Object.fromEntries(Object.entries(groups).map(([k, pids]) => [k, pids.reduce((a, p, i) => a + cpuSeconds(p) - then[k][i], 0)]));
  // --windows n: n - 1 windows measured one after another before the last (how the figures settle as the process warms)
  for (let w = 1; w < Number(opt('windows', 1)); w++) {
    const b = cpuNow();
    const s0 = nowUs();
    const res = await load({ url: `${url}/v1/chat/completions`, method: 'POST', headers, body, duration });
    const n = res.requests.total;
    const used = Object.entries(cpuSince(b)).map(([k, s]) => `${k} ${((1000 * s) / n).toFixed(3)}`);
    console.log(`window ${w}: ${Math.round(n / ((nowUs() - s0) / 1e6))} req/s; CPU ms/request: ${used.join(', ')}`);
  }
  const before = cpuNow();
  const sys0 = sysSeconds(target.pid);
  const io0 = syscalls(target.pid);
  // --strace: counts the serving process's syscalls in the load window (strace slows it: counts, not times)
  const perfData = path.join(work, 'perf.data');
  const perfRec = perf
    ? spawn('perf', ['record', '-e', 'cpu-clock', '-F', '4000', '-g', '-p', String(target.pid), '-o', perfData], { stdio: 'ignore' })
    : undefined;
  const tracer = process.argv.includes('--strace')
    ? spawn('strace', ['-c', '-f', '-p', String(target.pid), '-o', path.join(work, 'strace.txt')], { stdio: 'ignore' })
    : undefined;
  if (tracer || perfRec) await sleep(500);
  // the harness's own share: the mock upstream, this process (the load generator), the machine as a whole
  const harness0 = { mock: cpuSeconds(mock.pid), load: process.cpuUsage(), machine: machineBusySeconds() };
  const t0 = nowUs();
  const r = await load({ url: `${url}/v1/chat/completions`, method: 'POST', headers, body, duration });
  const t1 = nowUs();
  const secs = (t1 - t0) / 1e6;
  const requests = r.requests.total;
  const cpu = cpuSince(before);
  const load1 = process.cpuUsage(harness0.load);
  const harness = {
    mock: cpuSeconds(mock.pid) - harness0.mock,
    load: (load1.user + load1.system) / 1e6,
    machine: machineBusySeconds() - harness0.machine,
  };
  const sys = sysSeconds(target.pid) - sys0;
  const io1 = syscalls(target.pid);
  const perReq = Object.entries(cpu).map(([k, s]) => `${k} ${((1000 * s) / requests).toFixed(3)}`);
  const sum = (1000 * Object.values(cpu).reduce((a, b) => a + b, 0)) / requests;
  console.log(
    `${mode} ${path.basename(root)}: ${Math.round(requests / secs)} req/s, p50 ${r.latency.p50} ms, errors ${r.errors + r.non2xx}; CPU ms/request: ${perReq.join(', ')} (sum ${sum.toFixed(3)}; kernel ${((1000 * sys) / requests).toFixed(3)} of the first); ${mode !== 'distributed' ? '' : `model-pool cores ${(cpu['model-pool'] / secs).toFixed(2)}`}`,
  );
  console.log(
    `  harness: mock ${((1000 * harness.mock) / requests).toFixed(3)}, load generator ${((1000 * harness.load) / requests).toFixed(3)} ms/request; machine busy ${(harness.machine / secs).toFixed(2)} of ${cpus().length} cores`,
  );
  // each syscall is costly on these machines (a socket write ~10-20 µs): how many the serving process makes per request
  console.log(
    `  syscalls per request (${mode === 'distributed' ? 'model-pool' : mode}): ${((io1.reads - io0.reads) / requests).toFixed(2)} reads, ${((io1.writes - io0.writes) / requests).toFixed(2)} writes`,
  );
  if (perfRec) {
    await new Promise((resolve) => {
      perfRec.once('exit', resolve);
      perfRec.kill('SIGINT');
    });
    const cpuMs = (1000 * cpu[Object.keys(cpu)[0]]) / requests;
    const children = process.argv.includes('--perf-children');
    const rep = spawnSync(
      'perf',
      [
        'report',
        '-i',
        perfData,
        children ? '--children' : '--no-children',
        '--stdio',
        '--sort',
        opt('perf-sort', 'sym'),
        '-g',
        'none',
        '--percent-limit',
        children ? '1' : '0.25',
      ],
      {
        encoding: 'utf8',
        maxBuffer: 64 << 20,
      },
    );
    console.log(`on-CPU samples of ${Object.keys(cpu)[0]} (${cpuMs.toFixed(3)} ms per request):`);
    for (const line of rep.stdout.split('\n')) {
      const m = children ? /^\s+([\d.]+)%\s+[\d.]+%\s+(.*)$/.exec(line) : /^\s+([\d.]+)%\s+(.*)$/.exec(line);
      if (m)
        console.log(
          `  ${m[1].padStart(6)} % ${((Number(m[1]) / 100) * cpuMs * 1000).toFixed(1).padStart(6)} µs  ${m[2].trim().slice(0, 150)}`,
        );
    }
  }
  if (tracer) {
    await new Promise((resolve) => {
      tracer.once('exit', resolve);
      tracer.kill('SIGINT');
    });
    console.log(`syscalls per request (${requests} requests):`);
    for (const line of readFileSync(path.join(work, 'strace.txt'), 'utf8').split('\n').slice(2)) {
      const f = line.trim().split(/\s+/);
      if (f.length >= 5 && /^\d/.test(f[3])) console.log(`  ${f[f.length - 1].padEnd(20)} ${(Number(f[3]) / requests).toFixed(2)}`);
    }
  }
  if (profile) {
    if (mode !== 'distributed') await stopChild(target);
    else await stopChild(target, 'SIGUSR2');
    await sleep(1000);
    const files = readdirSync(profileDir).filter((f) => f.endsWith('.cpuprofile'));
    for (const f of files) console.log(windowed(path.join(profileDir, f), t0, t1, requests));
  }
  for (const s of services.reverse()) await s.stop();
} finally {
  for (const c of children) await stopChild(c);
  if (dbName) await admin(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`).catch(() => undefined);
  if (prefix) {
    const { Redis } = require('ioredis');
    const redis = new Redis(redisUrl);
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
    await redis.quit();
  }
  // --keep: the profiles (and the rest) stay for a closer look
  if (process.argv.includes('--keep')) console.log(`kept ${work}`);
  else rmSync(work, { recursive: true, force: true });
}
