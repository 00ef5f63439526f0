// A run read by id (GET /v1/runs/{id}, a blocking answer without an end record) must read that run,
// however many runs its tenant has, and a run's insert must check its workflow by key, however many
// workflows there are: the statement is prepared once per connection, and its plan may
// have been cached while the table was small and had no statistics (as in embedded Postgres until its
// first vacuum). See the engine's hot-statement-plans.int-spec.ts.
import { newId } from '@shoal/contracts';
import { createPrismaClient, directSql, type PrismaClient } from '@shoal/platform';
import { createTestDatabase, watchStatementPlans, type StatementPlans, type TestDatabase } from '@shoal/testing';
import { RunsRepository } from './runs.repository';

let db: TestDatabase;
let prisma: PrismaClient;
let runs: RunsRepository;
let watched: StatementPlans;
const tenantId = newId('ten');

beforeAll(async () => {
  db = await createTestDatabase('run_read_plans');
  // one connection: the statement is prepared, and explained, on it
  prisma = createPrismaClient({ url: db.url, maxConnections: 1 });
  watched = watchStatementPlans(directSql(prisma));
  runs = new RunsRepository(prisma);
  await prisma.tenant.createMany({
    data: [
      { id: tenantId, name: 't' },
      { id: 'ten_other', name: 'o' },
    ],
  });
  await prisma.workflow.create({ data: { id: 'wf_p', tenantId, name: 'w' } });
  await prisma.workflowVersion.create({ data: { id: 'wfv_p', tenantId, workflowId: 'wf_p', number: 1, graph: {}, checksum: 'x' } });
  await prisma.workflow.update({ where: { id: 'wf_p' }, data: { latestVersionId: 'wfv_p' } });
});

afterAll(async () => {
  await prisma?.$disconnect();
  await db?.drop();
});

const newRuns = (n: number) =>
  prisma.workflowRun.createManyAndReturn({
    data: Array.from({ length: n }, () => ({ id: newId('run'), tenantId, workflowId: 'wf_p', workflowVersionId: 'wfv_p', inputs: {} })),
    select: { id: true },
  });

it('reads a run by its key, and only for its tenant, however many runs the tenant has', async () => {
  const few = await newRuns(8);
  // five custom plans, then the generic one, cached on a table of a few rows
  for (const { id } of few) expect((await runs.find(tenantId, id))?.id).toBe(id);
  await newRuns(3_000);
  const [last] = await newRuns(1);
  expect((await runs.find(tenantId, last.id))?.id).toBe(last.id);
  expect(await runs.find('ten_other', last.id)).toBeNull();

  const plans = await watched.scansOf('workflow_runs');
  expect(plans).toHaveLength(1);
  const [{ statement, scans }] = plans;
  expect({ statement, scans }).toEqual({ statement, scans: [{ how: 'Index Scan using workflow_runs_pkey', rowsRead: 1 }] });
});

it('checks a new run’s workflow by its key, however many workflows there are', async () => {
  const start = (id = newId('run')) =>
    runs.createQueued(tenantId, {
      id,
      workflowId: 'wf_p',
      workflowVersionId: 'wfv_p',
      apiKeyId: null as unknown as string,
      inputs: { q: 'x' },
      responseMode: 'blocking',
      endUser: null,
      traceId: null,
    });
  // five custom plans, then the generic one, cached while the workflows table has one row
  for (let i = 0; i < 8; i++) expect(await start()).toMatchObject({ workflowVersionId: 'wfv_p' });
  await prisma.workflow.createMany({ data: Array.from({ length: 3_000 }, (_, i) => ({ id: `wf_many_${i}`, tenantId, name: `w${i}` })) });
  expect(await start('run_checked')).toMatchObject({ workflowVersionId: 'wfv_p' });
  // explained with its last values, in a transaction rolled back: the row it inserts must be free again
  await prisma.workflowRun.delete({ where: { id: 'run_checked' } });

  const plans = await watched.scansOf('workflows');
  expect(plans).toHaveLength(1);
  const [{ statement, scans }] = plans;
  expect({ statement, scans }).toEqual({ statement, scans: [{ how: 'Index Scan using workflows_pkey', rowsRead: 1 }] });
});
