// The Prisma client over node-postgres. Only *.repository.ts files use it.
import { PrismaPg } from '@prisma/adapter-pg';
import type { Duplex } from 'node:stream';
import { Pool } from 'pg';
import { PrismaClient } from '../generated/prisma/client';
import { PreparedStatementNames } from './prepared-statement-names';
import { registerDirectSql } from './direct-sql';

export { PrismaClient, Prisma } from '../generated/prisma/client';
export type { RunStatus as DbRunStatus, NodeStatus as DbNodeStatus } from '../generated/prisma/client';

export interface DatabaseOptions {
  url: string;
  /** connections in this process's pool */
  maxConnections?: number;
  /**
   * The longest one statement may run, waiting on locks included, before Postgres cancels it (the
   * caller gets an error, the session stays usable). Every statement of Shoal's takes milliseconds;
   * this bounds the one that would otherwise hold a connection and its caller forever (a lock held
   * by a frozen session, a plan gone wrong). Embedded Postgres (PGlite) ignores it.
   */
  statementTimeoutMs?: number;
  /**
   * Opens a connection to a server inside this process (standalone's embedded Postgres) in place of
   * a socket to `url`'s host; each of the pool's connections is one.
   */
  stream?: () => Duplex;
}

/** The default of `statementTimeoutMs` (DATABASE_STATEMENT_TIMEOUT_MS). */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 60_000;

/**
 * A session that sits inside an open transaction this long is ended by Postgres, releasing its row
 * locks: a process frozen mid-transaction (stopped, swapped out, partitioned away) must not block the
 * worker that takes its runs over. No transaction of Shoal's waits on its client this long.
 */
const IDLE_IN_TRANSACTION_MS = 15_000;

export function createPrismaClient(opts: DatabaseOptions): PrismaClient {
  const pool = new Pool({
    connectionString: opts.url,
    max: opts.maxConnections ?? 10,
    connectionTimeoutMillis: 10_000,
    idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_MS,
    statement_timeout: opts.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS,
    ...(opts.stream ? { stream: opts.stream } : {}),
    // Statements are prepared under names (below), and node-postgres remembers per connection which
    // it has prepared. Standalone's embedded Postgres (PGlite) serves every connection of the process
    // from one server session, so the statements a closed connection prepared are still there when
    // the pool opens the next: a new connection first drops whatever its session holds (on a real
    // server the session is new and this is a no-op).
    onConnect: async (client) => {
      await client.query('DEALLOCATE ALL');
    },
  });
  const names = new PreparedStatementNames();
  const adapter = new PrismaPg(pool, {
    disposeExternalPool: true,
    // the adapter hands the name to node-postgres, for which an undefined name means an unnamed statement
    statementNameGenerator: (query) => names.nameFor(query.sql) as string,
  });
  const prisma = new PrismaClient({ adapter });
  // the hot path's few statements go on the same pool without Prisma (direct-sql.ts)
  registerDirectSql(prisma, pool, names);
  // Prisma ends the pool (disposeExternalPool) only if it connected itself: a client used through
  // directSql alone kept its connections open after $disconnect, until their idle timeout
  const disconnect = prisma.$disconnect.bind(prisma);
  prisma.$disconnect = async () => {
    try {
      await disconnect();
    } finally {
      if (!pool.ended) await pool.end();
    }
  };
  return prisma;
}
