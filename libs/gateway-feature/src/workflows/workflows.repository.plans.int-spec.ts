// Every run starts with its workflow's latest version, read by the workflow's id. It must read that
// workflow and that version, however many workflows and versions the tenant has: the statement is
// prepared once per connection, and its plan may have been cached while the tables were small and
// had no statistics (see the engine's hot-statement-plans.int-spec.ts). A guard: on this server the
// planner kept to the keys with the tenants in the statement as well; embedded Postgres (PGlite) did
// not, and read every version of the tenant (2,708 rows at 3,000 versions), which is why the
// statement now names neither tenant.
import { newId } from '@shoal/contracts';
import { createPrismaClient, directSql, type PrismaClient } from '@shoal/platform';
import { createTestDatabase, watchStatementPlans, type StatementPlans, type TestDatabase } from '@shoal/testing';
import { WorkflowsRepository } from './workflows.repository';

let db: TestDatabase;
let prisma: PrismaClient;
let workflows: WorkflowsRepository;
let watched: StatementPlans;
const tenantId = newId('ten');

beforeAll(async () => {
  db = await createTestDatabase('workflow_read_plans');
  // one connection: the statement is prepared, and explained, on it
  prisma = createPrismaClient({ url: db.url, maxConnections: 1 });
  watched = watchStatementPlans(directSql(prisma));
  workflows = new WorkflowsRepository(prisma);
  await prisma.tenant.createMany({
    data: [
      { id: tenantId, name: 't' },
      { id: 'ten_other', name: 'o' },
    ],
  });
});

afterAll(async () => {
  await prisma?.$disconnect();
  await db?.drop();
});

/** `n` workflows of the tenant, each with `versions` versions, the last one its latest. */
async function newWorkflows(n: number, versions: number): Promise<string[]> {
  const ids = Array.from({ length: n }, () => newId('wf'));
  await prisma.workflow.createMany({ data: ids.map((id) => ({ id, tenantId, name: id })) });
  const rows = ids.flatMap((workflowId) =>
    Array.from({ length: versions }, (_, i) => ({ id: newId('wfv'), tenantId, workflowId, number: i + 1, graph: {}, checksum: 'x' })),
  );
  await prisma.workflowVersion.createMany({ data: rows });
  for (const workflowId of ids)
    await prisma.workflow.update({
      where: { id: workflowId },
      data: { latestVersionId: rows.filter((r) => r.workflowId === workflowId).at(-1)!.id },
    });
  return ids;
}

it("reads a workflow's latest version by their keys, and only for its tenant, however many the tenant has", async () => {
  const [first] = await newWorkflows(1, 1);
  // five custom plans, then the generic one, cached on tables of a row or two
  for (let i = 0; i < 8; i++) expect((await workflows.findLatest(tenantId, first))?.id).toBe(first);
  await newWorkflows(300, 10);
  const [last] = await newWorkflows(1, 3);
  expect((await workflows.findLatest(tenantId, last))?.version.number).toBe(3);
  expect(await workflows.findLatest('ten_other', last)).toBeNull();

  for (const table of ['workflows', 'workflow_versions']) {
    const plans = await watched.scansOf(table);
    expect(plans).toHaveLength(1);
    const [{ statement, scans }] = plans;
    const wide = scans.filter((s) => s.rowsRead > 1);
    expect({ table, statement, scans: scans.length, wide }).toEqual({ table, statement, scans: 1, wide: [] });
  }
});
