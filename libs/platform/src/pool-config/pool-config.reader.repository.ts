// What model-pool loads: every scope's pool config with its version, read in one snapshot.
import type { PrismaClient } from '../database/prisma';
import { toDeploymentRecord } from './pool-deployments.repository';
import type { PoolConfigRows } from './pool-config.records';

/** Bounds of one load (every scope together): a pool far larger than this is refused loudly, not loaded slowly. */
export const MAX_POOL_ROWS = 20_000;

export class PoolConfigReaderRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async version(): Promise<number> {
    const row = await this.prisma.poolConfigVersion.findUnique({ where: { id: 1 }, select: { version: true } });
    return row?.version ?? 0;
  }

  /** One repeatable-read transaction: the rows and the version they are at agree. */
  async load(): Promise<PoolConfigRows> {
    return this.prisma.$transaction(
      async (tx) => {
        const version = (await tx.poolConfigVersion.findUnique({ where: { id: 1 }, select: { version: true } }))?.version ?? 0;
        // one connection: the three reads go one after another anyway
        const credentials = await tx.providerCredential.findMany({
          select: { id: true, tenantId: true, provider: true, sealed: true },
          take: MAX_POOL_ROWS,
        });
        const deployments = await tx.poolDeployment.findMany({ orderBy: { id: 'asc' }, take: MAX_POOL_ROWS });
        const aliases = await tx.poolAlias.findMany({ orderBy: { name: 'asc' }, take: MAX_POOL_ROWS });
        return { version, credentials, deployments: deployments.map(toDeploymentRecord), aliases };
      },
      { isolationLevel: 'RepeatableRead' },
    );
  }
}
