#!/usr/bin/env node
// In-process runtime bench: executeRun on a 10-node linear graph (start, 8 LLM nodes, end) with
// no-op ports, against the same number of plain awaited async calls. Prints µs per node and the ratio;
// then µs per node execution of an 8-way fan-out/fan-in, a 100-item parallel iteration and a 50-round
// loop, each against the linear graph's, and each shape's time per run against the same graph in
// LangGraph (StateGraph without a checkpointer; Send for the iteration) when @langchain/langgraph is installed.
// Every timed measurement, Shoal's and LangGraph's alike, starts after its warm-up from a collected heap:
// the garbage one measurement leaves (LangGraph's above all) otherwise keeps V8 marking through the next.
// Needs a build: `node .ci/build.mjs && node bench/runtime.mjs [--dist dist] [--runs 20000] [--no-langgraph]`.
import { performance } from 'node:perf_hooks';
import path from 'node:path';
import { createRequire } from 'node:module';
import v8 from 'node:v8';
import vm from 'node:vm';

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
// The store answers as Shoal's own does (NodeCheckpointsRepository): a promise for a node with effects
// (the LLM nodes), nothing for a deterministic node, whose record a real store keeps for its next write.
const stored = async () => undefined;
const checkpoint = (rec) => (rec.deterministic ? undefined : stored());
const ports = {
  llm: { chat: async () => result },
  checkpoints: { nodeStarted: checkpoint, nodeFinished: checkpoint },
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

v8.setFlagsFromString('--expose-gc');
const collectGarbage = vm.runInNewContext('gc');

/**
 * Best of five timed rounds, after a warm-up, per node: wall time, and the CPU time the process used
 * (every thread: the JIT's and the GC's helpers too). On a shared machine the wall time also counts
 * the moments another process had the core; the CPU time does not, so it is the steadier figure to
 * compare between runs. Both are printed.
 */
async function time(fn, nodesPerRun = NODES, total = runs) {
  for (let i = 0; i < Math.min(2000, total); i++) await fn(i);
  collectGarbage();
  let wall = Infinity;
  let cpu = Infinity;
  for (let round = 0; round < 5; round++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let i = 0; i < total / 5; i++) await fn(i);
    const t1 = performance.now();
    const c1 = process.cpuUsage(c0);
    wall = Math.min(wall, ((t1 - t0) * 1000) / (total / 5) / nodesPerRun);
    cpu = Math.min(cpu, (c1.user + c1.system) / (total / 5) / nodesPerRun);
  }
  return { wall, cpu };
}

const base = await time(baselineOnce);
const engine = await time(runOnce);
const us = (t) => `${t.wall.toFixed(2)} µs/node (CPU ${t.cpu.toFixed(2)})`;
console.log(
  `runtime: ${us(engine)}, plain awaited calls: ${us(base)}, overhead ${(engine.wall - base.wall).toFixed(2)} µs/node (${(engine.wall / base.wall).toFixed(1)}x) on a ${NODES}-node linear graph`,
);

// Branching and container shapes, each measured per node execution and set against the linear graph.
function parse(g) {
  const r = parseWorkflowGraph(g);
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.graph;
}
const llm = (id, text, parentId) =>
  Object.assign(
    { id, data: { type: 'llm', model: { name: 'm' }, prompt_template: [{ role: 'user', text }] } },
    parentId ? { parentId } : {},
  );

// start -> 8 LLM nodes -> a template joining them -> end: 11 node executions
const FAN = 8;
const fanNodes = [{ id: 'start', data: { type: 'start', variables: [{ variable: 'q', type: 'text-input' }] } }];
const fanEdges = [];
for (let i = 0; i < FAN; i++) {
  fanNodes.push(llm(`b${i}`, '{{#start.q#}}'));
  fanEdges.push({ source: 'start', target: `b${i}` }, { source: `b${i}`, target: 'join' });
}
fanNodes.push({
  id: 'join',
  data: {
    type: 'template-transform',
    template: '{{ a }}',
    variables: Array.from({ length: FAN }, (_, i) => ({ variable: i === 0 ? 'a' : `v${i}`, value_selector: [`b${i}`, 'text'] })),
  },
});
fanNodes.push({ id: 'end', data: { type: 'end', outputs: [{ variable: 'out', value_selector: ['join', 'output'] }] } });
fanEdges.push({ source: 'join', target: 'end' });
const fanout = parse({ nodes: fanNodes, edges: fanEdges });

