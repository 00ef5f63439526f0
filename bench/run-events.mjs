#!/usr/bin/env node
// The Redis run-event work of one blocking run, without the rest of the platform: the engine's
// fence and appends (workflow_started, node_started/node_finished of three nodes, workflow_finished),
// one write per event (before) and batched as the engine writes them now, and the gateway's wait for the run's end, done the way the gateway does it (whenFinished: one
// subscription per process) and, as the baseline in the same run, the way it did before (a
// subscription to the run's own channel, taking every event, until workflow_finished).
// Prints CPU ms per run of this process (both sides) and of redis-server (shared with whatever
// else uses it), and the ratio. `node .ci/build.mjs` first.
// Options: --runs <n> (default 1500), --in-flight <n> (default 16), --rounds <n> (default 3).
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { RedisRunEventStore } = require(path.join(root, 'dist/libs/platform/src/events/redis.run-event-store.js'));
const { Redis } = require('ioredis');

const arg = (name, d) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : d;
};
const runs = arg('runs', 1500);
const inFlight = arg('in-flight', 16);
const rounds = arg('rounds', 3);
const redisUrl = process.env.SHOAL_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

const redisPid = Number((spawnSync('pgrep', ['-x', 'redis-server'], { encoding: 'utf8' }).stdout ?? '').split('\n')[0]);
/** CPU time (user + system) of a process, ms; NaN when unknown. */
function cpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
  } catch {
    return NaN;
  }
}

const nodeEvent = (event, i, runId) => ({
  event,
  data: {
    id: `ne_${runId}_${i}`,
    node_id: `n${i}`,
    node_type: 'llm',
    title: 'LLM',
    index: i + 1,
    inputs: { q: 'benchmark me please' },
    ...(event === 'node_finished' ? { outputs: { text: 'a short answer' }, status: 'succeeded', elapsed_time: 0.012 } : {}),
    created_at: 1796062039,
  },
});

const prefix = `shoalbenchrunevents:${process.pid}:`;
const connections = [];
const connect = (opts = {}) => {
  const c = new Redis(redisUrl, { maxRetriesPerRequest: 1, ...opts });
  connections.push(c);
  return c;
};
const gateway = new RedisRunEventStore(connect(), connect({ lazyConnect: true }), prefix);
const engine = new RedisRunEventStore(connect(), connect({ lazyConnect: true }), prefix);

/** The gateway's wait before whenFinished: the run's own channel, every event, until workflow_finished. */
function waitBySubscription(runId) {
  return new Promise((resolve, reject) => {
    let ended = false;
    let unsubscribe;
    gateway
      .subscribe(runId, 0, (e) => {
        if (e.event !== 'workflow_finished' || ended) return;
        ended = true;
        unsubscribe?.();
        resolve();
      })
      .then((u) => (ended ? u() : (unsubscribe = u)), reject);
  });
}

const waits = {
  'appends only': [null, false],
  'appends + per-run subscription (before)': [waitBySubscription, false],
  'appends + whenFinished (now)': [(runId) => gateway.whenFinished(runId, AbortSignal.timeout(60_000)), false],
  'appends batched as the engine writes them now (6 writes, not 8)': [null, true],
};

let n = 0;
/** The engine's writes of a start -> llm -> end run, one append per event (as before) or batched as it writes them now. */
async function oneRun(wait, batched) {
  const runId = `run_${++n}`;
  const lease = `bench:${n}:lease`;
  const waiting = wait?.(runId);
  await engine.fence(runId, lease, 1);
  const started = { event: 'workflow_started', data: { id: runId } };
  const [ns, nf] = [0, 1, 2]
    .map((i) => [nodeEvent('node_started', i, runId), nodeEvent('node_finished', i, runId)])
    .reduce(
      (acc, [a, b]) => [
        [...acc[0], a],
        [...acc[1], b],
      ],
      [[], []],
    );
  const writes = batched
    ? [[started], [ns[0], nf[0]], [ns[1]], [nf[1]], [ns[2], nf[2]]]
    : [[started], [ns[0]], [nf[0]], [ns[1]], [nf[1]], [ns[2]], [nf[2]]];
  for (const events of writes)
    await (events.length === 1 ? engine.append(runId, events[0], lease) : engine.appendAll(runId, events, lease));
  await engine.append(runId, { event: 'workflow_finished', data: { id: runId, status: 'succeeded' } });
  await waiting;
}

async function measure([wait, batched]) {
  let left = runs;
  const c0 = process.cpuUsage();
  const r0 = cpuMs(redisPid);
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (left-- > 0) await oneRun(wait, batched);
    }),
  );
  const c = process.cpuUsage(c0);
  return { client: (c.user + c.system) / 1000 / runs, redis: (cpuMs(redisPid) - r0) / runs };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
try {
  for (let i = 0; i < 50; i++) for (const [w, b] of Object.values(waits)) await oneRun(w, b);
  const got = Object.fromEntries(Object.keys(waits).map((k) => [k, []]));
  for (let r = 0; r < rounds; r++) for (const [k, w] of Object.entries(waits)) got[k].push(await measure(w));
  console.log(`Run events of one blocking run, ${runs} runs x ${rounds} rounds, ${inFlight} in flight; CPU ms per run (median):`);
  const m = {};
  for (const [k, xs] of Object.entries(got)) {
    m[k] = { client: median(xs.map((x) => x.client)), redis: median(xs.map((x) => x.redis)) };
    console.log(`- ${k}: this process ${m[k].client.toFixed(3)}, redis-server ${m[k].redis.toFixed(3)}`);
  }
  const base = m['appends only'];
  const before = m['appends + per-run subscription (before)'];
  const now = m['appends + whenFinished (now)'];
  const batched = m['appends batched as the engine writes them now (6 writes, not 8)'];
  console.log(
    `The engine's writes: this process ${base.client.toFixed(3)} -> ${batched.client.toFixed(3)}, redis-server ${base.redis.toFixed(3)} -> ${batched.redis.toFixed(3)}`,
  );
  console.log(
    `The wait alone: this process ${(before.client - base.client).toFixed(3)} -> ${(now.client - base.client).toFixed(3)}, ` +
      `redis-server ${(before.redis - base.redis).toFixed(3)} -> ${(now.redis - base.redis).toFixed(3)}`,
  );
} finally {
  const c = connections[0];
  let cursor = '0';
  do {
    const [next, keys] = await c.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length) await c.del(...keys);
  } while (cursor !== '0');
  for (const conn of connections) conn.disconnect();
}
