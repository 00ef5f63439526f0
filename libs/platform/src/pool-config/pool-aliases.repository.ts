// Alias settings (strategy, fallbacks, timeouts) managed through the admin API, scoped to a tenant or
// the platform; one alias of a name per scope. Every write bumps the pool config version.
import { newId } from '@shoal/contracts';
import type { PrismaClient } from '../database/prisma';
import { bumpPoolConfigVersion } from './pool-config-version.repository';
import type { PoolAliasInput, PoolAliasRecord, PoolScope } from './pool-config.records';

export const MAX_ALIASES_PER_SCOPE = 500;

export type AliasWriteResult = PoolAliasRecord | 'name_taken' | 'limit_reached' | null;

export class PoolAliasesRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async create(tenantId: PoolScope, input: PoolAliasInput, id = newId('alias')): Promise<AliasWriteResult> {
    return this.prisma.$transaction(async (tx) => {
      // the version row lock serialises writers, so the name check below cannot race another create
      await bumpPoolConfigVersion(tx);
      if ((await tx.poolAlias.count({ where: { tenantId, name: input.name } })) > 0) return 'name_taken';
      if ((await tx.poolAlias.count({ where: { tenantId } })) >= MAX_ALIASES_PER_SCOPE) return 'limit_reached';
      return tx.poolAlias.create({ data: { id, tenantId, ...input } });
    });
  }

  list(tenantId: PoolScope): Promise<PoolAliasRecord[]> {
    return this.prisma.poolAlias.findMany({ where: { tenantId }, orderBy: { name: 'asc' }, take: MAX_ALIASES_PER_SCOPE });
  }

  get(tenantId: PoolScope, id: string): Promise<PoolAliasRecord | null> {
    return this.prisma.poolAlias.findFirst({ where: { id, tenantId } });
  }

  async update(tenantId: PoolScope, id: string, patch: Partial<PoolAliasInput>): Promise<AliasWriteResult> {
    return this.prisma.$transaction(async (tx) => {
      await bumpPoolConfigVersion(tx);
      if ((await tx.poolAlias.count({ where: { id, tenantId } })) === 0) return null;
      if (patch.name !== undefined && (await tx.poolAlias.count({ where: { tenantId, name: patch.name, id: { not: id } } })) > 0)
        return 'name_taken';
      return tx.poolAlias.update({ where: { id }, data: patch });
    });
  }

  async delete(tenantId: PoolScope, id: string): Promise<PoolAliasRecord | null> {
    return this.prisma.$transaction(async (tx) => {
      await bumpPoolConfigVersion(tx);
      const row = await tx.poolAlias.findFirst({ where: { id, tenantId } });
      if (!row) return null;
      await tx.poolAlias.delete({ where: { id } });
      return row;
    });
  }
}
