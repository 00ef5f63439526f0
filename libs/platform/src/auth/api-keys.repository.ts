import { newId } from '@shoal/contracts';
import type { PrismaClient } from '../database/prisma';
import { displayPrefix, generateApiKey, hashApiKey } from './api-key';
import type { RateLimits } from '../rate-limit/rate-limit';
import type { Scope } from './scopes';

export interface ApiKeyRecord {
  id: string;
  tenantId: string;
  scopes: string[];
  workflowId: string | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
  /** the key's own limits and its tenant's; null where the deployment default applies */
  rateLimits: { key: RateLimits; tenant: RateLimits };
}

/** What may be shown of a key: everything but its secret and hash. */
export interface ApiKeyView {
  id: string;
  tenantId: string;
  name: string;
  prefix: string;
  scopes: string[];
  workflowId: string | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
  rateLimitRpm: number | null;
  rateLimitTpm: number | null;
  createdAt: Date;
}

export interface NewApiKey {
  name: string;
  scopes: readonly Scope[];
  workflowId?: string | null;
  expiresAt?: Date | null;
  rateLimitRpm?: number | null;
  rateLimitTpm?: number | null;
}

const VIEW = {
  id: true,
  tenantId: true,
  name: true,
  prefix: true,
  scopes: true,
  workflowId: true,
  expiresAt: true,
  revokedAt: true,
  lastUsedAt: true,
  rateLimitRpm: true,
  rateLimitTpm: true,
  createdAt: true,
} as const;

/** The scopes of a fresh install's first key: it administers its tenant and may create others. */
export const BOOTSTRAP_SCOPES: readonly Scope[] = ['admin', 'platform:admin'];

export class ApiKeysRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async findByHash(hash: string): Promise<ApiKeyRecord | null> {
    const row = await this.prisma.apiKey.findUnique({
      where: { hash },
      select: {
        id: true,
        tenantId: true,
        scopes: true,
        workflowId: true,
        expiresAt: true,
        revokedAt: true,
        rateLimitRpm: true,
        rateLimitTpm: true,
        tenant: { select: { rateLimitRpm: true, rateLimitTpm: true } },
      },
    });
    if (!row) return null;
    const { rateLimitRpm, rateLimitTpm, tenant, ...key } = row;
    return {
      ...key,
      rateLimits: { key: { rpm: rateLimitRpm, tpm: rateLimitTpm }, tenant: { rpm: tenant.rateLimitRpm, tpm: tenant.rateLimitTpm } },
    };
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
          scopes: [...BOOTSTRAP_SCOPES],
        },
      });
      return { created: true as const, tenantId, key, generated: bootstrapKey === undefined };
    });
  }

  /** A tenant and its first admin key, in one transaction; the secret is returned once. */
  async createTenant(name: string): Promise<{ tenant: { id: string; name: string; createdAt: Date }; key: ApiKeyView; secret: string }> {
    return this.prisma.$transaction(async (tx) => {
      const tenant = await tx.tenant.create({ data: { id: newId('ten'), name }, select: { id: true, name: true, createdAt: true } });
      const secret = generateApiKey();
      const key = await tx.apiKey.create({ data: keyRow(tenant.id, { name: 'admin key', scopes: ['admin'] }, secret), select: VIEW });
      return { tenant, key, secret };
    });
  }

  /** A new key; the secret is returned once and only its hash is stored. */
  async create(tenantId: string, input: NewApiKey): Promise<{ key: ApiKeyView; secret: string }> {
    const secret = generateApiKey();
    const key = await this.prisma.apiKey.create({ data: keyRow(tenantId, input, secret), select: VIEW });
    return { key, secret };
  }

  get(tenantId: string, id: string): Promise<ApiKeyView | null> {
    return this.prisma.apiKey.findFirst({ where: { id, tenantId }, select: VIEW });
  }

  /** Newest first; `after` is the id of the last key of the previous page (ids sort by creation time). */
  async list(tenantId: string, opts: { limit: number; after?: string }): Promise<{ keys: ApiKeyView[]; hasMore: boolean }> {
    const rows = await this.prisma.apiKey.findMany({
      where: { tenantId, ...(opts.after ? { id: { lt: opts.after } } : {}) },
      orderBy: { id: 'desc' },
      take: opts.limit + 1,
      select: VIEW,
    });
    return { keys: rows.slice(0, opts.limit), hasMore: rows.length > opts.limit };
  }

  /**
   * Revokes a key (a second revoke keeps the first time). Returns the key with the hash that caches
   * must forget, or null when the tenant has no such key.
   */
  async revoke(tenantId: string, id: string): Promise<{ key: ApiKeyView; hash: string } | null> {
    return this.prisma.$transaction(async (tx) => {
      await tx.apiKey.updateMany({ where: { id, tenantId, revokedAt: null }, data: { revokedAt: new Date() } });
      const row = await tx.apiKey.findFirst({ where: { id, tenantId }, select: { ...VIEW, hash: true } });
      if (!row) return null;
      const { hash, ...key } = row;
      return { key, hash };
    });
  }

  /**
   * Replaces a live key by a new one with the same name, scopes, binding, expiry and limits, and
   * revokes the old one, in one transaction. Null when there is no such key; 'revoked' when it is
   * no longer live (rotating a dead key would resurrect it).
   */
  async rotate(tenantId: string, id: string): Promise<{ key: ApiKeyView; secret: string; revokedHash: string } | 'revoked' | null> {
    return this.prisma.$transaction(async (tx) => {
      const old = await tx.apiKey.findFirst({ where: { id, tenantId }, select: { ...VIEW, hash: true } });
      if (!old) return null;
      const now = new Date();
      // the update is the lock: of two concurrent rotations, one finds the key already revoked
      const claimed = await tx.apiKey.updateMany({ where: { id, tenantId, revokedAt: null }, data: { revokedAt: now } });
      if (claimed.count === 0 || (old.expiresAt && old.expiresAt <= now)) return 'revoked' as const;
      const secret = generateApiKey();
      const key = await tx.apiKey.create({
        data: keyRow(
          tenantId,
          {
            name: old.name,
            scopes: old.scopes as Scope[],
            workflowId: old.workflowId,
            expiresAt: old.expiresAt,
            rateLimitRpm: old.rateLimitRpm,
            rateLimitTpm: old.rateLimitTpm,
          },
          secret,
        ),
        select: VIEW,
      });
      return { key, secret, revokedHash: old.hash };
    });
  }

  touchMany(ids: readonly string[], at: Date): Promise<unknown> {
    return this.prisma.apiKey.updateMany({ where: { id: { in: [...ids] } }, data: { lastUsedAt: at } });
  }
}

function keyRow(tenantId: string, input: NewApiKey, secret: string) {
  return {
    id: newId('key'),
    tenantId,
    name: input.name,
    prefix: displayPrefix(secret),
    hash: hashApiKey(secret),
    scopes: [...input.scopes],
    workflowId: input.workflowId ?? null,
    expiresAt: input.expiresAt ?? null,
    rateLimitRpm: input.rateLimitRpm ?? null,
    rateLimitTpm: input.rateLimitTpm ?? null,
  };
}
