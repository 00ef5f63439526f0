import { Client } from 'pg';
import { createTestDatabase, type TestDatabase } from '@shoal/testing';
import { createPrismaClient, type PrismaClient } from '../database/prisma';
import { hashApiKey } from './api-key';
import { ApiKeysRepository } from './api-keys.repository';

// the `int` project's testTimeout is not applied per project by Jest; a generous guard, not a speed claim
jest.setTimeout(30_000);

describe('ApiKeysRepository (real Postgres)', () => {
  let db: TestDatabase;
  let prisma: PrismaClient;
  let repo: ApiKeysRepository;

  beforeAll(async () => {
    db = await createTestDatabase('api-keys');
    prisma = createPrismaClient({ url: db.url, maxConnections: 10 });
    repo = new ApiKeysRepository(prisma);
  });

  afterAll(async () => {
    await prisma?.$disconnect();
    await db?.drop();
  });

  beforeEach(async () => {
    await prisma.$executeRaw`TRUNCATE tenants CASCADE`;
  });

  it('creates exactly one tenant and one key when five replicas bootstrap at once', async () => {
    const key = 'sk-shoal-bootstrap-key-for-five-replicas';
    const results = await Promise.all(Array.from({ length: 5 }, () => new ApiKeysRepository(prisma).bootstrap(key)));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await prisma.tenant.count()).toBe(1);
    expect(await prisma.apiKey.count()).toBe(1);
    const created = results.find((r) => r.created);
    const [tenant] = await prisma.tenant.findMany();
    expect(created).toEqual({ created: true, tenantId: tenant.id, key, generated: false });
  });

  it('stores a given bootstrap key only as its SHA-256 hash, with admin and platform admin scopes', async () => {
    const key = 'sk-shoal-operator-chosen-key-0123456789';
    await repo.bootstrap(key);
    const rows = await prisma.apiKey.findMany();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      hash: hashApiKey(key),
      scopes: ['admin', 'platform:admin'],
      prefix: 'sk-shoal-oper',
      revokedAt: null,
      expiresAt: null,
    });
    // the plaintext is nowhere in the table, in any column
    const pg = new Client({ connectionString: db.url });
    await pg.connect();
    try {
      const { rows: raw } = await pg.query<{ row: string }>('SELECT row_to_json(k)::text AS row FROM api_keys k');
      expect(raw).toHaveLength(1);
      expect(raw[0].row).not.toContain(key);
      expect(raw[0].row).not.toContain(key.slice(13));
    } finally {
      await pg.end();
    }
    // and the guard's lookup finds it by hash
    await expect(repo.findByHash(hashApiKey(key))).resolves.toMatchObject({
      tenantId: rows[0].tenantId,
      scopes: ['admin', 'platform:admin'],
    });
  });

  it('does nothing on a database that already has a tenant', async () => {
    await repo.bootstrap('sk-shoal-first-boot-key-0123456789');
    await expect(repo.bootstrap('sk-shoal-second-boot-key-0123456789')).resolves.toEqual({ created: false });
    await expect(repo.bootstrap(undefined)).resolves.toEqual({ created: false });
    expect(await prisma.apiKey.count()).toBe(1);
    expect(await repo.findByHash(hashApiKey('sk-shoal-second-boot-key-0123456789'))).toBeNull();
  });

  it('generates a key when none is given, returns it once, and stores only its hash', async () => {
    const result = await repo.bootstrap(undefined);
    if (!result.created) throw new Error('expected the bootstrap to create the tenant');
    expect(result.generated).toBe(true);
    expect(result.key).toMatch(/^sk-shoal-[A-Za-z0-9_-]{32}$/);
    const [row] = await prisma.apiKey.findMany();
    expect(row.hash).toBe(hashApiKey(result.key));
    expect(row.tenantId).toBe(result.tenantId);
  });
});
