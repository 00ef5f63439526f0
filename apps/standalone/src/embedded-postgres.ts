// Embedded Postgres for standalone mode: PGlite (Postgres compiled to WebAssembly) with its data
// under SHOAL_DATA_DIR, served on a loopback port over the Postgres wire protocol, so Prisma and
// `pg` talk to it exactly as they talk to a real server.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { Client } from 'pg';
import { applyMigrations, findMigrationsDir } from '@shoal/platform';

export interface EmbeddedPostgres {
  url: string;
  appliedMigrations: string[];
  stop(): Promise<void>;
}

export async function startEmbeddedPostgres(dataDir: string): Promise<EmbeddedPostgres> {
  const dir = path.join(dataDir, 'pgdata');
  mkdirSync(dir, { recursive: true });
  const db = await PGlite.create(dir);
  const server = new PGLiteSocketServer({ db, port: 0, host: '127.0.0.1' });
  await server.start();
  const conn = server.getServerConn(); // "127.0.0.1:PORT"
  const url = `postgresql://postgres@${conn}/postgres?sslmode=disable`;
  const client = new Client({ connectionString: url });
  await client.connect();
  let appliedMigrations: string[];
  try {
    appliedMigrations = await applyMigrations(client, findMigrationsDir());
  } finally {
    await client.end();
  }
  return {
    url,
    appliedMigrations,
    async stop() {
      await server.stop();
      await db.close();
    },
  };
}
