// Embedded Postgres for standalone mode: PGlite (Postgres compiled to WebAssembly) with its data
// under SHOAL_DATA_DIR, served over the Postgres wire protocol on a Unix socket inside that 0700
// directory: no TCP port, and nobody but the directory's owner can connect. Prisma and `pg` talk
// to it exactly as they talk to a real server.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import { connect } from 'node:net';
import type { Duplex } from 'node:stream';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Client } from 'pg';
import { applyMigrations, createLogger, findMigrationsDir } from '@shoal/platform';
import { ensurePrivateDir } from './local/data-dir';
import { createCluster } from './pgdata-template';
import { WireServer } from './wire-server';

export interface EmbeddedPostgres {
  url: string;
  /** the Unix socket Postgres is served on */
  socketPath: string;
  /** a connection from inside this process, without the socket (`pg`'s `stream` option: see WireServer.connectInProcess) */
  connect(): Duplex;
  appliedMigrations: string[];
  /** how many statement batches the database has run since it started (WireServer.batchesServed) */
  served(): number;
  stop(): Promise<void>;
}

// Postgres' 128 MB of shared buffers were most of the process's resident memory (touched at start)
// and a third of a restart's time; one local user's data needs far less. Measured on a restart:
// 360 → 200 MB resident, 0.7 → 0.3 s to the first query.
// ANALYZE samples 300 rows per unit of the statistics target: at the default 100, analyzing a
// ledger of 200,000 rows held the process's thread 256 ms (PGlite runs in it; the periodic vacuum
// analyzes); at 10, 32 ms. Shoal's statements find rows by key, where ten buckets are plenty.
const SETTINGS = ['-c', 'shared_buffers=16MB', '-c', 'default_statistics_target=10'];

// libpq and `pg` find a server's socket as `<dir>/.s.PGSQL.<port>`; the port only names the file
const SOCKET_PORT = 5432;
// sun_path is 108 bytes on Linux (104 on macOS), the terminating NUL included
const MAX_SOCKET_PATH = 103;

export class DataDirInUseError extends Error {
  constructor(dataDir: string) {
    super(
      `another Shoal process is using ${dataDir} (its database socket answers); stop it first, or set SHOAL_DATA_DIR to another directory`,
    );
    this.name = 'DataDirInUseError';
  }
}

/**
 * `cacheDir`: where the empty cluster a new data directory starts from is kept (pgdata-template.ts);
 * undefined: a new data directory runs initdb itself.
 */
export async function startEmbeddedPostgres(dataDir: string, cacheDir?: string): Promise<EmbeddedPostgres> {
  ensurePrivateDir(dataDir);
  const socket = socketLocation(dataDir);
  await removeStaleSocket(socket.path, dataDir);
  const pgdata = path.join(dataDir, 'pgdata');
  if (!existsSync(path.join(pgdata, 'PG_VERSION'))) await createCluster(pgdata, cacheDir, initDatabase);
  const db = await PGlite.create(pgdata, { startParams: [...PGlite.defaultStartParams, ...SETTINGS] });
  const server = new WireServer(db, (err) =>
    createLogger('EmbeddedPostgres').warn({ err }, 'a database connection was closed: PGlite could not serve what it sent'),
  );
  try {
    await server.listen(socket.path);
  } catch (err) {
    await db.close();
    throw err;
  }
  // the directory already keeps others out; the socket's own mode says so too (connecting needs write access)
  chmodSync(socket.path, 0o600);
  const url = `postgresql://postgres@localhost:${SOCKET_PORT}/postgres?host=${encodeURIComponent(socket.dir)}`;
  const stop = async () => {
    await server.close();
    await db.close();
    rmSync(socket.path, { force: true });
    if (socket.temporary) rmSync(socket.dir, { recursive: true, force: true });
  };
  try {
    const client = new Client({ host: socket.dir, port: SOCKET_PORT, user: 'postgres', database: 'postgres' });
    await client.connect();
    try {
      const appliedMigrations = await applyMigrations(client, findMigrationsDir());
      return {
        url,
        socketPath: socket.path,
        appliedMigrations,
        stop,
        connect: () => server.connectInProcess(),
        served: () => server.batchesServed,
      };
    } finally {
      await client.end();
    }
  } catch (err) {
    await stop();
    throw err;
  }
}

/**
 * Creates the database cluster (initdb) in a child process: initdb runs in a WebAssembly instance
 * of its own whose memory (~210 MB) would otherwise stay allocated in this process for its life.
 */
async function initDatabase(pgdata: string): Promise<void> {
  const script = 'require(process.argv[1]).PGlite.create(process.argv[2]).then((db) => db.close())';
  const child = spawn(process.execPath, ['-e', script, require.resolve('@electric-sql/pglite'), pgdata], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4000)));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (c) => resolve(c));
  });
  if (code !== 0) throw new Error(`creating the embedded database in ${pgdata} failed (exit ${code}): ${stderr.trim()}`);
}

/** The data directory itself, unless its path is too long for a socket: then a 0700 temporary directory. */
function socketLocation(dataDir: string): { dir: string; path: string; temporary: boolean } {
  const file = `.s.PGSQL.${SOCKET_PORT}`;
  if (Buffer.byteLength(path.join(dataDir, file)) <= MAX_SOCKET_PATH)
    return { dir: dataDir, path: path.join(dataDir, file), temporary: false };
  const dir = mkdtempSync(path.join(tmpdir(), 'shoal-pg-')); // mkdtemp creates it 0700
  createLogger('EmbeddedPostgres').warn(
    { dataDir, socketDir: dir },
    'the data directory path is too long for a Unix socket: the database socket is in a private temporary directory',
  );
  return { dir, path: path.join(dir, file), temporary: true };
}

/** A socket file left by a process that died is removed; one that still answers means the directory is in use. */
async function removeStaleSocket(socketPath: string, dataDir: string): Promise<void> {
  if (!existsSync(socketPath)) return;
  const answers = await new Promise<boolean>((resolve) => {
    const s = connect(socketPath);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
  if (answers) throw new DataDirInUseError(dataDir);
  unlinkSync(socketPath);
}
