import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { configureRootLogger } from '@shoal/platform';
import { cacheDirOf } from './local/cache-dir';
import { createCluster, pgliteVersion } from './pgdata-template';

beforeAll(() => configureRootLogger({ service: 'test', level: 'silent' }));

describe('createCluster (real file system)', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'shoal-pgtemplate-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  // stands in for initdb: what it writes tells the copies apart from fresh clusters
  let made = 0;
  const fakeInitdb = jest.fn(async (dir: string) => {
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, 'PG_VERSION'), '17\n');
    mkdirSync(path.join(dir, 'base', '1'), { recursive: true });
    writeFileSync(path.join(dir, 'base', '1', 'cluster'), `cluster ${++made}`);
  });
  beforeEach(() => fakeInitdb.mockClear());

  it('runs initdb once per cache: later data directories are copies of the template', async () => {
    const cache = path.join(root, 'cache');
    const a = path.join(root, 'a', 'pgdata');
    const b = path.join(root, 'b', 'pgdata');
    mkdirSync(path.dirname(a));
    mkdirSync(path.dirname(b));
    expect(await createCluster(a, cache, fakeInitdb, '9.9.9')).toBe('template');
    expect(await createCluster(b, cache, fakeInitdb, '9.9.9')).toBe('template');
    expect(fakeInitdb).toHaveBeenCalledTimes(1);
    const first = readFileSync(path.join(a, 'base', '1', 'cluster'), 'utf8');
    expect(readFileSync(path.join(b, 'base', '1', 'cluster'), 'utf8')).toBe(first);
    // the copies hold the cluster and nothing of the cache's own
    expect(readdirSync(a).sort()).toEqual(['PG_VERSION', 'base']);
    // the template is private to this user, named by the PGlite version, with no build leftovers
    expect(readdirSync(cache)).toEqual(['pgdata-pglite-9.9.9']);
    // another PGlite version gets a template of its own
    const c = path.join(root, 'c');
    expect(await createCluster(c, cache, fakeInitdb, '10.0.0')).toBe('template');
    expect(fakeInitdb).toHaveBeenCalledTimes(2);
    expect(readdirSync(cache).sort()).toEqual(['pgdata-pglite-10.0.0', 'pgdata-pglite-9.9.9']);
  });

  it('rebuilds a template that an interrupted build left incomplete', async () => {
    const cache = path.join(root, 'cache');
    mkdirSync(path.join(cache, 'pgdata-pglite-9.9.9'), { recursive: true });
    writeFileSync(path.join(cache, 'pgdata-pglite-9.9.9', 'PG_VERSION'), 'half-written');
    const a = path.join(root, 'a');
    expect(await createCluster(a, cache, fakeInitdb, '9.9.9')).toBe('template');
    expect(fakeInitdb).toHaveBeenCalledTimes(1);
    expect(readFileSync(path.join(a, 'PG_VERSION'), 'utf8')).toBe('17\n');
  });

  it('runs initdb in the data directory when there is no cache, or the cache cannot be used', async () => {
    const a = path.join(root, 'a');
    expect(await createCluster(a, undefined, fakeInitdb, '9.9.9')).toBe('initdb');
    expect(fakeInitdb).toHaveBeenLastCalledWith(a);
    // a file where the cache directory should be
    writeFileSync(path.join(root, 'not-a-dir'), '');
    const b = path.join(root, 'b');
    expect(await createCluster(b, path.join(root, 'not-a-dir', 'cache'), fakeInitdb, '9.9.9')).toBe('initdb');
    expect(fakeInitdb).toHaveBeenLastCalledWith(b);
    expect(existsSync(path.join(b, 'PG_VERSION'))).toBe(true);
  });

  it('leaves a data directory that already holds files to initdb, copying nothing over them', async () => {
    const a = path.join(root, 'a');
    mkdirSync(a);
    writeFileSync(path.join(a, 'postmaster.opts'), 'left by an interrupted initdb');
    expect(await createCluster(a, path.join(root, 'cache'), fakeInitdb, '9.9.9')).toBe('initdb');
    expect(existsSync(path.join(root, 'cache'))).toBe(false);
  });

  it('a copy of a real PGlite template opens as a database of its own', async () => {
    // PGlite loads its WebAssembly by dynamic import, which Jest's VM does not run: it runs in child processes here
    const pglite = (script: string, ...args: string[]) => {
      const r = spawnSync(process.execPath, ['-e', script, require.resolve('@electric-sql/pglite'), ...args], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(r.stderr);
      return r.stdout.trim();
    };
    const initdb = async (dir: string) =>
      void pglite('require(process.argv[1]).PGlite.create(process.argv[2]).then((db) => db.close())', dir);
    const cache = path.join(root, 'cache');
    const a = path.join(root, 'a');
    const b = path.join(root, 'b');
    await createCluster(a, cache, initdb, pgliteVersion());
    expect(await createCluster(b, cache, initdb, pgliteVersion())).toBe('template');
    const tables = `(async () => {
      const { PGlite } = require(process.argv[1]);
      const db = await PGlite.create(process.argv[2]);
      if (process.argv[3]) await db.exec('CREATE TABLE only_in_a (x int)');
      const r = await db.query("SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'only_in_a'");
      await db.close();
      console.log(r.rows[0].n);
    })()`;
    expect(pglite(tables, a, 'create')).toBe('1');
    expect(pglite(tables, b)).toBe('0');
  }, 60_000);
});

describe('cacheDirOf', () => {
  it('is SHOAL_CACHE_DIR when set, none when empty, else under XDG_CACHE_HOME or ~/.cache', () => {
    expect(cacheDirOf('/var/cache/shoal', {})).toBe('/var/cache/shoal');
    expect(cacheDirOf('', {})).toBeUndefined();
    expect(cacheDirOf(undefined, { XDG_CACHE_HOME: '/x/cache' })).toBe('/x/cache/shoal');
    expect(cacheDirOf(undefined, {})).toMatch(/\.cache\/shoal$/);
  });

  it('knows the installed PGlite version', () => {
    expect(pgliteVersion()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
