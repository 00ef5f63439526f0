// A worker thread that runs JavaScript code nodes in QuickJS (WebAssembly). It sets up one interpreter
// (runtime, context, prelude), copies the parts of its WebAssembly memory that hold state, and after
// every execution copies them back: each execution starts from the same bytes, so nothing of one is
// visible to the next, for a few µs instead of a fresh runtime and context (~200 µs).
// QuickJS gets no host function at all. Node runs this file directly (type stripping in tests, swc
// output in dist): it imports no file of ours.
import { parentPort, workerData } from 'node:worker_threads';
import { readFileSync } from 'node:fs';
import { getRandomValues } from 'node:crypto';
import { newQuickJSWASMModuleFromVariant, newVariant, type QuickJSContext, type QuickJSHandle } from 'quickjs-emscripten-core';
import variant from '@jitl/quickjs-wasmfile-release-sync';

interface Job {
  id: number;
  code: string;
  inputs: string;
  timeoutMs: number;
  memoryBytes: number;
  maxOutputBytes: number;
}

/** From the host: quickjs-memory-layout.ts's QuickJsMemoryLayout, and the memory limit its jobs will carry. */
interface WorkerData {
  wasmFile: string;
  dataEnd: number;
  heapBase: number;
  memoryBytes: number;
}

const STACK_BYTES = 256 * 1024;

// Dify runs JavaScript in Node, where code may log: console exists here and discards (no host function
// behind it). The prelude's value is the two functions the worker calls, out of the code's reach:
// - seed: Math.random's state. QuickJS seeds its own from the clock when a context is made, so the
//   snapshot would replay one sequence in every execution; this one (xoshiro128**) is seeded by the
//   worker before each.
// - run: Dify's runner, main over the inputs; the result leaves as JSON text. main is looked up when run
//   is called, after the code was evaluated as a script of its own.
const PRELUDE = `
globalThis.console = Object.freeze(Object.fromEntries(['log', 'info', 'warn', 'error', 'debug', 'trace'].map((k) => [k, () => undefined])));
(() => {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 1;
  const rotl = (x, k) => (x << k) | (x >>> (32 - k));
  const next = () => {
    const r = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0; s3 ^= s1; s1 ^= s2; s0 ^= s3; s2 ^= t; s3 = rotl(s3, 11);
    return r;
  };
  Math.random = function random() { return ((next() >>> 5) * 67108864 + (next() >>> 6)) / 9007199254740992; };
  const seed = (a, b, c, d) => { s0 = a; s1 = b; s2 = c; s3 = d | 1; };
  const run = (inputs) => {
    if (typeof main !== 'function') throw new ReferenceError('the code defines no function main');
    const out = main(JSON.parse(inputs));
    if (out !== null && typeof out === 'object' && typeof out.then === 'function')
      throw new TypeError('main returned a Promise; a code node runs synchronously');
    return JSON.stringify(out === undefined ? null : out);
  };
  return { seed, run };
})()`;

// this lib's TypeScript config has no WebAssembly declarations; Node has the global
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
const WasmMemory = (globalThis as unknown as { WebAssembly: { Memory: new (d: { initial: number; maximum: number }) => WasmMemory } })
  .WebAssembly.Memory;
const WASM_PAGE = 64 * 1024;
// what QuickJS itself needs beside the execution's heap: its static data, stack and runtime structures
const WASM_HEADROOM_BYTES = 16 * 1024 * 1024;

const layout = workerData as WorkerData;
const wasmFile = readFileSync(layout.wasmFile);
const wasmBinary = wasmFile.buffer.slice(wasmFile.byteOffset, wasmFile.byteOffset + wasmFile.byteLength);

/** One QuickJS set up for executions of one memory limit, and the bytes it is reset to after each. */
interface Interpreter {
  memoryBytes: number;
  memory: WasmMemory;
  ctx: QuickJSContext;
  seed: QuickJSHandle;
  run: QuickJSHandle;
  /** Memory [0, layout.dataEnd) and [layout.heapBase, heapBase + heap.length) as they were set up. */
  data: Uint8Array;
  heap: Uint8Array;
}

// the interrupt handler reads these; each job sets them
let deadline = Infinity;
let timedOut = false;

let interpreter: Interpreter | null = null;

/**
 * A QuickJS module on a WebAssembly memory that cannot grow past the execution's memory limit plus
 * headroom: QuickJS's own limit (setMemoryLimit) does not count typed-array and ArrayBuffer storage, so
 * without this cap a loop of `new Uint8Array(…)` grew the worker to gigabytes before the time limit; now
 * such an allocation fails inside QuickJS as out of memory. The memory is new, so everything above the
 * heap's last non-zero byte is still zero when the snapshot is taken.
 */
async function newInterpreter(memoryBytes: number): Promise<Interpreter> {
  const pages = Math.ceil((memoryBytes + WASM_HEADROOM_BYTES) / WASM_PAGE);
  const memory = new WasmMemory({ initial: Math.min(256, pages), maximum: pages });
  const mod = await newQuickJSWASMModuleFromVariant(newVariant(variant, { wasmMemory: memory, wasmBinary }));
  const rt = mod.newRuntime();
  rt.setMemoryLimit(memoryBytes);
  rt.setMaxStackSize(STACK_BYTES);
  rt.setInterruptHandler(() => (timedOut = performance.now() > deadline));
  const ctx = rt.newContext();
  // From here every handle is made before the snapshot (quickjs-emscripten caches some, e.g. ctx.global,
  // on first use; this worker uses none of those) or is disposed before the memory is restored.
  const hooks = ctx.unwrapResult(ctx.evalCode(PRELUDE, 'prelude.js'));
  const seed = ctx.getProp(hooks, 'seed');
  const run = ctx.getProp(hooks, 'run');
  hooks.dispose();
  const top = endOfNonZero(memory.buffer, layout.heapBase);
  const it: Interpreter = {
    memoryBytes,
    memory,
    ctx,
    seed,
    run,
    data: new Uint8Array(memory.buffer.slice(0, layout.dataEnd)),
    heap: new Uint8Array(memory.buffer.slice(layout.heapBase, top)),
  };
  reset(it);
  return it;
}

