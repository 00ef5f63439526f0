// Standalone's event appends also record each finished run's last sequence number on its row. They
// must reach those rows, not every run: the input is a JSON function the planner guesses at 100 rows,
// and for 100 rows a join by hash over a scan of all runs looked cheaper than looking each up. The
// table is analyzed, as autovacuum (or standalone's own vacuum) has it once it has grown.
import { newId } from '@shoal/contracts';
import { createTestDatabase, watchStatementPlans, type StatementPlans, type TestDatabase } from '@shoal/testing';
import { directSql } from '../database/direct-sql';
import { createPrismaClient, type PrismaClient } from '../database/prisma';
import { RunEventsRepository } from './run-events.repository';

let db: TestDatabase;
let prisma: PrismaClient;
let repo: RunEventsRepository;
let watched: StatementPlans;
const tenantId = newId('ten');
const workflowId = newId('wf');
const versionId = newId('wfv');

beforeAll(async () => {
  db = await createTestDatabase('run_event_plans');
  // one connection, as standalone runs it: the statement is prepared, and explained, on it
  prisma = createPrismaClient({ url: db.url, maxConnections: 1 });
  watched = watchStatementPlans(directSql(prisma));
  repo = new RunEventsRepository(prisma);
  await prisma.tenant.create({ data: { id: tenantId, name: 't' } });
  await prisma.workflow.create({ data: { id: workflowId, tenantId, name: 'w', latestVersionId: versionId } });
  await prisma.workflowVersion.create({ data: { id: versionId, tenantId, workflowId, number: 1, graph: {}, checksum: 'x' } });
});

afterAll(async () => {
  await prisma?.$disconnect();
  await db?.drop();
});

const runs = (n: number, status: 'running' | 'succeeded') =>
  prisma.workflowRun.createManyAndReturn({
    data: Array.from({ length: n }, () => ({ id: newId('run'), tenantId, workflowId, workflowVersionId: versionId, inputs: {}, status })),
    select: { id: true },
  });

/** Two runs' events in one append, as the store batches them: one run ends here, the other goes on. */
async function appendTwo(): Promise<string> {
  const [ending, going] = await runs(2, 'running');
  const event = (name: string) => ({ data: JSON.stringify({ event: name }), at: new Date() });
  await repo.appendRuns([
    { runId: ending.id, events: [event('node_finished'), event('workflow_finished')], finished: true },
    { runId: going.id, events: [event('node_started')], finished: false },
  ]);
  return ending.id;
}

it('records the end of the runs that ended by looking them up, however many runs there are', async () => {
  for (let i = 0; i < 8; i++) await appendTwo();
  await runs(3_000, 'succeeded');
  await prisma.$executeRawUnsafe('ANALYZE workflow_runs');
  const ended = await appendTwo();
  expect((await prisma.workflowRun.findUniqueOrThrow({ where: { id: ended } })).lastEventSeq).toBe(2);

  const plans = await watched.scansOf('workflow_runs');
  expect(plans).toHaveLength(1);
  const [{ statement, scans }] = plans;
  // the one run that ended: found by its key (a bitmap or plain index scan), not among all runs
  const wide = scans.filter((s) => s.rowsRead > 1);
  expect({ statement, scans: scans.length, wide }).toEqual({ statement, scans: 1, wide: [] });
});
