// The Prisma client over node-postgres. Only *.repository.ts files use it.
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client';

export { PrismaClient, Prisma } from '../generated/prisma/client';
export type { RunStatus as DbRunStatus, NodeStatus as DbNodeStatus } from '../generated/prisma/client';

export interface DatabaseOptions {
  url: string;
  /** connections in this process's pool */
  maxConnections?: number;
}

/**
 * A session that sits inside an open transaction this long is ended by Postgres, releasing its row
 * locks: a process frozen mid-transaction (stopped, swapped out, partitioned away) must not block the
 * worker that takes its runs over. No transaction of Shoal's waits on its client this long.
 */
const IDLE_IN_TRANSACTION_MS = 15_000;

export function createPrismaClient(opts: DatabaseOptions): PrismaClient {
  const adapter = new PrismaPg({
    connectionString: opts.url,
    max: opts.maxConnections ?? 10,
    connectionTimeoutMillis: 10_000,
    idle_in_transaction_session_timeout: IDLE_IN_TRANSACTION_MS,
  });
  return new PrismaClient({ adapter });
}
