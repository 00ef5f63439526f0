// A vacuum pass on a real database: every table is found (catalogs too) and analyzed, one statement each.
import { Prisma, createPrismaClient, directSql, type PrismaClient } from '@shoal/platform';
import { createTestDatabase, type TestDatabase } from '@shoal/testing';
import { vacuumEachTable } from './periodic-vacuum';

let db: TestDatabase;
let prisma: PrismaClient;

beforeAll(async () => {
  db = await createTestDatabase('vacuum_pass');
  prisma = createPrismaClient({ url: db.url, maxConnections: 1 });
});

afterAll(async () => {
  await prisma?.$disconnect();
  await db?.drop();
});

it('vacuums and analyzes every table of the database, one statement each', async () => {
  const sql = directSql(prisma);
  const run = (text: string) => sql.query<Record<string, unknown>>(Prisma.raw(text));
  // through Prisma: a client Prisma itself never used leaves its pool open at $disconnect
  const analyzed = async () =>
    (
      await prisma.$queryRaw<
        Array<{ yes: boolean }>
      >`SELECT reltuples >= 0 AS yes FROM pg_class WHERE oid = 'public.workflow_runs'::regclass`
    )[0].yes;
  // a new database's tables have never been analyzed: the planner has no statistics
  expect(await analyzed()).toBe(false);
  const sent: string[] = [];
  const tables = await vacuumEachTable((text) => (sent.push(text), run(text)));
  expect(await analyzed()).toBe(true);
  expect(tables).toBeGreaterThan(20);
  expect(sent).toEqual(expect.arrayContaining(['VACUUM (ANALYZE) public.workflow_runs', 'VACUUM (ANALYZE) pg_catalog.pg_class']));
  expect(sent).toHaveLength(tables + 1);
});
