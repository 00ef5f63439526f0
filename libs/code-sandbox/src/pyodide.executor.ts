// A Pyodide child process as a SandboxExecutor: started under Node's permission model, its resident memory
// watched while it runs a job, killed (SIGKILL) when it overruns.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { SandboxExecutor, SandboxExecutorEvents } from './sandbox-pool';
import type { SandboxReply } from './sandbox-protocol';
import { PYTHON_RUNNER } from './pyodide.runner.py';

const CHILD_FILE = path.join(__dirname, `pyodide.child${path.extname(__filename)}`);
const PYODIDE_DIR = path.dirname(require.resolve('pyodide/package.json'));
const MEMORY_POLL_MS = 50;
const PAGE_BYTES = 4096;

/** Resident bytes of a process (Linux /proc); null where that cannot be read. */
function residentBytes(pid: number): number | null {
  try {
    return Number(readFileSync(`/proc/${pid}/statm`, 'utf8').split(' ')[1]) * PAGE_BYTES;
  } catch {
    return null;
  }
}

export function spawnPyodideProcess(events: SandboxExecutorEvents, memoryBytes: number): SandboxExecutor {
  const child = spawn(
    process.execPath,
    [
      '--permission',
      `--allow-fs-read=${PYODIDE_DIR}`,
      `--allow-fs-read=${CHILD_FILE}`,
      '--disallow-code-generation-from-strings',
      '--max-old-space-size=128',
      CHILD_FILE,
      PYODIDE_DIR,
      PYTHON_RUNNER,
    ],
    { env: {}, stdio: ['ignore', 'ignore', 'ignore', 'ipc'], serialization: 'json' },
  );
  let dead = false;
  let baseline = 0;
  let poll: NodeJS.Timeout | null = null;
  const stopPolling = () => {
    if (poll) clearInterval(poll);
    poll = null;
  };
  const ready = new Promise<void>((resolve, reject) => {
    child.on('message', (m: SandboxReply | { ready: true } | { startFailed: string }) => {
      if ('ready' in m) {
        baseline = residentBytes(child.pid ?? 0) ?? 0;
        return resolve();
      }
      if ('startFailed' in m) return reject(new Error(m.startFailed));
      stopPolling();
      events.reply(m);
    });
    child.on('exit', (code, signal) => {
      stopPolling();
      reject(new Error(`the Python process exited (${signal ?? code})`));
      if (!dead) events.fail('crashed', `the Python sandbox stopped (${signal ?? `exit code ${code}`})`);
      dead = true;
    });
    child.on('error', (err) => reject(err));
  });
  ready.catch(() => undefined);
  child.unref();
  child.channel?.unref();
  return {
    ready,
    post(job) {
      child.send(job);
      const pid = child.pid;
      if (pid === undefined || baseline === 0) return;
      poll = setInterval(() => {
        const rss = residentBytes(pid);
        if (rss !== null && rss - baseline > memoryBytes) {
          stopPolling();
          events.fail('memory', `the code used more than its memory limit of ${Math.round(memoryBytes / 1048576)} MiB`);
        }
      }, MEMORY_POLL_MS);
      poll.unref();
    },
    // WebAssembly memory never shrinks: a process that kept half its budget starts the next execution afresh
    worn() {
      const rss = child.pid === undefined || baseline === 0 ? null : residentBytes(child.pid);
      return rss !== null && rss - baseline > memoryBytes / 2;
    },
    kill() {
      dead = true;
      stopPolling();
      child.kill('SIGKILL');
    },
  };
}
