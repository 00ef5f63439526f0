#!/usr/bin/env node
// The pool's fault scenario, Shoal against Portkey's OSS gateway, configured alike: two deployments
// of one model (two mock providers), one answering 429 with `Retry-After: 2` to every other call,
// the other healthy. Each gateway gets the same paced load of JSON chat completions (open loop:
// a request every 1000/rate ms, whether or not earlier ones have answered).
//   Shoal:   model-pool (its own process), two deployments of weight 1, default failover (3
//            attempts; a 429 cools the deployment down for its Retry-After).
//   Portkey: a loadbalance config over two fallback groups ([bad, good] and [good, bad]), falling
//            back on 429 and 5xx: the closest it has to "two deployments with failover" (it keeps no
//            cooldowns, so there is nothing more to configure).
// Reports success rate, p50/p99 latency, and "wasted" attempts: calls that reached the failing
// deployment while it was cooling down (within 2 s of a 429 it had answered), read from the
// failing mock's own call log, so both gateways are counted the same way.
// Needs a build: `node .ci/build.mjs && node bench/pool-faults.mjs [--rate 50] [--seconds 10]`.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { Agent, request } from 'undici';
import { spawnUntil, stopChild } from './support/processes.mjs';
import { portkeyProcess } from './support/portkey.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { startService, freePort, startMockProvider } = require(path.join(root, 'dist/libs/testing/src/index.js'));
const { internalHeaders } = require(path.join(root, 'dist/libs/platform/src/index.js'));

const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const rate = arg('rate', 50);
const seconds = arg('seconds', 10);
const RETRY_AFTER_S = 2;
const token = 'bench-internal-token-0123456789';
const prefix = `shoalbench:faults:${Date.now().toString(36)}:`;
const redisUrl = process.env.SHOAL_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const work = mkdtempSync(path.join(tmpdir(), 'shoal-pool-faults-'));
const dispatcher = new Agent({ connections: 256, keepAliveTimeout: 30_000 });
const badFault = { status: 429, retryAfter: RETRY_AFTER_S, share: 0.5 };

const stops = [];
const fmt = (n, d = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }) : '—');

/** Open-loop load: one request every 1000/rate ms for `seconds`; each one's status and latency. */
async function paced(send) {
  const total = rate * seconds;
  const results = [];
  const pending = [];
  const t0 = performance.now();
  for (let i = 0; i < total; i++) {
    const due = t0 + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const started = performance.now();
    pending.push(
      send(i).then(
        (status) => results.push({ status, ms: performance.now() - started }),
        () => results.push({ status: 0, ms: performance.now() - started }),
      ),
    );
  }
  await Promise.all(pending);
  return results;
}

async function post(url, headers, i) {
  const res = await request(url, {
    method: 'POST',
    dispatcher,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ model: 'mock-chat', messages: [{ role: 'user', content: `fault bench ${i}` }] }),
    headersTimeout: 30_000,
    bodyTimeout: 30_000,
  });
  await res.body.text();
  return res.statusCode;
}

/** Calls that reached the failing deployment within Retry-After of a 429 it had answered. */
function wasted(callLog) {
  let coolingUntil = -Infinity;
  let n = 0;
  for (const call of callLog) {
    if (call.at < coolingUntil) n++;
    if (call.status === 429) coolingUntil = Math.max(coolingUntil, call.at + RETRY_AFTER_S * 1000);
  }
  return n;
}

function summarise(name, results, bad, good) {
  const ms = results.map((r) => r.ms).sort((a, b) => a - b);
  const q = (p) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))];
  const ok = results.filter((r) => r.status === 200).length;
  const log = bad.callLog();
  return {
    name,
    success: ok / results.length,
    p50: q(0.5),
    p99: q(0.99),
    badCalls: log.length,
    bad429: log.filter((c) => c.status === 429).length,
    goodCalls: good.calls(),
    wasted: wasted(log),
    statuses: [...new Set(results.map((r) => r.status))].sort().join(','),
  };
}

async function scenario(name, bad, good, send) {
  bad.reset();
  good.reset();
  bad.setFaults(badFault);
  await send(-1); // one warm-up call (connections), not counted
  bad.reset();
  good.reset();
  bad.setFaults(badFault);
  // let any cooldown from the warm-up end, so both start from a healthy pool
  await new Promise((r) => setTimeout(r, RETRY_AFTER_S * 1000 + 200));
  const results = await paced(send);
  return summarise(name, results, bad, good);
}

