#!/usr/bin/env node
// http-request node bench: what the node adds over a direct `fetch` to the same local server.
// Three ways to GET the same small JSON answer from a plain Node server on 127.0.0.1, one request
// after another, interleaved in rounds so that machine noise hits all three alike:
//   direct   global fetch (undici), keep-alive                                  the floor the issue names
//   request  undici.request on a plain Agent (the same client, no guard)        the floor of the client used
//   guarded  the outbound client (address policy in the connector, capped read)  what the guard adds
//   request, new connection / guarded, new connection: the same two on a server that closes each connection
//   node     executeRun of start -> http-request -> end with the engine's fetcher  what the whole node adds
// Prints p50/p99 per way and the added p50 over direct (the issue's target: <= 1 ms p50 for the node).
// Needs a build: `node .ci/build.mjs && node bench/http-node.mjs [--dist dist] [--requests 2000]`.
import { createServer } from 'node:http';
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import { createRequire } from 'node:module';

const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const dist = path.resolve(opt('--dist', 'dist'));
const requests = Number(opt('--requests', '2000'));
const require = createRequire(import.meta.url);
const { parseWorkflowGraph } = require(path.join(dist, 'libs/workflow-dsl/src/index.js'));
const { executeRun } = require(path.join(dist, 'libs/workflow-runtime/src/index.js'));
const { Agent, request } = require('undici');
const { GuardedHttpClient, OutboundAddressPolicy, parseAllowList } = require(path.join(dist, 'libs/outbound-http/src/index.js'));

const answer = JSON.stringify({ ok: true, items: [1, 2, 3] });
const server = createServer((req, res) => {
  // /close ends each connection after its answer: the next request opens (and the guard checks) a new one
  const close = req.url.startsWith('/close') ? { connection: 'close' } : {};
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(answer), ...close });
  res.end(answer);
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${server.address().port}/items?x=1`;
const closeUrl = `http://127.0.0.1:${server.address().port}/close`;

const allow = parseAllowList('127.0.0.1');
const client = new GuardedHttpClient({ policy: new OutboundAddressPolicy(allow.value) });
const fetcher = { fetch: (req) => client.request(req) };
const parsed = parseWorkflowGraph({
  nodes: [
    { id: 'start', data: { type: 'start', variables: [] } },
    { id: 'http', data: { type: 'http-request', method: 'get', url, headers: 'Accept: application/json', params: '' } },
    { id: 'end', data: { type: 'end', outputs: [{ variable: 'body', value_selector: ['http', 'body'] }] } },
  ],
  edges: [
    { source: 'start', target: 'http' },
    { source: 'http', target: 'end' },
  ],
});
if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
const ports = {
  llm: { chat: async () => ({}) },
  http: fetcher,
  checkpoints: { nodeStarted: async () => undefined, nodeFinished: async () => undefined },
  events: { emit: () => undefined },
};
const plain = new Agent();
const timeouts = { connectMs: 10_000, readMs: 60_000, writeMs: 60_000 };

const ways = {
  direct: async () => {
    const res = await fetch(url, { headers: { accept: 'application/json' } });
    if ((await res.text()) !== answer) throw new Error('direct: wrong body');
  },
  request: async () => {
    const res = await request(url, { headers: { accept: 'application/json' }, dispatcher: plain });
    if ((await res.body.text()) !== answer) throw new Error('request: wrong body');
  },
  guarded: async () => {
    const res = await client.request({
      method: 'GET',
      url,
      headers: [['Accept', 'application/json']],
      body: null,
      timeouts,
      maxResponseBytes: 10 * 1024 * 1024,
      sslVerify: true,
    });
    if (res.body.length !== Buffer.byteLength(answer)) throw new Error('guarded: wrong body');
  },
  'request, new connection': async () => {
    const res = await request(closeUrl, { dispatcher: plain });
    await res.body.text();
  },
  'guarded, new connection': async () => {
    const res = await client.request({
      method: 'GET',
      url: closeUrl,
      headers: [],
      body: null,
      timeouts,
      maxResponseBytes: 1024,
      sslVerify: true,
    });
    if (res.body.length !== Buffer.byteLength(answer)) throw new Error('guarded: wrong body');
  },
  node: async (i) => {
    const out = await executeRun({
      runId: `run_${i}`,
      workflowId: 'wf',
      workflowVersionId: 'wfv',
      graph: parsed.graph,
      inputs: {},
      finished: [],
      ports,
    });
    if (out.status !== 'succeeded' || out.outputs.body !== answer) throw new Error(`node: ${out.status} ${out.error}`);
  },
};

const samples = Object.fromEntries(Object.keys(ways).map((k) => [k, []]));
const ROUND = 50;
// warm-up: connections open, code paths compiled
for (let i = 0; i < 200; i++) for (const f of Object.values(ways)) await f(i);
for (let done = 0; done < requests; done += ROUND)
  for (const [name, f] of Object.entries(ways))
    for (let i = 0; i < ROUND; i++) {
      const t0 = performance.now();
      await f(done + i);
      samples[name].push(performance.now() - t0);
    }

const signed = (x) => `${x < 0 ? '−' : '+'}${Math.abs(x).toFixed(3)}`;
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const p50 = Object.fromEntries(Object.entries(samples).map(([k, xs]) => [k, pct(xs, 50)]));
console.log(`http-request node bench: ${requests} GETs per way to a local server, Node ${process.version}`);
console.log('| way | p50 ms | p99 ms | added p50 ms over direct | added p50 ms over request |');
console.log('| --- | ---: | ---: | ---: | ---: |');
for (const [name, xs] of Object.entries(samples))
  console.log(
    `| ${name} | ${pct(xs, 50).toFixed(3)} | ${pct(xs, 99).toFixed(3)} | ${name === 'direct' ? 'baseline' : signed(p50[name] - p50.direct)} | ${name === 'request' ? 'baseline' : signed(p50[name] - p50.request)} |`,
  );
await client.close();
await plain.close();
server.close();
