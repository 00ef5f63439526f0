// Provider credentials (sealed API keys), scoped to a tenant or the platform. Every write bumps the
// pool config version in its transaction.
import { newId } from '@shoal/contracts';
import type { PrismaClient } from '../database/prisma';
import { bumpPoolConfigVersion } from './pool-config-version.repository';
import type { CredentialView, NewCredential, PoolScope } from './pool-config.records';

const VIEW = {
  id: true,
  tenantId: true,
  provider: true,
  name: true,
  hint: true,
  keyId: true,
  createdAt: true,
  updatedAt: true,
  rotatedAt: true,
} as const;

/** Most credentials one scope lists; more is a misuse, not a pool. */
export const MAX_CREDENTIALS_PER_SCOPE = 500;

export type DeleteCredentialResult = { deleted: CredentialView } | { inUseBy: string[] } | null;

export class PoolCredentialsRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async create(tenantId: PoolScope, input: NewCredential, id = newId('cred')): Promise<CredentialView> {
    return this.prisma.$transaction(async (tx) => {
      await bumpPoolConfigVersion(tx);
      return tx.providerCredential.create({ data: { id, tenantId, ...input }, select: VIEW });
    });
  }

  list(tenantId: PoolScope): Promise<CredentialView[]> {
    return this.prisma.providerCredential.findMany({
      where: { tenantId },
      select: VIEW,
      orderBy: { id: 'asc' },
      take: MAX_CREDENTIALS_PER_SCOPE,
    });
  }

  count(tenantId: PoolScope): Promise<number> {
    return this.prisma.providerCredential.count({ where: { tenantId } });
  }

  get(tenantId: PoolScope, id: string): Promise<CredentialView | null> {
    return this.prisma.providerCredential.findFirst({ where: { id, tenantId }, select: VIEW });
  }

  /** Null when the scope has no such credential. */
  async update(tenantId: PoolScope, id: string, patch: Partial<NewCredential>): Promise<CredentialView | null> {
    return this.prisma.$transaction(async (tx) => {
      const found = await tx.providerCredential.findFirst({ where: { id, tenantId }, select: { id: true } });
      if (!found) return null;
      await bumpPoolConfigVersion(tx);
      return tx.providerCredential.update({ where: { id }, data: patch, select: VIEW });
    });
  }

  /** Refused (the deployments named) while a deployment uses it; null when the scope has no such credential. */
  async delete(tenantId: PoolScope, id: string): Promise<DeleteCredentialResult> {
    return this.prisma.$transaction(async (tx) => {
      await bumpPoolConfigVersion(tx);
      const found = await tx.providerCredential.findFirst({ where: { id, tenantId }, select: VIEW });
      if (!found) return null;
      const users = await tx.poolDeployment.findMany({
        where: { credentialId: id },
        select: { id: true },
        orderBy: { id: 'asc' },
        take: 50,
      });
      if (users.length > 0) return { inUseBy: users.map((u) => u.id) };
      await tx.providerCredential.delete({ where: { id } });
      return { deleted: found };
    });
  }

  /** For the rotation pass (every scope: a platform operation): a page of sealed values after `afterId`. */
  sealedPage(afterId: string | null, limit: number): Promise<Array<{ id: string; tenantId: string | null; sealed: string }>> {
    return this.prisma.providerCredential.findMany({
      where: afterId ? { id: { gt: afterId } } : {},
      select: { id: true, tenantId: true, sealed: true },
      orderBy: { id: 'asc' },
      take: limit,
    });
  }

  /** Replaces a sealed value if it is still the one read (a concurrent update wins); true when replaced. */
  async reseal(id: string, expected: string, sealed: string, keyId: string, now: Date): Promise<boolean> {
    const { count } = await this.prisma.providerCredential.updateMany({
      where: { id, sealed: expected },
      data: { sealed, keyId, rotatedAt: now },
    });
    return count === 1;
  }
}
