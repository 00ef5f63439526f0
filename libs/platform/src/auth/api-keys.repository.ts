import { newId } from '@shoal/contracts';
import type { PrismaClient } from '../database/prisma';
import { displayPrefix, generateApiKey, hashApiKey } from './api-key';

export interface ApiKeyRecord {
  id: string;
  tenantId: string;
  scopes: string[];
  workflowId: string | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

export class ApiKeysRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async findByHash(hash: string): Promise<ApiKeyRecord | null> {
    return this.prisma.apiKey.findUnique({
      where: { hash },
      select: { id: true, tenantId: true, scopes: true, workflowId: true, expiresAt: true, revokedAt: true },
    });
  }

  /**
   * On a database with no tenant yet, create the default tenant and its admin key: the given
   * bootstrap key, or a generated one that is returned so it can be shown once. Replicas booting
   * together serialize on an advisory lock; only one creates anything.
   */
  async bootstrap(
    bootstrapKey: string | undefined,
  ): Promise<{ created: false } | { created: true; tenantId: string; key: string; generated: boolean }> {
    return this.prisma.$transaction(async (tx) => {
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(7345001)`;
      if ((await tx.tenant.count()) > 0) return { created: false as const };
      const tenantId = newId('ten');
      const key = bootstrapKey ?? generateApiKey();
      await tx.tenant.create({ data: { id: tenantId, name: 'default' } });
      await tx.apiKey.create({
        data: {
          id: newId('key'),
          tenantId,
          name: 'bootstrap admin key',
          prefix: displayPrefix(key),
          hash: hashApiKey(key),
          scopes: ['admin'],
        },
      });
      return { created: true as const, tenantId, key, generated: bootstrapKey === undefined };
    });
  }

  /** Marks the tenant's key revoked; its hash (for cache invalidation), or null when the tenant has no such key. */
  async revoke(tenantId: string, keyId: string): Promise<string | null> {
    const key = await this.prisma.apiKey.findFirst({ where: { id: keyId, tenantId }, select: { hash: true, revokedAt: true } });
    if (!key) return null;
    if (!key.revokedAt)
      await this.prisma.apiKey.updateMany({ where: { id: keyId, tenantId, revokedAt: null }, data: { revokedAt: new Date() } });
    return key.hash;
  }

  touch(id: string): Promise<unknown> {
    return this.prisma.apiKey.update({ where: { id }, data: { lastUsedAt: new Date() } });
  }
}
