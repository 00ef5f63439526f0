// A Postgres cluster and a Redis server of the chaos suite's own, on spare ports, from the binaries on
// the machine: the outage scenarios stop and start them for real (`pg_ctl stop -m immediate`, a
// SIGTERMed redis-server), which the shared servers other work runs on must never see. Both live in
// one temporary directory that `close()` removes; a directory left by a run that was killed outright
// (its owner process gone) is stopped and removed by the next start.
import { execFileSync, spawn, spawnSync, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { applyMigrations } from '@shoal/platform';
import { freePort, repoRoot } from '@shoal/testing';

const DIR_PREFIX = 'shoal-chaos-servers-';
const START_TIMEOUT_S = 60;

export interface PrivatePostgres {
  port: number;
  /** a URL of this cluster, for `database` */
  url(database: string): string;
  /** stops the server at once (`pg_ctl stop -m immediate`: connections cut, new ones refused) */
  stop(): Promise<void>;
  /** starts it again on the same port and data (crash recovery runs), resolving once it accepts connections */
  start(): Promise<void>;
  isDown(): boolean;
}

export interface PrivateRedis {
  port: number;
  url: string;
  /** stops the server (SIGTERM: its append-only file is flushed, so it comes back with its data) */
  stop(): Promise<void>;
  /** starts it again on the same port, resolving once it accepts connections */
  start(): Promise<void>;
  isDown(): boolean;
}

export interface PrivateServers {
  postgres: PrivatePostgres;
  redis: PrivateRedis;
  /** stops both and removes their directory; safe to call twice */
  close(): Promise<void>;
}

/** The directory with initdb, pg_ctl and postgres: pg_config's, else the newest /usr/lib/postgresql/N/bin. */
function postgresBinDir(): string {
  const fromConfig = spawnSync('pg_config', ['--bindir'], { encoding: 'utf8' });
  const candidates = fromConfig.status === 0 ? [fromConfig.stdout.trim()] : [];
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian))
    for (const v of readdirSync(debian).sort((a, b) => Number(b) - Number(a))) candidates.push(path.join(debian, v, 'bin'));
  const dir = candidates.find((d) => existsSync(path.join(d, 'initdb')) && existsSync(path.join(d, 'pg_ctl')));
  if (!dir) throw new Error('the chaos suite starts a Postgres of its own: no initdb / pg_ctl found (install PostgreSQL server binaries)');
  return dir;
}

/** initdb and pg_ctl refuse to run as root: as root, they run as the `postgres` user. */
function postgresUser(): { uid: number; gid: number } | null {
  if (process.getuid?.() !== 0) return null;
  try {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim());
    return { uid, gid };
  } catch {
    throw new Error('the chaos suite runs as root and starts a Postgres of its own as the `postgres` user, which does not exist');
  }
}

