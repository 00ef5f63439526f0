// The pool config's version: one row, bumped in the transaction of every pool config write, so a
// replica that missed the change message still sees that its copy is old on its next check.
import type { PrismaClient } from '../database/prisma';

/** The transaction client Prisma hands an interactive transaction. */
export type PoolConfigTx = Parameters<Parameters<PrismaClient['$transaction']>[0]>[0];

/**
 * Bumps the version and returns it. Called first in each write transaction: the row lock it takes
 * serialises pool config writes, so checks made after it (an alias name taken, a credential in
 * use) cannot race another writer.
 */
export async function bumpPoolConfigVersion(tx: PoolConfigTx): Promise<number> {
  const row = await tx.poolConfigVersion.upsert({
    where: { id: 1 },
    update: { version: { increment: 1 } },
    create: { id: 1, version: 1 },
    select: { version: true },
  });
  return row.version;
}
