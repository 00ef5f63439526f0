import { createTestDatabase, type TestDatabase } from '@shoal/testing';
import { Prisma, createPrismaClient, type PrismaClient } from './prisma';
import { directSql } from './direct-sql';

// the `int` project's testTimeout is not applied per project by Jest; a generous guard, not a speed claim
jest.setTimeout(30_000);

describe('directSql (real Postgres): statements on the Prisma client’s pool, without Prisma', () => {
  let db: TestDatabase;
  let prisma: PrismaClient;

  beforeAll(async () => {
    db = await createTestDatabase('direct-sql');
    // one connection: both paths meet on it, so a name prepared by one is found by the other
    prisma = createPrismaClient({ url: db.url, maxConnections: 1 });
    await prisma.tenant.create({ data: { id: 'ten_a', name: 'a' } });
  });

  afterAll(async () => {
    await prisma?.$disconnect();
    await db?.drop();
  });

  it('answers rows with node-postgres types and counts changed rows', async () => {
    const sql = directSql(prisma);
    const [row] = await sql.query<{ id: string; n: number; price: string; at: Date; doc: unknown }>(
      Prisma.sql`SELECT id, 7::int AS n, ${'1.50'}::numeric AS price, created_at AS at, ${JSON.stringify({ a: [1] })}::jsonb AS doc
        FROM tenants WHERE id = ${'ten_a'}`,
    );
    expect(row).toEqual({ id: 'ten_a', n: 7, price: '1.50', at: expect.any(Date), doc: { a: [1] } });
    expect(await sql.execute(Prisma.sql`UPDATE tenants SET name = ${'b'} WHERE id = ${'ten_a'}`)).toBe(1);
    expect(await sql.execute(Prisma.sql`UPDATE tenants SET name = ${'b'} WHERE id = ${'ten_none'}`)).toBe(0);
    expect((await prisma.tenant.findUnique({ where: { id: 'ten_a' } }))?.name).toBe('b');
  });

  it('shares statement names with the Prisma path: a text recurring on both is prepared once per connection, never twice under one name', async () => {
    const sql = directSql(prisma);
    const text = (id: string) => Prisma.sql`SELECT name FROM tenants WHERE id = ${id}`;
    for (let i = 0; i < 6; i++) {
      // both paths, queued on the one connection in turn
      const [a, b] = await Promise.all([
        sql.query<{ name: string }>(text('ten_a')),
        prisma.$queryRaw<Array<{ name: string }>>(text('ten_a')),
      ]);
      expect(a).toEqual([{ name: 'b' }]);
      expect(b).toEqual([{ name: 'b' }]);
    }
    const prepared = await sql.query<{ name: string }>(
      Prisma.sql`SELECT name FROM pg_prepared_statements WHERE statement LIKE ${'SELECT name FROM tenants WHERE id = $1%'}`,
    );
    // named on its third sighting and prepared once (preparing a name again would have failed the query)
    expect(prepared).toHaveLength(1);
  });

  it('ends a statement that outruns the statement timeout, on both paths, and the connection serves the next', async () => {
    // the timeout cancels the statement server-side (SQLSTATE 57014); the pool's connection stays usable
    const short = createPrismaClient({ url: db.url, maxConnections: 1, statementTimeoutMs: 300 });
    try {
      await expect(directSql(short).query(Prisma.sql`SELECT pg_sleep(5)`)).rejects.toMatchObject({ code: '57014' });
      await expect(short.$queryRaw`SELECT pg_sleep(5)`).rejects.toThrow(/statement timeout/);
      expect(await directSql(short).query<{ one: number }>(Prisma.sql`SELECT 1 AS one`)).toEqual([{ one: 1 }]);
    } finally {
      await short.$disconnect();
    }
  });

  it('refuses a client it was not registered for', () => {
    expect(() => directSql({} as PrismaClient)).toThrow('createPrismaClient');
  });

  it('closes the pool’s connections on $disconnect, when only the direct path used the client as when Prisma did', async () => {
    const connectionsTo = async () => {
      const [{ n }] = await directSql(prisma).query<{ n: number }>(
        Prisma.sql`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = ${db.name} AND pid <> pg_backend_pid()`,
      );
      return n;
    };
    for (const usePrisma of [false, true]) {
      const other = createPrismaClient({ url: db.url, maxConnections: 2 });
      await directSql(other).query(Prisma.sql`SELECT 1`);
      if (usePrisma) await other.tenant.count();
      expect(await connectionsTo()).toBeGreaterThanOrEqual(1);
      await other.$disconnect();
      // closed by $disconnect, not at the pool's idle timeout (10 s): a backend leaves pg_stat_activity as it exits
      for (let i = 0; i < 50 && (await connectionsTo()) > 0; i++) await new Promise((r) => setTimeout(r, 100));
      expect(await connectionsTo()).toBe(0);
      await expect(directSql(other).query(Prisma.sql`SELECT 1`)).rejects.toThrow();
    }
  });
});