/** Runs a command to its end (bounded), without blocking the test's event loop (its clients keep reading). */
function run(cmd: string, args: string[], opts: SpawnOptions): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'], timeout: (START_TIMEOUT_S + 10) * 1000 });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-4000)));
    child.stderr?.on('data', (d: Buffer) => (out = (out + d.toString()).slice(-4000)));
    child.once('error', reject);
    child.once('close', (code, signal) =>
      code === 0 ? resolve() : reject(new Error(`${path.basename(cmd)} ${args.join(' ')} failed (${code ?? signal}): ${out}`)),
    );
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function accepting(port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), resolve(true)));
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`nothing accepts connections on 127.0.0.1:${port} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Stops and removes what a killed run left: directories whose owner process is gone. */
function reapLeftovers(bin: string, user: { uid: number; gid: number } | null): void {
  for (const name of readdirSync(tmpdir())) {
    if (!name.startsWith(DIR_PREFIX)) continue;
    const dir = path.join(tmpdir(), name);
    const owner = Number(readFileOr(path.join(dir, 'owner.pid')));
    if (owner && alive(owner)) continue;
    stopDir(dir, bin, user);
  }
}

function readFileOr(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    return '';
  }
}

/** Stops the servers of one directory (whatever is still running) and removes it. */
function stopDir(dir: string, bin: string, user: { uid: number; gid: number } | null): void {
  const data = path.join(dir, 'pg');
  if (existsSync(path.join(data, 'postmaster.pid')))
    spawnSync(path.join(bin, 'pg_ctl'), ['stop', '-D', data, '-m', 'immediate', '-w', '-t', '20'], { stdio: 'ignore', ...(user ?? {}) });
  const redisPid = Number(readFileOr(path.join(dir, 'redis.pid')));
  if (redisPid && alive(redisPid)) process.kill(redisPid, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });
}

export async function startPrivateServers(): Promise<PrivateServers> {
  const bin = postgresBinDir();
  const user = postgresUser();
  reapLeftovers(bin, user);
  const dir = mkdtempSync(path.join(tmpdir(), DIR_PREFIX));
  writeFileSync(path.join(dir, 'owner.pid'), String(process.pid));
  // the postgres user must reach its data directory inside this one
  chmodSync(dir, 0o755);
  let redisChild: ChildProcess | undefined;
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    if (redisChild && redisChild.exitCode === null && redisChild.signalCode === null) {
      const exited = new Promise((r) => redisChild!.once('exit', r));
      redisChild.kill('SIGKILL');
      await exited;
    }
    stopDir(dir, bin, user);
  };
  try {
    const [pgPort, redisPort] = await Promise.all([freePort(), freePort()]);

    // Postgres: a throwaway cluster, its socket in its own directory. No fsync (only an OS crash would
    // lose what it wrote), but synchronous commits: with synchronous_commit=off a `stop -m immediate`
    // loses the last commits it acknowledged, which no real outage of a durable server does (the suite
    // then saw runs and checkpoints vanish: a call billed twice under one attempt, a client hung)
    const data = path.join(dir, 'pg');
    mkdirSync(data, { mode: 0o700 });
    if (user) chownSync(data, user.uid, user.gid);
    const asPostgres: SpawnOptions = { cwd: dir, ...(user ?? {}) };
    await run(
      path.join(bin, 'initdb'),
      ['-D', data, '-U', 'postgres', '-A', 'trust', '-E', 'UTF8', '--locale=C', '--no-sync', '--no-instructions'],
      asPostgres,
    );
    const options = `-p ${pgPort} -c listen_addresses=127.0.0.1 -k ${data} -c fsync=off -c full_page_writes=off -c autovacuum=off -c max_connections=200`;
    let pgDown = true;
    const postgres: PrivatePostgres = {
      port: pgPort,
      url: (database) => `postgresql://postgres@127.0.0.1:${pgPort}/${database}`,
      async start() {
        await run(
          path.join(bin, 'pg_ctl'),
          ['start', '-D', data, '-l', path.join(data, 'server.log'), '-o', options, '-w', '-t', String(START_TIMEOUT_S)],
          asPostgres,
        );
        pgDown = false;
      },
      async stop() {
        pgDown = true;
        await run(path.join(bin, 'pg_ctl'), ['stop', '-D', data, '-m', 'immediate', '-w', '-t', '20'], asPostgres);
      },
      isDown: () => pgDown,
    };
    await postgres.start();
    const admin = new Client({ connectionString: postgres.url('postgres') });
    await admin.connect();
    await admin.query('CREATE DATABASE shoal');
    await admin.end();
    const db = new Client({ connectionString: postgres.url('shoal') });
    await db.connect();
    try {
      await applyMigrations(db, path.join(repoRoot(), 'prisma', 'migrations'));
    } finally {
      await db.end();
    }

    // Redis: its append-only file in this directory, so a stop and start is an outage, not a data loss
    const redisArgs = [
      '--port',
      String(redisPort),
      '--bind',
      '127.0.0.1',
      '--dir',
      dir,
      '--save',
      '',
      '--appendonly',
      'yes',
      // no fsync of its own (a busy disk would stall every command); a SIGTERM still writes it out whole
      '--appendfsync',
      'no',
      '--daemonize',
      'no',
      '--logfile',
      path.join(dir, 'redis.log'),
    ];
    let redisDown = true;
    const redis: PrivateRedis = {
      port: redisPort,
      url: `redis://127.0.0.1:${redisPort}`,
      async start() {
        const child = spawn('redis-server', redisArgs, { cwd: dir, stdio: 'ignore' });
        redisChild = child;
        const failed = new Promise<never>((_, reject) => {
          child.once('error', reject);
          child.once('exit', (code) => reject(new Error(`redis-server exited (${code}) on start; see ${dir}/redis.log`)));
        });
        failed.catch(() => undefined);
        await Promise.race([accepting(redisPort, START_TIMEOUT_S * 1000), failed]);
        writeFileSync(path.join(dir, 'redis.pid'), String(child.pid));
        redisDown = false;
      },
      async stop() {
        const child = redisChild;
        redisDown = true;
        if (!child || child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      },
      isDown: () => redisDown,
    };
    await redis.start();
    return { postgres, redis, close };
  } catch (err) {
    await close();
    throw err;
  }
}
