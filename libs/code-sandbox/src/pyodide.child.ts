// A child process that runs Python code nodes in Pyodide. The host starts it with Node's permission model
// (reads only Pyodide's own files; no writes, child processes, workers or addons), no code generation from
// strings, an empty environment and an IPC channel; this file removes what is left (network, timers,
// signals, the host's modules) before any user code runs. Node runs this file directly: it imports no file of ours.
import { constants as fsConstants } from 'node:fs';
import { constants as osConstants } from 'node:os';
import { createRequire } from 'node:module';

interface Job {
  id: number;
  code: string;
  inputs: string;
  timeoutMs: number;
  memoryBytes: number;
  maxOutputBytes: number;
}
interface PyodideLike {
  runPython(code: string): unknown;
  unregisterJsModule(name: string): void;
}
type Runner = (code: string, inputs: string, maxOutput: number) => string;

const [pyodideDir, runnerSource] = [process.argv[2], process.argv[3]];
const send = process.send?.bind(process);
if (!send || !pyodideDir || !runnerSource) process.exit(2);

// Pyodide's NODEFS reads its flag constants through process.binding, which the permission model refuses
Object.defineProperty(process, 'binding', {
  value: (name: string) => {
    if (name === 'constants') return { fs: fsConstants, os: osConstants };
    throw new Error('process.binding is not available');
  },
});

function lockDown(): void {
  const g = globalThis as Record<string, unknown>;
  for (const name of [
    'fetch',
    'WebSocket',
    'EventSource',
    'XMLHttpRequest',
    'setTimeout',
    'setInterval',
    'setImmediate',
    'queueMicrotask',
    'navigator',
  ])
    delete g[name];
  const refuse = () => {
    throw new Error('not available in the code sandbox');
  };
  for (const name of [
    'kill',
    'getBuiltinModule',
    'binding',
    '_linkedBinding',
    'dlopen',
    'chdir',
    'abort',
    'setuid',
    'setgid',
    'initgroups',
  ])
    Object.defineProperty(process, name, { value: refuse, writable: false, configurable: false });
  // nobody else may read or replace the IPC messages, which carry other executions' code and inputs
  for (const name of [
    'on',
    'addListener',
    'prependListener',
    'once',
    'prependOnceListener',
    'off',
    'removeListener',
    'removeAllListeners',
  ] as const) {
    const original = (process[name] as (...a: unknown[]) => unknown).bind(process);
    Object.defineProperty(process, name, {
      value: (event: unknown, ...rest: unknown[]) => {
        if (event === 'message' || event === 'disconnect' || event === undefined) refuse();
        return original(event, ...rest);
      },
      writable: false,
      configurable: false,
    });
  }
  // Node delivers IPC messages through process.emit: it stays as it is
  Object.defineProperty(process, 'emit', { value: process.emit, writable: false, configurable: false });
}

async function start(): Promise<Runner> {
  // Pyodide's CommonJS build, so that this file loads the same way as TypeScript (tests) and as swc's output
  const { loadPyodide } = createRequire(`${pyodideDir}/`)('./pyodide.js') as { loadPyodide(o: object): Promise<PyodideLike> };
  const py = await loadPyodide({ indexURL: `${pyodideDir}/`, stdout: () => undefined, stderr: () => undefined, env: {}, packages: [] });
  const runner = py.runPython(runnerSource) as Runner;
  for (const name of ['js', 'pyodide_js']) {
    try {
      py.unregisterJsModule(name);
    } catch {
      // already gone
    }
  }
  return runner;
}

const ready = start();
process.on('message', (job: Job) => {
  ready.then(
    (runner) => {
      const reply = JSON.parse(runner(job.code, job.inputs, job.maxOutputBytes)) as object;
      send({ id: job.id, ...reply });
    },
    () => undefined,
  );
});
ready.then(
  () => {
    lockDown();
    send({ ready: true });
  },
  (err: unknown) => {
    send({ startFailed: err instanceof Error ? err.message : String(err) });
    process.exit(1);
  },
);
