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

export function createPrismaClient(opts: DatabaseOptions): PrismaClient {
  const adapter = new PrismaPg({ connectionString: opts.url, max: opts.maxConnections ?? 10, connectionTimeoutMillis: 10_000 });
  return new PrismaClient({ adapter });
}