try {
  const bad = await startMockProvider({ models: ['mock-chat'], callLogLimit: 1_000_000 });
  const good = await startMockProvider({ models: ['mock-chat'], callLogLimit: 1_000_000 });
  stops.push(
    () => bad.close(),
    () => good.close(),
  );

  // Shoal: model-pool with two deployments of mock-chat (internal route, signed call context)
  const pool = path.join(work, 'pool.json');
  const deployment = (id, url) => ({ id, model: 'mock-chat', provider: 'openai-compatible', baseUrl: url, apiKey: 'mock', weight: 1 });
  writeFileSync(pool, JSON.stringify({ deployments: [deployment('dep_bad', bad.url), deployment('dep_good', good.url)] }));
  const mp = await startService({
    app: 'model-pool',
    env: { REDIS_URL: redisUrl, REDIS_PREFIX: prefix, SHOAL_INTERNAL_TOKEN: token, LOG_LEVEL: 'error', MODEL_POOL_CONFIG: pool },
  });
  stops.push(() => mp.stop());

  // Portkey's OSS gateway, on 127.0.0.1 only
  const portkeyPort = await freePort();
  const peer = portkeyProcess(portkeyPort);
  const { child: portkey } = await spawnUntil('Portkey gateway', peer.args, peer.env, peer.ready, { cwd: root });
  stops.push(() => stopChild(portkey));
  const target = (url) => ({ provider: 'openai', api_key: 'mock', custom_host: url });
  const fallback = (a, b) => ({ strategy: { mode: 'fallback', on_status_codes: [429, 500, 502, 503, 504] }, targets: [a, b], weight: 1 });
  const portkeyConfig = JSON.stringify({
    strategy: { mode: 'loadbalance' },
    targets: [fallback(target(bad.url), target(good.url)), fallback(target(good.url), target(bad.url))],
  });

  const shoal = await scenario('Shoal (model-pool)', bad, good, (i) =>
    post(
      `${mp.url}/pool/v1/chat/completions`,
      internalHeaders(token, { tenantId: 'ten_bench', apiKeyId: null, runId: null, nodeId: null, callId: `call_fb_${i}_${Date.now()}` }),
      i,
    ),
  );
  const pk = await scenario('Portkey OSS gateway', bad, good, (i) =>
    post(`http://127.0.0.1:${portkeyPort}/v1/chat/completions`, { 'x-portkey-config': portkeyConfig }, i),
  );

  const rows = [shoal, pk];
  const ratio = (a, b) => (b > 0 ? `${fmt(a / b, 2)}×` : a === 0 ? '—' : '∞');
  const lines = [
    `pool fault scenario: ${fmt(rate)} req/s for ${seconds} s per gateway (open loop, JSON answers); deployment A answers 429 + Retry-After: ${RETRY_AFTER_S} to every other call, B is healthy`,
    '',
    '| gateway | success | p50 ms | p99 ms | calls to A (429s) | calls to B | wasted: calls to A while cooling |',
    '| --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map(
      (r) =>
        `| ${r.name} | ${fmt(r.success * 100, 2)}% | ${fmt(r.p50, 1)} | ${fmt(r.p99, 1)} | ${fmt(r.badCalls)} (${fmt(r.bad429)}) | ${fmt(r.goodCalls)} | ${fmt(r.wasted)} |`,
    ),
    '',
    `Shoal / Portkey: p99 ${ratio(shoal.p99, pk.p99)}, wasted attempts ${ratio(shoal.wasted, pk.wasted)}, calls to A ${ratio(shoal.badCalls, pk.badCalls)}`,
    `statuses seen: Shoal ${shoal.statuses}; Portkey ${pk.statuses}`,
  ];
  console.log(lines.join('\n'));
} finally {
  for (const stop of stops.reverse()) await stop().catch(() => undefined);
  await dispatcher.close();
  // model-pool's usage intents (no billing consumes them here)
  const Redis = require('ioredis');
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } catch {
    // nothing to clean, or Redis gone: the keys carry the bench's prefix
  } finally {
    redis.disconnect();
  }
}
