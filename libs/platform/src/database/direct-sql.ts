// The few statements a blocking run sends on its hot path (the gateway's run row, the engine's claim,
// checkpoints and end), sent on the Prisma client's own node-postgres pool without going through
// Prisma: its raw query path costs ~0.07 ms of client CPU per statement more than node-postgres
// alone (measured hot; ~0.15 ms cold), on top of the statement. Same pool, same connections, same
// statement names (so a text prepared through either path is not prepared twice), same errors as
// node-postgres raises them (infrastructure-error.ts knows them).
//
// Types are node-postgres' own: timestamptz as Date, json/jsonb parsed, int4 as number, but numeric
// and int8 as strings (Prisma answers Decimal and bigint). Callers convert what they read.
import type { Pool } from 'pg';
import type { Prisma, PrismaClient } from '../generated/prisma/client';
import type { PreparedStatementNames } from './prepared-statement-names';

export interface DirectSql {
  /** The rows `sql` returns (a Prisma.sql`...` template: its $n text and values). */
  query<T>(sql: Prisma.Sql): Promise<T[]>;
  /** How many rows `sql` changed. */
  execute(sql: Prisma.Sql): Promise<number>;
}

const registry = new WeakMap<PrismaClient, DirectSql>();

/** Called by createPrismaClient: `prisma`'s pool and statement names, for `directSql`. */
export function registerDirectSql(prisma: PrismaClient, pool: Pool, names: PreparedStatementNames): void {
  const run = (sql: Prisma.Sql) => pool.query({ name: names.nameFor(sql.text), text: sql.text, values: sql.values });
  registry.set(prisma, {
    query: async <T>(sql: Prisma.Sql) => (await run(sql)).rows as T[],
    execute: async (sql: Prisma.Sql) => (await run(sql)).rowCount ?? 0,
  });
}

/** The direct path of a client made by createPrismaClient. */
export function directSql(prisma: PrismaClient): DirectSql {
  const sql = registry.get(prisma);
  if (!sql) throw new Error('directSql needs a client made by createPrismaClient');
  return sql;
}