// start -> iteration over 100 items, 10 rounds at a time { iteration-start -> llm } -> end: 203 node executions
const ITEMS = 100;
const iteration = parse({
  nodes: [
    { id: 'start', data: { type: 'start', variables: [{ variable: 'items', type: 'json_object' }] } },
    {
      id: 'iter',
      data: {
        type: 'iteration',
        start_node_id: 'is',
        iterator_selector: ['start', 'items', 'list'],
        output_selector: ['ask', 'text'],
        is_parallel: true,
        parallel_nums: 10,
      },
    },
    { id: 'is', parentId: 'iter', data: { type: 'iteration-start' } },
    llm('ask', '{{#iter.item#}}', 'iter'),
    { id: 'end', data: { type: 'end', outputs: [{ variable: 'out', value_selector: ['iter', 'output'] }] } },
  ],
  edges: [
    { source: 'start', target: 'iter' },
    { source: 'is', target: 'ask' },
    { source: 'iter', target: 'end' },
  ],
});
const items = { list: Array.from({ length: ITEMS }, (_, i) => `item ${i}`) };

// start -> loop of 50 rounds { loop-start -> assigner } -> end: 103 node executions
const ROUNDS = 50;
const loop = parse({
  nodes: [
    { id: 'start', data: { type: 'start', variables: [] } },
    {
      id: 'loop',
      data: {
        type: 'loop',
        start_node_id: 'ls',
        loop_count: ROUNDS,
        break_conditions: [],
        logical_operator: 'and',
        loop_variables: [{ label: 'n', var_type: 'number', value_type: 'constant', value: 0 }],
      },
    },
    { id: 'ls', parentId: 'loop', data: { type: 'loop-start' } },
    {
      id: 'inc',
      parentId: 'loop',
      data: {
        type: 'assigner',
        version: '2',
        items: [{ variable_selector: ['loop', 'n'], input_type: 'constant', operation: '+=', value: 1 }],
      },
    },
    { id: 'end', data: { type: 'end', outputs: [{ variable: 'n', value_selector: ['loop', 'n'] }] } },
  ],
  edges: [
    { source: 'start', target: 'loop' },
    { source: 'ls', target: 'inc' },
    { source: 'loop', target: 'end' },
  ],
});

// The same shapes in LangGraph (no checkpointer), with the same no-op LLM, when it is installed.
async function langGraphShapes() {
  if (args.includes('--no-langgraph')) return null; // e.g. under --cpu-prof, to profile Shoal alone
  let lg;
  try {
    lg = await import('@langchain/langgraph');
  } catch {
    return null;
  }
  const { StateGraph, Annotation, Send, START, END } = lg;
  const last = (a, b) => b;
  const chat = async (v) => (await ports.llm.chat({ messages: [{ role: 'user', content: v }] })).text;

  const Chain = Annotation.Root({ v: Annotation({ reducer: last, default: () => '' }) });
  let chain = new StateGraph(Chain).addNode('start', (s) => ({ v: s.v })).addEdge(START, 'start');
  let prev = 'start';
  for (let i = 0; i < NODES - 2; i++) {
    chain = chain.addNode(`n${i}`, async (s) => ({ v: await chat(s.v) })).addEdge(prev, `n${i}`);
    prev = `n${i}`;
  }
  chain = chain
    .addNode('end', (s) => ({ v: s.v }))
    .addEdge(prev, 'end')
    .addEdge('end', END);

  const Fan = Annotation.Root({
    q: Annotation({ reducer: last, default: () => '' }),
    texts: Annotation({ reducer: (a, b) => a.concat(b), default: () => [] }),
    out: Annotation({ reducer: last, default: () => '' }),
  });
  let fan = new StateGraph(Fan).addNode('start', () => ({})).addEdge(START, 'start');
  for (let i = 0; i < FAN; i++) fan = fan.addNode(`b${i}`, async (s) => ({ texts: [await chat(s.q)] })).addEdge('start', `b${i}`);
  fan = fan
    .addNode('join', (s) => ({ out: s.texts[0] }))
    .addEdge(
      Array.from({ length: FAN }, (_, i) => `b${i}`),
      'join',
    )
    .addEdge('join', END);

  const Map = Annotation.Root({
    list: Annotation({ reducer: last, default: () => [] }),
    results: Annotation({ reducer: (a, b) => a.concat(b), default: () => [] }),
  });
  const map = new StateGraph(Map)
    .addNode('ask', async (s) => ({ results: [{ i: s.i, text: await chat(s.item) }] }))
    .addNode('collect', (s) => ({
      results: [],
      list: s.results
        .slice()
        .sort((a, b) => a.i - b.i)
        .map((r) => r.text),
    }))
    .addConditionalEdges(START, (s) => s.list.map((item, i) => new Send('ask', { item, i })))
    .addEdge('ask', 'collect')
    .addEdge('collect', END);

  const Loop = Annotation.Root({ n: Annotation({ reducer: last, default: () => 0 }) });
  const loop = new StateGraph(Loop)
    .addNode('inc', (s) => ({ n: s.n + 1 }))
    .addEdge(START, 'inc')
    .addConditionalEdges('inc', (s) => (s.n >= ROUNDS ? END : 'inc'));

  const shapes = {
    chain: { graph: chain.compile(), input: { v: 'x' }, config: {}, ok: (r) => r.v === 'ok' },
    fan: { graph: fan.compile(), input: { q: 'x' }, config: {}, ok: (r) => r.out === 'ok' && r.texts.length === FAN },
    map: { graph: map.compile(), input: { list: items.list }, config: { maxConcurrency: 10 }, ok: (r) => r.list.length === ITEMS },
    loop: { graph: loop.compile(), input: { n: 0 }, config: { recursionLimit: ROUNDS * 2 + 10 }, ok: (r) => r.n === ROUNDS },
  };
  // each does the same work as its Shoal counterpart, checked once
  for (const [name, shape] of Object.entries(shapes))
    if (!shape.ok(await shape.graph.invoke(shape.input, shape.config))) throw new Error(`LangGraph ${name}: unexpected result`);
  return shapes;
}
const langGraph = await langGraphShapes();

