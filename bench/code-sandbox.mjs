#!/usr/bin/env node
// Code node bench: µs per execution of a 5-line JavaScript and a 5-line Python `main` through Shoal's
// code sandbox after warm-up, against floors measured in the same run: the same JavaScript as a plain
// function call in Node, in node:vm (a reused context), in QuickJS in this thread (one context reused with
// no reset: QuickJS's own cost; and a fresh runtime and context each, as the worker did before it restored
// a snapshot), and a bare worker-thread message round trip; the same Python in an in-process Pyodide.
// Also: Pyodide's cold start (first Python execution) and the resident memory of a Python process.
// Needs a build: `node .ci/build.mjs && node bench/code-sandbox.mjs [--runs 3000] [--js-only] [--baseline DIR]`.
// --baseline DIR: also the JavaScript sandbox of another build's dist/ (e.g. main's), measured in rounds
// alternating with this build's so that the machine's load falls on both alike; each is the median round.
import { performance } from 'node:perf_hooks';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';

const args = process.argv.slice(2);
const runs = Number(args.includes('--runs') ? args[args.indexOf('--runs') + 1] : '3000');
const jsOnly = args.includes('--js-only');
const baselineDist = args.includes('--baseline') ? path.resolve(args[args.indexOf('--baseline') + 1]) : null;
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const require = createRequire(import.meta.url);
const { WorkerCodeSandbox } = require(path.join(root, 'dist/libs/code-sandbox/src/index.js'));

const JS = `function main({ a, b, text }) {
  const words = text.split(' ');
  const total = a * b + words.length;
  return { total, upper: text.toUpperCase(), first: words[0] };
}`;
const PY = `def main(a, b, text):
    words = text.split(" ")
    total = a * b + len(words)
    return {"total": total, "upper": text.upper(), "first": words[0]}
`;
const inputs = { a: 6, b: 7, text: 'the quick brown fox' };

async function perRun(n, fn) {
  for (let i = 0; i < Math.min(200, n); i++) await fn(); // warm-up
  const t = performance.now();
  for (let i = 0; i < n; i++) await fn();
  return ((performance.now() - t) / n) * 1000;
}

// floors for JavaScript
const plain = new Function(`${JS}; return main;`)();
const plainUs = await perRun(runs * 20, () => JSON.parse(JSON.stringify(plain(JSON.parse(JSON.stringify(inputs))))));
const context = vm.createContext({});
const script = new vm.Script(`${JS}\nJSON.stringify(main(JSON.parse(__inputs)))`);
const vmUs = await perRun(runs, () => {
  context.__inputs = JSON.stringify(inputs);
  return JSON.parse(script.runInContext(context));
});
const { newQuickJSWASMModuleFromVariant } = require('quickjs-emscripten-core');
const variant = require('@jitl/quickjs-wasmfile-release-sync').default;
const quickjs = await newQuickJSWASMModuleFromVariant(variant);
const quickjsFreshUs = await perRun(runs, () => {
  const rt = quickjs.newRuntime();
  rt.setMemoryLimit(64 << 20);
  rt.setInterruptHandler(() => false);
  const ctx = rt.newContext();
  const r = ctx.evalCode(`${JS}\nJSON.stringify(main(${JSON.stringify(inputs)}))`);
  const out = JSON.parse(ctx.getString(ctx.unwrapResult(r)));
  ctx.dispose();
  rt.dispose();
  return out;
});
// as the worker runs a job (the code as a script, then a runner compiled once), minus the reset
const reusedRt = quickjs.newRuntime();
reusedRt.setMemoryLimit(64 << 20);
reusedRt.setInterruptHandler(() => false);
const reused = reusedRt.newContext();
const runner = reused.unwrapResult(reused.evalCode('(inputs) => JSON.stringify(main(JSON.parse(inputs)))'));
const quickjsReusedUs = await perRun(runs, () => {
  reused.unwrapResult(reused.evalCode(JS, 'main.js')).dispose();
  const arg = reused.newString(JSON.stringify(inputs));
  const r = reused.unwrapResult(reused.callFunction(runner, reused.undefined, arg));
  arg.dispose();
  const out = JSON.parse(reused.getString(r));
  r.dispose();
  return out;
});
// a worker thread that answers each message at once: the host-worker round trip alone
const echo = new Worker(
  "require('node:worker_threads').parentPort.on('message', (m) => require('node:worker_threads').parentPort.postMessage({ id: m.id, ok: true, output: '{}' }))",
  { eval: true },
);
const roundTripUs = await perRun(
  runs,
  () =>
    new Promise((resolve) => {
      echo.once('message', resolve);
      echo.postMessage({
        id: 1,
        code: JS,
        inputs: JSON.stringify(inputs),
        timeoutMs: 15000,
        memoryBytes: 64 << 20,
        maxOutputBytes: 1 << 20,
      });
    }),
);
await echo.terminate();

