// A new data directory's database starts as a copy of an empty cluster that initdb made once per
// PGlite version and the user's cache keeps: initdb in WebAssembly takes ~2 s of a first start,
// copying its ~40 MB takes ~0.1 s. The cache is this user's own (0700); a template is only used once
// it is complete (it is built beside its final name and renamed into place), and anything wrong
// with the cache (unwritable, a failed copy) falls back to initdb in the data directory itself.
import { cpSync, existsSync, readFileSync, readdirSync, renameSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createLogger } from '@shoal/platform';
import { ensurePrivateDir } from './local/data-dir';

/** Written into a template once initdb has finished: a directory without it is not used. */
const COMPLETE = 'shoal-template-complete';

/** The installed PGlite's version (its package.json, found from the module it resolves to). */
export function pgliteVersion(): string {
  let dir = path.dirname(require.resolve('@electric-sql/pglite'));
  for (;;) {
    const file = path.join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === '@electric-sql/pglite' && pkg.version) return pkg.version;
    }
    const up = path.dirname(dir);
    if (up === dir) throw new Error('the installed @electric-sql/pglite has no package.json with its version');
    dir = up;
  }
}

export type ClusterOrigin = 'template' | 'initdb';

/**
 * Creates the cluster in `pgdata` (which has none yet): from the cached template when there is
 * one, after making it when there is not, else by `initdb` in place. `cacheDir` undefined: no cache.
 */
export async function createCluster(
  pgdata: string,
  cacheDir: string | undefined,
  initdb: (dir: string) => Promise<void>,
  version = pgliteVersion(),
): Promise<ClusterOrigin> {
  // a directory left non-empty by an interrupted initdb of an older version: initdb decides what to do with it
  if (!cacheDir || !emptyOrMissing(pgdata)) {
    await initdb(pgdata);
    return 'initdb';
  }
  const log = createLogger('EmbeddedPostgres');
  let template: string;
  try {
    ensurePrivateDir(cacheDir);
    template = path.join(cacheDir, `pgdata-pglite-${version}`);
    if (!existsSync(path.join(template, COMPLETE))) await makeTemplate(template, initdb);
  } catch (err) {
    log.warn({ err, cacheDir }, 'the database template cache is not usable: creating the database with initdb (~2 s)');
    await initdb(pgdata);
    return 'initdb';
  }
  const copy = `${pgdata}.${process.pid}.copying`;
  try {
    rmSync(copy, { recursive: true, force: true });
    cpSync(template, copy, { recursive: true });
    rmSync(path.join(copy, COMPLETE), { force: true });
    if (existsSync(pgdata)) rmdirSync(pgdata); // empty (checked above)
    renameSync(copy, pgdata);
    return 'template';
  } catch (err) {
    rmSync(copy, { recursive: true, force: true });
    log.warn({ err, template }, 'copying the database template failed: creating the database with initdb (~2 s)');
    await initdb(pgdata);
    return 'initdb';
  }
}

/** initdb into a directory of its own beside the template's name, then renamed into place. */
async function makeTemplate(template: string, initdb: (dir: string) => Promise<void>): Promise<void> {
  const building = `${template}.${process.pid}.building`;
  rmSync(building, { recursive: true, force: true });
  try {
    await initdb(building);
    writeFileSync(path.join(building, COMPLETE), '');
    if (existsSync(path.join(template, COMPLETE))) return; // another process finished one meanwhile
    rmSync(template, { recursive: true, force: true }); // an incomplete one (no marker) from an interrupted build
    try {
      renameSync(building, template);
    } catch (err) {
      // another process renamed its complete template first: that one is used
      if (!existsSync(path.join(template, COMPLETE))) throw err;
    }
  } finally {
    rmSync(building, { recursive: true, force: true });
  }
}

function emptyOrMissing(dir: string): boolean {
  try {
    return readdirSync(dir).length === 0;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw err;
  }
}