const shapes = [
  { name: `${NODES}-node linear graph`, graph, inputs: { q: 'x' }, nodes: NODES, lg: langGraph?.chain },
  { name: `${FAN}-way fan-out/fan-in`, graph: fanout, inputs: { q: 'x' }, nodes: FAN + 3, lg: langGraph?.fan },
  {
    name: `${ITEMS}-item parallel iteration (10 at a time)`,
    graph: iteration,
    inputs: { items },
    nodes: 3 + 2 * ITEMS,
    lg: langGraph?.map,
  },
  { name: `${ROUNDS}-round loop`, graph: loop, inputs: {}, nodes: 3 + 2 * ROUNDS, lg: langGraph?.loop },
];
for (const shape of shapes) {
  let checked = false;
  const once = async (i) => {
    const outcome = await executeRun({
      runId: `run_${i}`,
      workflowId: 'wf',
      workflowVersionId: 'wfv',
      graph: shape.graph,
      inputs: shape.inputs,
      finished: [],
      ports,
    });
    if (!checked) {
      if (outcome.status !== 'succeeded' || outcome.steps !== shape.nodes)
        throw new Error(`${shape.name}: ${outcome.status} after ${outcome.steps} steps: ${outcome.error}`);
      checked = true;
    }
  };
  const total = Math.max(50, Math.round((runs * NODES) / shape.nodes));
  const perNode = await time(once, shape.nodes, total);
  let line = `runtime: ${us(perNode)} on a ${shape.name} (${shape.nodes} node executions, ${((perNode.wall * shape.nodes) / 1000).toFixed(2)} ms/run), ${(perNode.wall / engine.wall).toFixed(2)}x the linear graph's`;
  if (shape.lg) {
    const { graph: g, input, config } = shape.lg;
    const lgRun = await time(() => g.invoke(input, config), 1, Math.max(20, Math.round(total / 4)));
    const ratio = (kind) => (lgRun[kind] / (perNode[kind] * shape.nodes)).toFixed(0);
    line += `; LangGraph ${(lgRun.wall / 1000).toFixed(2)} ms/run (CPU ${(lgRun.cpu / 1000).toFixed(2)}), ${ratio('wall')}x Shoal's time (CPU ${ratio('cpu')}x)`;
  }
  console.log(line);
}
if (!langGraph) console.log('(LangGraph comparison skipped: @langchain/langgraph is not installed)');
