#!/usr/bin/env node
// Behaviour check for runtime performance work: runs the Dify compatibility fixtures' graphs
// (test/compat/dsl) through two builds of the runtime with deterministic fake ports and compares
// their transcripts: every checkpoint record and event as JSON when it was handed over (key order
// included), each again at the run's end (a record or event changed after hand-over is reported),
// the LLM and HTTP requests, and the outcome. Each fixture run goes with ports that answer in the
// same microtask turn ("same-turn") and with ports that answer a macrotask later ("macrotask"),
// streaming and not, uncancelled, cancelled at each event, and resumed from each prefix of the
// first run's finish records. Two builds made with `node .ci/build.mjs` (copied aside):
//   node bench/runtime-equivalence.mjs <distA> <distB> [--only <fixture>] [--events-only] [--show <n>]
// With same-turn ports, concurrent branches interleave by microtask counts, which a faster runtime
// changes; with macrotask ports, as with real stores, nothing may differ.
import { createRequire } from 'node:module';
import path from 'node:path';
import fs from 'node:fs';
import vm from 'node:vm';

const require = createRequire(import.meta.url);
const [distA, distB] = process.argv.slice(2, 4).map((d) => path.resolve(d));
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1] : null;
const verbose = process.argv.includes('-v');
const eventsOnly = process.argv.includes('--events-only');
const show = process.argv.includes('--show') ? Number(process.argv[process.argv.indexOf('--show') + 1]) : 5;
const load = (dist) => ({
  dsl: require(path.join(dist, 'libs/workflow-dsl/src/index.js')),
  rt: require(path.join(dist, 'libs/workflow-runtime/src/index.js')),
});
const A = load(distA);
const B = load(distB);

const dir = path.join(path.dirname(new URL(import.meta.url).pathname), '../test/compat/dsl');
const fixtures = fs
  .readdirSync(dir)
  .filter((f) => f.endsWith('.yml'))
  .map((f) => f.slice(0, -4))
  .filter((n) => !only || n.includes(only));

const immediate = () => new Promise((r) => setImmediate(r));

function makePorts(mode, fault, transcript, cancelAt, controller) {
  let faults = fault ? (fault.times ?? Infinity) : 0;
  let clock = 1_700_000_000_000;
  const snap = [];
  let nEvents = 0;
  const log = (kind, obj) => {
    const json = JSON.stringify(obj);
    transcript.push(`${kind} ${json}`);
    snap.push([kind, obj, json]);
  };
  const slow = mode === 'macrotask';
  const llm = {
    async chat(req) {
      const last = req.messages[req.messages.length - 1];
      const text = typeof last.content === 'string' ? last.content : JSON.stringify(last.content);
      log('llm', {
        callId: req.callId,
        nodeId: req.nodeId,
        model: req.model,
        messages: req.messages,
        params: req.params,
        tools: req.tools,
        responseFormat: req.responseFormat,
      });
      if (slow) await immediate();
      if (faults > 0 && (!fault.onlyModels || fault.onlyModels.includes(req.model))) {
        faults--;
        throw Object.assign(new Error(`mock fault ${fault.status ?? 500}`), { status: fault.status ?? 500 });
      }
      let answer = `Mock answer: ${text}`;
      if (req.responseFormat) answer = JSON.stringify({ answer: text.slice(0, 10), n: 1 });
      if (req.tools?.length) {
        return {
          text: '',
          toolCalls: [{ id: 'call_1', name: req.tools[0].name, arguments: JSON.stringify({ q: text.slice(0, 5) }) }],
          usage: { promptTokens: 3, completionTokens: 2, totalTokens: 5 },
          model: req.model,
          finishReason: 'tool_calls',
        };
      }
      if (req.onChunk)
        for (const w of answer.split(/(?<= )/)) {
          req.onChunk(w);
          if (slow) await immediate();
        }
      return {
        text: answer,
        usage: { promptTokens: 3, completionTokens: 2, totalTokens: 5 },
        model: req.model,
        finishReason: 'stop',
        cost: { amount: '0.001', currency: 'USD' },
      };
    },
  };
  const checkpoints = {
    async nodeStarted(rec) {
      log('started', rec);
      if (slow) await immediate();
    },
    async nodeFinished(rec) {
      log('finished', rec);
      if (slow) await immediate();
    },
  };
  const events = {
    emit(body) {
      log('event', body);
      nEvents++;
      if (cancelAt !== null && nEvents === cancelAt) controller.abort();
      if (slow) return immediate();
      return undefined;
    },
  };
  const http = {
    async fetch(req) {
      log('http', {
        method: req.method,
        url: req.url,
        headers: req.headers,
        body: req.body ? Buffer.from(req.body).toString('utf8') : null,
      });
      if (slow) await immediate();
      if (faults > 0) {
        faults--;
        return {
          status: fault.status ?? 500,
          headers: [['content-type', 'text/plain']],
          body: new TextEncoder().encode('fault'),
          url: req.url,
        };
      }
      return {
        status: 200,
        headers: [['content-type', 'application/json']],
        body: new TextEncoder().encode('{"ok":true,"items":[1,2,3]}'),
        url: req.url,
      };
    },
  };
  const code = {
    async run(req) {
      if (slow) await immediate();
      if (req.language !== 'javascript') throw new Error('python is not available here');
      return vm.runInNewContext(`${req.code}\n;main(__inputs)`, { __inputs: req.inputs }, { timeout: 1000 });
    },
  };
  return {
    ports: {
      llm,
      checkpoints,
      events,
      http,
      code,
      clock: { now: () => (clock += 7) },
      sleeper: {
        sleep: async () => {
          await immediate();
        },
      },
    },
    snap,
  };
}

