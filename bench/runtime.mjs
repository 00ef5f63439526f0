#!/usr/bin/env node
// In-process runtime bench: executeRun on a 10-node linear graph (start, 8 LLM nodes, end) with
// no-op ports, against the same number of plain awaited async calls. Prints µs per node and the ratio.
// Needs a build: `node .ci/build.mjs && node bench/runtime.mjs [--dist dist] [--runs 20000]`.
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import { createRequire } from 'node:module';

const args = process.argv.slice(2);
const opt = (name, dflt) => (args.includes(name) ? args[args.indexOf(name) + 1] : dflt);
const dist = path.resolve(opt('--dist', 'dist'));
const runs = Number(opt('--runs', '20000'));
const require = createRequire(import.meta.url);
const { parseWorkflowGraph } = require(path.join(dist, 'libs/workflow-dsl/src/index.js'));
const { executeRun } = require(path.join(dist, 'libs/workflow-runtime/src/index.js'));

const NODES = 10;
const nodes = [{ id: 'start', data: { type: 'start', variables: [{ variable: 'q', type: 'text-input' }] } }];
const edges = [];
let previous = 'start';
for (let i = 0; i < NODES - 2; i++) {
  const id = `n${i}`;
  nodes.push({
    id,
    data: {
      type: 'llm',
      model: { name: 'm' },
      prompt_template: [{ role: 'user', text: `{{#${previous === 'start' ? 'start.q' : `${previous}.text`}#}}` }],
    },
  });
  edges.push({ source: previous, target: id });
  previous = id;
}
nodes.push({ id: 'end', data: { type: 'end', outputs: [{ variable: 'out', value_selector: [previous, 'text'] }] } });
edges.push({ source: previous, target: 'end' });
const parsed = parseWorkflowGraph({ nodes, edges });
if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
const graph = parsed.graph;

const result = { text: 'ok', usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 }, model: 'm', finishReason: 'stop' };
const ports = {
  llm: { chat: async () => result },
  checkpoints: { nodeStarted: async () => undefined, nodeFinished: async () => undefined },
  events: { emit: () => undefined },
  clock: { now: () => 0 },
};
const runOnce = (i) =>
  executeRun({ runId: `run_${i}`, workflowId: 'wf', workflowVersionId: 'wfv', graph, inputs: { q: 'x' }, finished: [], ports });

// Baseline: per node, the awaits a node costs at minimum (start, chat, finish), as plain functions.
const step = async (x) => x;
async function baselineOnce() {
  let v = 'x';
  for (let n = 0; n < NODES; n++) {
    await step(v);
    v = await ports.llm.chat();
    await step(v);
  }
  return v;
}

async function time(fn) {
  for (let i = 0; i < Math.min(2000, runs); i++) await fn(i);
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const t0 = performance.now();
    for (let i = 0; i < runs / 5; i++) await fn(i);
    best = Math.min(best, ((performance.now() - t0) * 1000) / (runs / 5) / NODES);
  }
  return best;
}

const base = await time(baselineOnce);
const engine = await time(runOnce);
console.log(
  `runtime: ${engine.toFixed(2)} µs/node, plain awaited calls: ${base.toFixed(2)} µs/node, overhead ${(engine - base).toFixed(2)} µs/node (${(engine / base).toFixed(1)}x) on a ${NODES}-node linear graph`,
);
