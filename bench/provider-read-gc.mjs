#!/usr/bin/env node
// How reading a provider's JSON answer shapes garbage collection: the same calls to the mock provider
// (32 at a time over one undici Pool, as model-pool makes them), their bodies read by model-pool's
// readJsonAnswer (the async iterator) and by the baseline it replaced ('data' events), each in its own
// process with --trace-gc-nvp, rounds alternating. Printed: the share of allocated bytes that
// survived a scavenge (V8 promotes survivors to the old generation at once here, so this is what the
// major collector must find later) and the share of time spent in scavenge pauses, with the ratios.
// Usage: node bench/provider-read-gc.mjs [--rounds 3] [--duration 15]
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { spawnUntil, stopChild } from './support/processes.mjs';

const here = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const opt = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : def;
};
const rounds = Number(opt('rounds', 3));
const duration = Number(opt('duration', 15));

// the child: one read style, `duration` seconds of calls, then its GC lines are read by the parent
const CHILD = `
const { Pool } = require('undici');
const { readJsonAnswer } = require(${JSON.stringify(path.join(here, 'dist/libs/model-pool-feature/src/pool/json-answer.js'))});
const [style, url, seconds] = process.argv.slice(1);
// the baseline: the body read with 'data' events, as model-pool did before
const byEvents = (body) => new Promise((resolve, reject) => {
  const chunks = [];
  body.on('data', (c) => chunks.push(c));
  body.once('end', () => resolve(Buffer.concat(chunks)));
  body.once('error', reject);
});
const pool = new Pool(url, { connections: 256, keepAliveTimeout: 30000, headersTimeout: 600000, bodyTimeout: 600000 });
const payload = JSON.stringify({ model: 'mock-chat', messages: [{ role: 'user', content: 'Say hello in one short sentence.' }] });
let calls = 0;
const end = Date.now() + 1000 * Number(seconds);
const one = async () => {
  while (Date.now() < end) {
    const res = await pool.request({ method: 'POST', path: '/v1/chat/completions', headers: { 'content-type': 'application/json', authorization: 'Bearer mock' }, body: payload });
    if (style === 'iterator') await readJsonAnswer({ status: res.statusCode, headers: res.headers, body: res.body });
    else { try { JSON.parse((await byEvents(res.body)).toString('utf8')); } finally { res.body.destroy(); } }
    calls++;
  }
};
Promise.all(Array.from({ length: 32 }, one)).then(async () => { console.log('CALLS ' + calls); await pool.close(); });
`;

function runStyle(style, url) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--trace-gc-nvp', '-e', CHILD, style, url, String(duration)], {
      cwd: here,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code !== 0) return reject(new Error(`${style} exited ${code}`));
      // only the steady state, the last 40 % of the run: V8 promotes most survivors while the young
      // generation grows, and goes on doing so for a while at its full size
      const field = (l, k) => Number(new RegExp(`\\b${k}=([0-9.]+)`).exec(l)?.[1] ?? 0);
      const at = (l) => Number(/\]\s+(\d+) ms:/.exec(l)?.[1] ?? 0);
      const gcs = out.split('\n').filter((l) => l.includes('gc=s '));
      const from = 0.6 * Math.max(...gcs.map(at));
      const settled = gcs.filter((l) => at(l) >= from);
      if (settled.length < 3) return reject(new Error(`${style}: too few scavenges at full size (${settled.length}); raise --duration`));
      const sum = (k) => settled.reduce((a, l) => a + field(l, k), 0);
      resolve({
        calls: Number(/CALLS (\d+)/.exec(out)?.[1] ?? 0),
        promoted: sum('promoted') / sum('allocated'),
        paused: sum('pause') / (sum('pause') + sum('mutator')),
      });
    });
  });
}

const { freePort } = createRequire(import.meta.url)(path.join(here, 'dist/libs/testing/src/index.js'));
const mockPort = await freePort();
const mock = (
  await spawnUntil(
    'mock',
    [path.join(here, 'dist/libs/mock-provider/src/mock-provider.main.js')],
    { MOCK_PROVIDER_PORT: String(mockPort), MOCK_PROVIDER_HOST: '127.0.0.1' },
    /serving mock-chat/,
    { cwd: here },
  )
).child;
try {
  const url = `http://127.0.0.1:${mockPort}`;
  const results = { events: [], iterator: [] };
  for (let r = 0; r < rounds; r++)
    for (const style of r % 2 ? ['iterator', 'events'] : ['events', 'iterator']) results[style].push(await runStyle(style, url));
  const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
  const pct = (x) => `${(100 * x).toFixed(2)} %`;
  const summary = Object.fromEntries(
    Object.entries(results).map(([k, rs]) => [k, { promoted: median(rs.map((x) => x.promoted)), paused: median(rs.map((x) => x.paused)) }]),
  );
  for (const [k, s] of Object.entries(summary))
    console.log(
      `${k === 'events' ? "'data' events (baseline)" : 'async iterator (readJsonAnswer)'}: promoted ${pct(s.promoted)} of allocated bytes, scavenge pauses ${pct(s.paused)} of the time (median of ${rounds})`,
    );
  console.log(
    `baseline / readJsonAnswer: promoted ${(summary.events.promoted / Math.max(summary.iterator.promoted, 1e-6)).toFixed(1)}x, scavenge time ${(summary.events.paused / summary.iterator.paused).toFixed(2)}x`,
  );
} finally {
  await stopChild(mock);
}
