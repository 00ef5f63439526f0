// Deployments managed through the admin API, scoped to a tenant or the platform. Every write bumps
// the pool config version in its transaction.
import { newId } from '@shoal/contracts';
import { Prisma, type PrismaClient } from '../database/prisma';
import { bumpPoolConfigVersion, type PoolConfigTx } from './pool-config-version.repository';
import type { PoolDeploymentInput, PoolDeploymentRecord, PoolScope, PriceOverrideRecord } from './pool-config.records';

/** Most deployments one scope holds. */
export const MAX_DEPLOYMENTS_PER_SCOPE = 500;

type Row = Omit<PoolDeploymentRecord, 'priceOverride'> & { priceOverride: Prisma.JsonValue };

export function toDeploymentRecord(row: Row): PoolDeploymentRecord {
  return { ...row, priceOverride: (row.priceOverride ?? null) as PriceOverrideRecord | null };
}

// a JSON column's null is Prisma's DbNull; undefined leaves it as it is
function jsonPrice(p: PriceOverrideRecord | null | undefined) {
  return p === undefined ? undefined : p === null ? Prisma.DbNull : { ...p };
}

/** What a write that names a credential must check: it exists in the same scope. */
async function credentialInScope(tx: PoolConfigTx, tenantId: PoolScope, credentialId: string): Promise<boolean> {
  return (await tx.providerCredential.count({ where: { id: credentialId, tenantId } })) === 1;
}

export type DeploymentWriteResult = PoolDeploymentRecord | 'credential_not_found' | 'limit_reached' | null;

export class PoolDeploymentsRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async create(tenantId: PoolScope, input: PoolDeploymentInput, id = newId('dep')): Promise<DeploymentWriteResult> {
    return this.prisma.$transaction(async (tx) => {
      await bumpPoolConfigVersion(tx);
      if (!(await credentialInScope(tx, tenantId, input.credentialId))) return 'credential_not_found';
      if ((await tx.poolDeployment.count({ where: { tenantId } })) >= MAX_DEPLOYMENTS_PER_SCOPE) return 'limit_reached';
      return toDeploymentRecord(
        await tx.poolDeployment.create({ data: { ...input, id, tenantId, priceOverride: jsonPrice(input.priceOverride) } }),
      );
    });
  }

  async list(tenantId: PoolScope): Promise<PoolDeploymentRecord[]> {
    const rows = await this.prisma.poolDeployment.findMany({
      where: { tenantId },
      orderBy: { id: 'asc' },
      take: MAX_DEPLOYMENTS_PER_SCOPE,
    });
    return rows.map(toDeploymentRecord);
  }

  async get(tenantId: PoolScope, id: string): Promise<PoolDeploymentRecord | null> {
    const row = await this.prisma.poolDeployment.findFirst({ where: { id, tenantId } });
    return row ? toDeploymentRecord(row) : null;
  }

  /** Null when the scope has no such deployment. */
  async update(tenantId: PoolScope, id: string, patch: Partial<PoolDeploymentInput>): Promise<DeploymentWriteResult> {
    return this.prisma.$transaction(async (tx) => {
      await bumpPoolConfigVersion(tx);
      if ((await tx.poolDeployment.count({ where: { id, tenantId } })) === 0) return null;
      if (patch.credentialId !== undefined && !(await credentialInScope(tx, tenantId, patch.credentialId))) return 'credential_not_found';
      return toDeploymentRecord(
        await tx.poolDeployment.update({ where: { id }, data: { ...patch, priceOverride: jsonPrice(patch.priceOverride) } }),
      );
    });
  }

  async delete(tenantId: PoolScope, id: string): Promise<PoolDeploymentRecord | null> {
    return this.prisma.$transaction(async (tx) => {
      await bumpPoolConfigVersion(tx);
      const row = await tx.poolDeployment.findFirst({ where: { id, tenantId } });
      if (!row) return null;
      await tx.poolDeployment.delete({ where: { id } });
      return toDeploymentRecord(row);
    });
  }
}