/** Where the run of zero bytes that ends `buffer` begins, not below `from`: compared natively, coarse to fine. */
function endOfNonZero(buffer: ArrayBuffer, from: number): number {
  const bytes = Buffer.from(buffer);
  const zeros = Buffer.alloc(WASM_PAGE);
  let end = bytes.length;
  for (const step of [WASM_PAGE, 4096, 64, 1])
    while (end - step >= from && bytes.compare(zeros, 0, step, end - step, end) === 0) end -= step;
  return end;
}

/**
 * Back to the snapshot: the statics (malloc's state, QuickJS's) and the heap as they were. The stack
 * holds nothing between calls, and memory above the snapshot's heap is free space to the restored malloc
 * (QuickJS zeroes what it hands to code). Memory a previous execution grew stays, up to the cap. Then
 * Math.random gets a fresh seed, so the interpreter is ready for the next job.
 */
function reset(it: Interpreter): void {
  const bytes = new Uint8Array(it.memory.buffer);
  bytes.set(it.data, 0);
  bytes.set(it.heap, layout.heapBase);
  deadline = Infinity;
  const { ctx } = it;
  const seed = [nextRandom(), nextRandom(), nextRandom(), nextRandom()].map((n) => ctx.newNumber(n));
  ctx.unwrapResult(ctx.callFunction(it.seed, ctx.undefined, seed)).dispose();
  for (const h of seed) h.dispose();
}

// random words from the OS, fetched 256 at a time
const randomWords = new Uint32Array(256);
let randomAt = randomWords.length;
function nextRandom(): number {
  if (randomAt === randomWords.length) {
    getRandomValues(randomWords);
    randomAt = 0;
  }
  return randomWords[randomAt++];
}

function failure(id: number, kind: string, message: string) {
  return { id, ok: false, kind, message };
}

/** Runs the job on an interpreter fresh from reset; every handle it makes is disposed before it returns. */
function execute(it: Interpreter, job: Job): object {
  const { ctx } = it;
  timedOut = false;
  deadline = performance.now() + job.timeoutMs;
  // detects module syntax: `import` fails as there is no module loader
  const evaluated = ctx.evalCode(job.code, 'main.js');
  let result = evaluated;
  if (!evaluated.error) {
    evaluated.value.dispose();
    const inputs = ctx.newString(job.inputs);
    result = ctx.callFunction(it.run, ctx.undefined, inputs);
    inputs.dispose();
  }
  if (result.error) {
    const err = ctx.dump(result.error) as { name?: string; message?: string; stack?: string } | string;
    result.error.dispose();
    return describeError(job, err, timedOut);
  }
  const text = ctx.typeof(result.value) === 'string' ? ctx.getString(result.value) : 'null';
  result.value.dispose();
  return text.length > job.maxOutputBytes
    ? failure(job.id, 'output', `the output of main is ${text.length} characters of JSON, more than the limit of ${job.maxOutputBytes}`)
    : { id: job.id, ok: true, output: text };
}

function describeError(job: Job, err: { name?: string; message?: string; stack?: string } | string, timedOut: boolean): object {
  if (typeof err !== 'object' || err === null) return failure(job.id, 'error', `Uncaught ${String(err)}`);
  const message = `${err.name ?? 'Error'}: ${err.message ?? ''}`;
  if (timedOut || (err.name === 'InternalError' && err.message === 'interrupted'))
    return failure(job.id, 'timeout', `the code ran longer than its time limit of ${job.timeoutMs} ms`);
  if (err.message === 'out of memory' || (err.name === 'InternalError' && /memory/.test(err.message ?? '')))
    return failure(job.id, 'memory', `the code used more than its memory limit of ${Math.round(job.memoryBytes / 1048576)} MiB`);
  const where = /main\.js:(\d+):(\d+)/.exec(err.stack ?? '');
  return failure(job.id, 'error', where ? `${message} (line ${where[1]})` : message);
}

async function handle(job: Job): Promise<void> {
  let reply: object;
  try {
    if (interpreter?.memoryBytes !== job.memoryBytes) interpreter = await newInterpreter(job.memoryBytes);
    reply = execute(interpreter, job);
  } catch (e) {
    // not an error of the code (those are results): QuickJS itself failed, e.g. a WebAssembly trap that
    // left the module's stack pointer mid-call. The next job gets a new interpreter (the host replaces
    // this worker anyway).
    interpreter = null;
    reply = failure(job.id, 'crashed', `the JavaScript sandbox failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  parentPort?.postMessage(reply);
  // after the reply, off its path: the host sends the next job only once it has this one's answer, and
  // a message is handled only after this returns
  if (interpreter) resetOrDrop(interpreter);
}

function resetOrDrop(it: Interpreter): void {
  try {
    reset(it);
  } catch {
    interpreter = null;
  }
}

// set up before the first job, with the limit the host will send (a job with another one gets its own)
const warming = newInterpreter(layout.memoryBytes).then(
  (it) => {
    interpreter ??= it;
  },
  () => undefined, // the first job tries again and reports the failure
);

// one job at a time: the host sends the next only after the reply
parentPort?.on('message', (job: Job) => void warming.then(() => handle(job)));
