// Standalone's embedded database (PGlite served on a Unix socket in the data directory by
// apps/standalone/src/wire-server.ts), with a real PGlite and the real `pg` client. PGlite cannot
// start inside Jest's VM, so each database runs in a child process from the build, as standalone
// runs it: it prints where it listens, and stops when its stdin closes.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';

// a first start runs initdb in a child process: tens of seconds on a loaded 2-core machine
const START_GUARD_MS = 180_000;
const ROOT = path.resolve(__dirname, '../..');
const MODULE = path.join(ROOT, 'dist/apps/standalone/src/embedded-postgres.js');

const HOST = `
const { startEmbeddedPostgres } = require(process.argv[1]);
startEmbeddedPostgres(process.argv[2]).then(
  (pg) => {
    process.stdout.write(JSON.stringify({ url: pg.url, socketPath: pg.socketPath, applied: pg.appliedMigrations.length }) + '\\n');
    process.stdin.resume();
    process.stdin.on('end', () => pg.stop().then(() => process.exit(0), (err) => { console.error(err); process.exit(3); }));
  },
  (err) => { process.stderr.write(err.name + ': ' + err.message + '\\n'); process.exit(2); },
);
`;

interface Hosted {
  child: ChildProcess;
  url: string;
  socketPath: string;
  applied: number;
}

/** Starts a database on `dataDir` in a child process; rejects with what it printed when it fails to start. */
function host(dataDir: string): Promise<Hosted> {
  const child = spawn(process.execPath, ['-e', HOST, MODULE, dataDir], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the embedded database did not start in time: ${err}`));
    }, START_GUARD_MS - 10_000);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n')[0];
      if (out.includes('\n')) {
        clearTimeout(timer);
        resolve({ child, ...(JSON.parse(line) as Omit<Hosted, 'child'>) });
      }
    });
    child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited ${code}: ${err.trim()}`));
    });
  });
}

/** Stops a hosted database (closing its stdin) and answers its exit code. */
function stop(h: Hosted): Promise<number | null> {
  return new Promise((resolve) => {
    if (h.child.exitCode !== null) return resolve(h.child.exitCode);
    const timer = setTimeout(() => h.child.kill('SIGKILL'), 30_000);
    h.child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
    h.child.stdin!.end();
  });
}

let dataDir: string;
let db: Hosted | undefined;

const connect = async () => {
  const client = new Client({ connectionString: db!.url });
  await client.connect();
  return client;
};

beforeAll(async () => {
  dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'shoal-embedded-pg-')), 'data');
  db = await host(dataDir);
}, START_GUARD_MS);

afterAll(async () => {
  if (db) await stop(db);
  rmSync(path.dirname(dataDir), { recursive: true, force: true });
});

describe('embedded Postgres', () => {
  it('serves the migrated schema on a socket only its owner can open', async () => {
    expect(db!.applied).toBeGreaterThan(0);
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(statSync(db!.socketPath).mode & 0o777).toBe(0o600);
    const client = await connect();
    try {
      const { rows } = await client.query<{ n: string }>(`SELECT count(*) AS n FROM "_prisma_migrations"`);
      expect(Number(rows[0].n)).toBe(db!.applied);
    } finally {
      await client.end();
    }
  });

  it('answers queued and failing statements in order, and rolls back what a closed connection left open', async () => {
    const client = await connect();
    try {
      await client.query('CREATE TABLE kept (id int PRIMARY KEY, note text)');
      // several queries queued on the connection, one of them failing in the middle: each gets its own answer
      const results = await Promise.allSettled([
        client.query('INSERT INTO kept VALUES ($1, $2)', [1, 'one']),
        client.query('INSERT INTO kept VALUES ($1, $2)', [1, 'duplicate']),
        client.query('SELECT note FROM kept WHERE id = $1', [1]),
        client.query('SELECT $1::int AS n', [7]),
      ]);
      expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
      expect((results[2] as PromiseFulfilledResult<{ rows: unknown[] }>).value.rows).toEqual([{ note: 'one' }]);
      expect((results[3] as PromiseFulfilledResult<{ rows: unknown[] }>).value.rows).toEqual([{ n: 7 }]);
      await client.query('BEGIN');
      await client.query(`INSERT INTO kept VALUES (2, 'never committed')`);
    } finally {
      await client.end(); // gone inside its transaction
    }
    const next = await connect();
    try {
      const { rows } = await next.query('SELECT id FROM kept ORDER BY id');
      expect(rows).toEqual([{ id: 1 }]);
    } finally {
      await next.end();
    }
  });

  it(
    'refuses a data directory another process serves, and restarts on it with its data once stopped',
    async () => {
      await expect(host(dataDir)).rejects.toThrow(/DataDirInUseError: another Shoal process is using/);

      expect(await stop(db!)).toBe(0);
      const socketPath = db!.socketPath;
      db = undefined;
      expect(existsSync(socketPath)).toBe(false);

      db = await host(dataDir);
      expect(db.applied).toBe(0); // all applied by the first start
      const client = await connect();
      try {
        expect((await client.query('SELECT note FROM kept')).rows).toEqual([{ note: 'one' }]);
      } finally {
        await client.end();
      }
    },
    START_GUARD_MS,
  );
});