const sandbox = new WorkerCodeSandbox({ jsWorkers: 1, pythonProcesses: 1 });
const baseline = baselineDist
  ? new (require(path.join(baselineDist, 'libs/code-sandbox/src/index.js')).WorkerCodeSandbox)({ jsWorkers: 1 })
  : null;
const jsRounds = [];
const baselineRounds = [];
for (let round = 0; round < 3; round++) {
  jsRounds.push(await perRun(Math.ceil(runs / 3), () => sandbox.run({ language: 'javascript', code: JS, inputs })));
  if (baseline) baselineRounds.push(await perRun(Math.ceil(runs / 3), () => baseline.run({ language: 'javascript', code: JS, inputs })));
}
baseline?.close();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const jsUs = median(jsRounds);
const f = (us) => (us >= 1000 ? `${(us / 1000).toFixed(2)} ms` : `${us.toFixed(1)} µs`);
const x = (a, b) => `${(a / b).toFixed(a < b ? 2 : 1)}×`;
console.log(`Code node bench, ${runs} runs after warm-up, Node ${process.version}`);
console.log('| what | per execution | Shoal / this |');
console.log('| --- | --- | --- |');
console.log(`| JavaScript through Shoal's sandbox (QuickJS worker, state restored from a snapshot each) | ${f(jsUs)} | |`);
if (baseline) {
  const b = median(baselineRounds);
  console.log(`| baseline: the same through ${args[args.indexOf('--baseline') + 1]} | ${f(b)} | ${x(jsUs, b)} |`);
}
console.log(`| floor: plain function call in Node (with JSON in and out) | ${f(plainUs)} | ${x(jsUs, plainUs)} |`);
console.log(`| floor: node:vm, one reused context | ${f(vmUs)} | ${x(jsUs, vmUs)} |`);
console.log(
  `| floor: QuickJS in this thread, one context reused, no reset (not isolated) | ${f(quickjsReusedUs)} | ${x(jsUs, quickjsReusedUs)} |`,
);
console.log(`| floor: a worker-thread message round trip, nothing run | ${f(roundTripUs)} | ${x(jsUs, roundTripUs)} |`);
console.log(
  `| before: QuickJS in this thread, fresh runtime and context each (no round trip) | ${f(quickjsFreshUs)} | ${x(jsUs, quickjsFreshUs)} |`,
);
if (jsOnly) {
  sandbox.close();
  process.exit(0);
}

// Python: cold start, then per execution, then the in-process floor
let t = performance.now();
await sandbox.run({ language: 'python3', code: PY, inputs });
const coldMs = performance.now() - t;
const pyUs = await perRun(Math.max(200, runs / 5), () => sandbox.run({ language: 'python3', code: PY, inputs }));
const childRss = (() => {
  // the newest child of this process is the Pyodide one
  try {
    const kids = readFileSync(`/proc/${process.pid}/task/${process.pid}/children`, 'utf8').trim().split(/\s+/).map(Number);
    const pid = kids[kids.length - 1];
    return Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * 4096;
  } catch {
    return NaN;
  }
})();
sandbox.close();
const { loadPyodide } = require('pyodide/pyodide.js');
t = performance.now();
const py = await loadPyodide({ stdout: () => undefined, stderr: () => undefined });
const inProcessLoadMs = performance.now() - t;
const call = py.runPython(`import json\n${PY}\ndef __call(s):\n    return json.dumps(main(**json.loads(s)))\n__call`);
const pyFloorUs = await perRun(Math.max(200, runs / 5), () => JSON.parse(call(JSON.stringify(inputs))));

console.log(`| Python through Shoal's sandbox (Pyodide process, module state reset each) | ${f(pyUs)} | |`);
console.log(`| floor: the same Python in an in-process Pyodide | ${f(pyFloorUs)} | ${x(pyUs, pyFloorUs)} |`);
console.log(`| floor: the same computation as plain JavaScript | ${f(plainUs)} | ${x(pyUs, plainUs)} |`);
console.log(
  `Python cold start (first execution, Pyodide loading in a new process): ${coldMs.toFixed(0)} ms; in-process loadPyodide: ${inProcessLoadMs.toFixed(0)} ms; Python process resident: ${(childRss / 1048576).toFixed(0)} MiB`,
);
process.exit(0);
