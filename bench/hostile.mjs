#!/usr/bin/env node
// `node bench/hostile.mjs` (after `npm run build`): what hostile requests cost standalone Shoal, each
// against a benign request of the same kind measured in the same run. Prints a table; asserts nothing.
//  (1) a `number` input of 100,000 digits vs a short number: time to answer, and /healthz meanwhile;
//  (2) runs carrying 9 MB of undeclared inputs: resident memory after N of them vs after N benign runs;
//  (3) JSON nested 3,000 levels deep vs a flat body: status and time.
// Options: --runs <n> (default 60).
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { startService } = require(path.join(root, 'dist/libs/testing/src/index.js'));
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1] || 0) || 60;

const dataDir = mkdtempSync(path.join(tmpdir(), 'shoal-hostile-'));
const shoal = await startService({ app: 'standalone', env: { SHOAL_DATA_DIR: dataDir, LOG_LEVEL: 'error' }, timeoutMs: 180_000 });
const key = readFileSync(path.join(dataDir, 'admin-api-key'), 'utf8').trim();
const auth = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };

async function post(p, body) {
  const t = performance.now();
  const res = await fetch(`${shoal.url}${p}`, {
    method: 'POST',
    headers: auth,
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, ms: performance.now() - t, text };
}
const rss = () => Number(readFileSync(`/proc/${shoal.child.pid}/status`, 'utf8').match(/VmRSS:\s+(\d+)/)[1]) / 1024;

try {
  const wf = await post('/v1/workflows', {
    name: 'hostile',
    graph: {
      nodes: [
        {
          id: 'start',
          data: {
            type: 'start',
            variables: [
              { variable: 'n', type: 'number', required: true },
              { variable: 'q', type: 'paragraph', required: false },
            ],
          },
        },
        { id: 'end', data: { type: 'end', outputs: [{ variable: 'n', value_selector: ['start', 'n'] }] } },
      ],
      edges: [{ source: 'start', target: 'end' }],
    },
  });
  const workflowId = JSON.parse(wf.text).id;
  const runPath = `/v1/workflows/${workflowId}/runs`;
  const rows = [];

  // (1)
  const benign = await post(runPath, { inputs: { n: '12345' }, response_mode: 'blocking' });
  const health = fetch(`${shoal.url}/healthz`).then(() => performance.now());
  const hostileStart = performance.now();
  const hostile = await post(runPath, { inputs: { n: '9'.repeat(100_000) }, response_mode: 'blocking' });
  const healthMs = (await health) - hostileStart;
  rows.push(['(1) number input, 5 digits', benign.status, benign.ms, 'baseline']);
  rows.push([
    '(1) number input, 100,000 digits',
    hostile.status,
    hostile.ms,
    `${(hostile.ms / benign.ms).toFixed(2)}× (healthz answered after ${healthMs.toFixed(1)} ms)`,
  ]);

  // (2)
  const junk = 'j'.repeat(9 * 1024 * 1024);
  const rss0 = rss();
  for (let i = 0; i < runs; i++) await post(runPath, { inputs: { n: 1 }, response_mode: 'blocking' });
  const rssBenign = rss();
  let lastJunk;
  for (let i = 0; i < runs; i++) lastJunk = await post(runPath, { inputs: { n: 1, junk }, response_mode: 'blocking' });
  const rssJunk = rss();
  rows.push([`(2) ${runs} benign runs`, 200, 0, `RSS ${rss0.toFixed(0)} → ${rssBenign.toFixed(0)} MB`]);
  rows.push([
    `(2) ${runs} runs with 9 MB undeclared input`,
    lastJunk.status,
    0,
    `RSS → ${rssJunk.toFixed(0)} MB (${(rssJunk / rssBenign).toFixed(2)}× the benign runs')`,
  ]);

  // (3)
  const flat = await post(runPath, { inputs: { n: 1 }, response_mode: 'blocking' });
  const deep = await post(runPath, `{"inputs":{"n":1,"x":${'['.repeat(3000)}${']'.repeat(3000)}},"response_mode":"blocking"}`);
  rows.push(['(3) flat body', flat.status, flat.ms, 'baseline']);
  rows.push(['(3) body nested 3,000 deep', deep.status, deep.ms, `${(deep.ms / flat.ms).toFixed(2)}×`]);

  console.log('\n| request | status | ms | vs baseline |\n| --- | ---: | ---: | --- |');
  for (const [what, status, ms, ratio] of rows) console.log(`| ${what} | ${status} | ${ms ? ms.toFixed(1) : '—'} | ${ratio} |`);
} finally {
  await shoal.stop();
}
