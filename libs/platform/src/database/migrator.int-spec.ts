import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { withDatabase } from '@shoal/testing';
import { applyMigrations, findMigrationsDir } from './migrator';

// the `int` project's testTimeout is not applied per project by Jest; a generous guard, not a speed claim
jest.setTimeout(30_000);

const adminUrl = process.env['SHOAL_TEST_PG_URL'] ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

async function admin(sql: string): Promise<void> {
  const c = new Client({ connectionString: adminUrl });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** An empty database (not cloned from the migrated template): what standalone mode starts from. */
async function emptyDatabase(label: string): Promise<{ client: Client; url: string; drop: () => Promise<void> }> {
  const name = `shoal_${label}_${randomBytes(4).toString('hex')}`;
  await admin(`CREATE DATABASE "${name}"`);
  const url = withDatabase(adminUrl, name);
  const client = new Client({ connectionString: url });
  await client.connect();
  return {
    client,
    url,
    drop: async () => {
      await client.end().catch(() => undefined);
      await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

async function tables(client: Client): Promise<string[]> {
  const { rows } = await client.query<{ tablename: string }>(
    `SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename`,
  );
  return rows.map((r) => r.tablename);
}

describe('applyMigrations (real Postgres)', () => {
  const migrationsDir = findMigrationsDir();
  const cleanups: Array<() => Promise<void>> = [];
  afterAll(async () => {
    for (const c of cleanups) await c();
  });

  it('finds prisma/migrations from the source tree', async () => {
    expect(migrationsDir).toBe(path.resolve(__dirname, '../../../../prisma/migrations'));
    expect((await readdir(migrationsDir)).some((d) => /^\d{14}_/.test(d))).toBe(true);
  });

  it('migrates an empty database and records each migration as Prisma does, then applies nothing twice', async () => {
    const db = await emptyDatabase('migrate');
    cleanups.push(db.drop);
    const names = (await readdir(migrationsDir, { withFileTypes: true }))
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();

    const applied = await applyMigrations(db.client, migrationsDir);
    expect(applied).toEqual(names);
    expect(await tables(db.client)).toEqual(
      expect.arrayContaining([
        '_prisma_migrations',
        'api_keys',
        'prices',
        'tenants',
        'usage_daily_rollups',
        'usage_records',
        'workflow_runs',
        'workflow_versions',
        'workflows',
      ]),
    );

    const { rows } = await db.client.query<{
      migration_name: string;
      checksum: string;
      finished_at: Date | null;
      rolled_back_at: Date | null;
      applied_steps_count: number;
    }>(
      'SELECT migration_name, checksum, finished_at, rolled_back_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name',
    );
    expect(rows.map((r) => r.migration_name)).toEqual(names);
    for (const row of rows) {
      const sql = await readFile(path.join(migrationsDir, row.migration_name, 'migration.sql'));
      expect(row.checksum).toBe(createHash('sha256').update(sql).digest('hex'));
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.rolled_back_at).toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }

    await expect(applyMigrations(db.client, migrationsDir)).resolves.toEqual([]);
    const { rows: again } = await db.client.query('SELECT 1 FROM "_prisma_migrations"');
    expect(again).toHaveLength(names.length);
  });

  it('writes the same checksums as `prisma migrate deploy` wrote into the template database', async () => {
    const template = process.env['SHOAL_TEST_TEMPLATE_DB'];
    if (!template) throw new Error('SHOAL_TEST_TEMPLATE_DB is not set: run the tests with `npm test`');
    const db = await emptyDatabase('checksums');
    cleanups.push(db.drop);
    await applyMigrations(db.client, migrationsDir);
    const prismaDb = new Client({ connectionString: withDatabase(adminUrl, template) });
    await prismaDb.connect();
    try {
      const q = 'SELECT migration_name, checksum FROM "_prisma_migrations" WHERE rolled_back_at IS NULL ORDER BY migration_name';
      expect((await db.client.query(q)).rows).toEqual((await prismaDb.query(q)).rows);
    } finally {
      await prismaDb.end();
    }
  });

  it('rolls a failing migration back entirely, names it, and records nothing for it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'shoal-migrations-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    await mkdir(path.join(dir, '20260101000000_good'));
    await writeFile(path.join(dir, '20260101000000_good', 'migration.sql'), 'CREATE TABLE "good" ("id" TEXT PRIMARY KEY);');
    await mkdir(path.join(dir, '20260102000000_bad'));
    await writeFile(
      path.join(dir, '20260102000000_bad', 'migration.sql'),
      'CREATE TABLE "half" ("id" TEXT);\nSELECT * FROM "no_such_table";',
    );
    const db = await emptyDatabase('migrate_fail');
    cleanups.push(db.drop);

    await expect(applyMigrations(db.client, dir)).rejects.toThrow(/migration 20260102000000_bad failed: .*no_such_table/);
    expect(await tables(db.client)).toEqual(['_prisma_migrations', 'good']);
    const { rows } = await db.client.query<{ migration_name: string }>('SELECT migration_name FROM "_prisma_migrations"');
    expect(rows.map((r) => r.migration_name)).toEqual(['20260101000000_good']);

    // fixed, it applies on the next boot; the good one is not re-run
    await writeFile(path.join(dir, '20260102000000_bad', 'migration.sql'), 'CREATE TABLE "half" ("id" TEXT);');
    await expect(applyMigrations(db.client, dir)).resolves.toEqual(['20260102000000_bad']);
  });
});
