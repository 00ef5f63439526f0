// A worker thread that runs JavaScript code nodes in QuickJS (WebAssembly): a fresh runtime and context
// per execution, with the execution's memory, stack and time limits. QuickJS gets no host function at all.
// Node runs this file directly (type stripping in tests, swc output in dist): it imports no file of ours.
import { parentPort } from 'node:worker_threads';
import { newQuickJSWASMModuleFromVariant, newVariant, type QuickJSWASMModule } from 'quickjs-emscripten-core';
import variant from '@jitl/quickjs-wasmfile-release-sync';

interface Job {
  id: number;
  code: string;
  inputs: string;
  timeoutMs: number;
  memoryBytes: number;
  maxOutputBytes: number;
}

const STACK_BYTES = 256 * 1024;
// Dify's runner: the user's code, then main over the inputs; the result leaves as JSON text
const CALL = `
;(() => {
  if (typeof main !== 'function') throw new ReferenceError('the code defines no function main');
  const out = main(JSON.parse(globalThis.__inputs));
  if (out !== null && typeof out === 'object' && typeof out.then === 'function')
    throw new TypeError('main returned a Promise; a code node runs synchronously');
  return JSON.stringify(out === undefined ? null : out);
})()`;

// Dify runs JavaScript in Node, where code may log: console exists here and discards (no host function behind it)
const PRELUDE = `globalThis.console = Object.freeze(Object.fromEntries(['log', 'info', 'warn', 'error', 'debug', 'trace'].map((k) => [k, () => undefined])));`;

let quickjs: QuickJSWASMModule | null = null;
let quickjsCapBytes = 0;

const WASM_PAGE = 64 * 1024;
// this lib's TypeScript config has no WebAssembly declarations; Node has the global
const WasmMemory = (globalThis as unknown as { WebAssembly: { Memory: new (d: { initial: number; maximum: number }) => object } })
  .WebAssembly.Memory;
// what QuickJS itself needs beside the execution's heap: its static data, stack and runtime structures
const WASM_HEADROOM_BYTES = 16 * 1024 * 1024;

/**
 * The QuickJS module, on a WebAssembly memory that cannot grow past the execution's memory limit
 * plus headroom. QuickJS's own limit (setMemoryLimit) does not count typed-array and ArrayBuffer
 * storage, so without this cap a loop of `new Uint8Array(…)` grew the worker to gigabytes before the
 * time limit; now such an allocation fails inside QuickJS as out of memory.
 */
async function moduleFor(memoryBytes: number): Promise<QuickJSWASMModule> {
  const cap = memoryBytes + WASM_HEADROOM_BYTES;
  if (quickjs && quickjsCapBytes === cap) return quickjs;
  const pages = Math.ceil(cap / WASM_PAGE);
  const wasmMemory = new WasmMemory({ initial: Math.min(256, pages), maximum: pages });
  quickjs = await newQuickJSWASMModuleFromVariant(newVariant(variant, { wasmMemory }));
  quickjsCapBytes = cap;
  return quickjs;
}

function failure(id: number, kind: string, message: string) {
  return { id, ok: false, kind, message };
}

function run(mod: QuickJSWASMModule, job: Job): { reply: object; healthy: boolean } {
  const rt = mod.newRuntime();
  rt.setMemoryLimit(job.memoryBytes);
  rt.setMaxStackSize(STACK_BYTES);
  const deadline = performance.now() + job.timeoutMs;
  let timedOut = false;
  rt.setInterruptHandler(() => (timedOut = performance.now() > deadline));
  const ctx = rt.newContext();
  let reply: object;
  try {
    ctx.unwrapResult(ctx.evalCode(PRELUDE, 'prelude.js')).dispose();
    const inputs = ctx.newString(job.inputs);
    ctx.setProp(ctx.global, '__inputs', inputs);
    inputs.dispose();
    const result = ctx.evalCode(`${job.code}\n${CALL}`, 'main.js');
    if (result.error) {
      const err = ctx.dump(result.error) as { name?: string; message?: string; stack?: string } | string;
      result.error.dispose();
      reply = describeError(job, err, timedOut);
    } else {
      const text = ctx.typeof(result.value) === 'string' ? ctx.getString(result.value) : 'null';
      result.value.dispose();
      reply =
        text.length > job.maxOutputBytes
          ? failure(
              job.id,
              'output',
              `the output of main is ${text.length} characters of JSON, more than the limit of ${job.maxOutputBytes}`,
            )
          : { id: job.id, ok: true, output: text };
    }
  } catch (e) {
    reply = failure(job.id, 'crashed', `the JavaScript sandbox failed: ${e instanceof Error ? e.message : String(e)}`);
  }
  // QuickJS can refuse to free a runtime that an interrupt or out-of-memory left half-unwound: start afresh
  try {
    ctx.dispose();
    rt.dispose();
    return { reply, healthy: true };
  } catch {
    return { reply, healthy: false };
  }
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
  const { reply, healthy } = run(await moduleFor(job.memoryBytes), job);
  if (!healthy) quickjs = null;
  parentPort?.postMessage(reply);
}

// one job at a time: the host sends the next only after the reply
parentPort?.on('message', (job: Job) => void handle(job));