function normalize(lines) {
  const ids = new Map();
  return lines.map((l) =>
    l.replace(/nex_[0-9a-z]{26}/g, (m) => {
      if (!ids.has(m)) ids.set(m, `nex_${ids.size}`);
      return ids.get(m);
    }),
  );
}

async function runOne(impl, graph, run, mode, cancelAt, resumeFrom, stream) {
  const transcript = [];
  const controller = new AbortController();
  const opts = {
    runId: 'run_1',
    workflowId: 'wf_1',
    workflowVersionId: 'wfv_1',
    graph,
    inputs: run.inputs,
    finished: [],
    sys: run.query !== undefined ? { query: run.query, user_id: 'u1', conversation_id: 'c1' } : { user_id: 'u1' },
    streamChunks: stream,
    signal: controller.signal,
  };
  let fault = run.mock_fault;
  if (resumeFrom) {
    opts.finished = resumeFrom.finished;
    opts.startedAttempts = resumeFrom.started;
    opts.streamedText = '';
    fault = null;
  }
  const { ports, snap } = makePorts(mode, fault, transcript, cancelAt, controller);
  opts.ports = ports;
  let outcome;
  try {
    outcome = await impl.rt.executeRun(opts);
  } catch (e) {
    outcome = { thrown: String(e && e.message) };
  }
  transcript.push(`outcome ${JSON.stringify(outcome)}`);
  for (const [kind, obj, json] of snap)
    if (JSON.stringify(obj) !== json) transcript.push(`MUTATED ${kind} ${json} -> ${JSON.stringify(obj)}`);
  const lines = normalize(transcript);
  lines.snap = snap;
  return lines;
}

function resumePoint(snap, k) {
  const finished = snap
    .filter(([kind]) => kind === 'finished')
    .map(([, r]) => JSON.parse(JSON.stringify(r)))
    .slice(0, k);
  const started = new Map();
  for (const [kind, r] of snap) if (kind === 'started') started.set(r.executionKey, r.attempt);
  return { finished, started };
}

function graphOf(impl, yaml) {
  const r = impl.dsl.importDifyDsl(yaml);
  if (!r.ok) return null;
  const p = impl.dsl.parseWorkflowGraph(r.workflow.graph);
  return p.ok ? p.graph : null;
}

const kinds = new Map();
let compared = 0;
let differing = 0;
let events = 0;
for (const name of fixtures) {
  const yaml = fs.readFileSync(path.join(dir, `${name}.yml`), 'utf8');
  const c = JSON.parse(fs.readFileSync(path.join(dir, `${name}.case.json`), 'utf8'));
  const gA = graphOf(A, yaml);
  const gB = graphOf(B, yaml);
  if (!gA || !gB) {
    if (verbose) console.log(`skip ${name} (not importable)`);
    continue;
  }
  for (const run of c.runs) {
    for (const mode of ['same-turn', 'macrotask'])
      for (const stream of [false, true]) {
        const base = await runOne(A, gA, run, mode, null, null, stream);
        const nEvents = base.filter((l) => l.startsWith('event ')).length;
        const nFinished = base.filter((l) => l.startsWith('finished ')).length;
        const variants = [[null, null]];
        for (let k = 1; k <= nEvents; k += mode === 'macrotask' ? 1 : 2) variants.push([k, null]);
        for (let k = 0; k <= nFinished; k++) variants.push([null, k]);
        for (const [cancelAt, resumeAt] of variants) {
          const from = resumeAt === null ? null : resumePoint(base.snap, resumeAt);
          const a = cancelAt === null && resumeAt === null ? base : await runOne(A, gA, run, mode, cancelAt, from, stream);
          const b = await runOne(B, gB, run, mode, cancelAt, from, stream);
          compared++;
          events += a.length;
          const filt = (t) => (eventsOnly ? t.filter((l) => !/^(started|finished|llm|http) /.test(l)) : t);
          const ja = filt(a).join('\n');
          const jb = filt(b).join('\n');
          const mutated = b.some((l) => l.startsWith('MUTATED')) || a.some((l) => l.startsWith('MUTATED'));
          if (ja !== jb || mutated) {
            differing++;
            const kind = `${name} ${mode} ports, ${stream ? 'streaming' : 'blocking'}, ${cancelAt !== null ? 'cancelled' : resumeAt !== null ? 'resumed' : 'plain'}`;
            kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
            if (differing <= show) {
              console.log(`DIFF ${kind} (cancel at event ${cancelAt}, resume after ${resumeAt} records)`);
              for (let i = 0; i < Math.max(a.length, b.length); i++)
                if (a[i] !== b[i]) {
                  console.log(`  line ${i}\n  A: ${a[i]?.slice(0, 600)}\n  B: ${b[i]?.slice(0, 600)}`);
                  break;
                }
              for (const l of [...a, ...b]) if (l.startsWith('MUTATED')) console.log('  ', l.slice(0, 400));
            }
          }
        }
      }
  }
}
for (const [k, v] of kinds) console.log(`  ${k}: ${v}`);
console.log(`${compared} runs compared (${events} transcript lines), ${differing} differ`);
