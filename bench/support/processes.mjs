// The benchmarks' child processes: started until they say they are ready, stopped, and the CPU any
// process on the machine has used, from /proc.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

/**
 * Runs `node <args>` with `env` (and PATH) in `cwd`, and resolves once its output matches `ready`:
 * `{ child, readyMs, output() }`. Rejects with its last output when it exits first or is not ready
 * within `timeoutMs`. `onOutput` sees every chunk it prints (a log file).
 */
export function spawnUntil(name, args, env, ready, { cwd, timeoutMs = 60_000, onOutput } = {}) {
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd, env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} not ready in ${timeoutMs} ms:\n${out.slice(-2000)}`)), timeoutMs);
    const onData = (d) => {
      out += d;
      onOutput?.(d);
      if (ready.test(out)) {
        clearTimeout(timer);
        resolve({ child, readyMs: performance.now() - started, output: () => out });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code}) before it was ready:\n${out.slice(-2000)}`));
    });
  });
}

/** Signals `child` and resolves once it has exited (at once if it already has). */
export const stopChild = (child, signal = 'SIGTERM') =>
  new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill(signal);
  });

/** utime and stime of a process, in seconds (clock ticks of USER_HZ 100); undefined once it is gone. */
function ticks(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return { user: Number(fields[11]) / 100, system: Number(fields[12]) / 100 };
  } catch {
    return undefined;
  }
}

/** CPU seconds a process has used so far (user + system); 0 once it is gone. */
export function cpuSeconds(pid) {
  const t = ticks(pid);
  return t ? t.user + t.system : 0;
}

/** CPU seconds a process has spent in the kernel so far; 0 once it is gone. */
export function sysSeconds(pid) {
  return ticks(pid)?.system ?? 0;
}

/** Read and write syscalls a process has made so far (`syscr`, `syscw` of /proc/<pid>/io); zeros once it is gone. */
export function syscalls(pid) {
  try {
    const io = readFileSync(`/proc/${pid}/io`, 'utf8');
    return { reads: Number(/syscr: (\d+)/.exec(io)?.[1] ?? 0), writes: Number(/syscw: (\d+)/.exec(io)?.[1] ?? 0) };
  } catch {
    return { reads: 0, writes: 0 };
  }
}

/** The whole machine's busy CPU seconds so far, from /proc/stat (every process, ours or not). */
export function machineBusySeconds() {
  const [, ...ticks] = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
  const idle = ticks[3] + ticks[4];
  return (ticks.reduce((a, b) => a + b, 0) - idle) / 100;
}

/** Pids of the processes named `comm` (Redis and Postgres run beside the benchmark, not under it). */
export function pidsNamed(comm) {
  const out = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (readFileSync(`/proc/${d}/comm`, 'utf8').trim() === comm) out.push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}
