// Starts Shoal's built services (dist/apps/<app>/src/main.js) as real processes for end-to-end
// tests, waits until they answer /readyz, and stops them. Output goes to a log file per service,
// printed when a service fails to come up.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { tmpdir } from 'node:os';

export interface ServiceProcess {
  name: string;
  url: string;
  port: number;
  logFile: string;
  child: ChildProcess;
  /** resolves with how the process ended: its exit code, or the signal that ended it ('SIGKILL' when it ignored `signal` for 10 s) */
  stop(signal?: NodeJS.Signals): Promise<number | NodeJS.Signals | null>;
}

export function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'nx.json'))) {
    const up = path.dirname(dir);
    if (up === dir) throw new Error('repository root (nx.json) not found');
    dir = up;
  }
  return dir;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

export async function waitForHttp(url: string, timeoutMs: number, isAlive: () => boolean = () => true): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (!isAlive()) throw new Error(`process exited before ${url} answered`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      if (res.ok) return;
      last = `status ${res.status}`;
    } catch (err) {
      last = (err as Error).message;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${url} did not become ready in ${timeoutMs} ms (${last})`);
}

export async function startService(opts: {
  app: string;
  env: Record<string, string>;
  port?: number;
  readyPath?: string;
  timeoutMs?: number;
  entry?: string;
  /** Node's own flags (default: source maps on, for readable stacks in test logs) */
  nodeArgs?: string[];
}): Promise<ServiceProcess> {
  const root = repoRoot();
  const entry = opts.entry ?? path.join(root, 'dist/apps', opts.app, 'src/main.js');
  if (!existsSync(entry)) throw new Error(`${entry} does not exist: build first (npm run build)`);
  const port = opts.port ?? (await freePort());
  const logDir = path.join(tmpdir(), 'shoal-test-logs');
  mkdirSync(logDir, { recursive: true });
  const logFile = path.join(logDir, `${opts.app}-${port}.log`);
  const log = createWriteStream(logFile);
  const child = spawn(process.execPath, [...(opts.nodeArgs ?? ['--enable-source-maps']), entry], {
    cwd: root,
    env: {
      PATH: process.env['PATH'] ?? '',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      // the test run's own cache (test/run-all.mjs): standalone's database template, not the user's
      ...(process.env['SHOAL_CACHE_DIR'] !== undefined ? { SHOAL_CACHE_DIR: process.env['SHOAL_CACHE_DIR'] } : {}),
      ...opts.env,
      PORT: String(port),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  let exited = false;
  const exit = new Promise<number | NodeJS.Signals | null>((resolve) =>
    child.once('exit', (code, sig) => {
      exited = true;
      resolve(code ?? sig);
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(url + (opts.readyPath ?? '/readyz'), opts.timeoutMs ?? 30_000, () => !exited);
  } catch (err) {
    child.kill('SIGKILL');
    await exit;
    throw new Error(
      `${opts.app} did not start: ${(err as Error).message}\n--- ${logFile} ---\n${readFileSync(logFile, 'utf8').slice(-4000)}`,
    );
  }
  return {
    name: opts.app,
    url,
    port,
    logFile,
    child,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (!exited) {
        child.kill(signal);
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        const code = await exit;
        clearTimeout(timer);
        return code;
      }
      return exit;
    },
  };
}
