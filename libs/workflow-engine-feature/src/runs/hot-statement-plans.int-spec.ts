// A run's hot statements (claim, checkpoints, end) are prepared once per connection and, after five
// executions, run on a cached generic plan: one chosen while the table may have been small and
// without statistics (embedded Postgres has none until its first vacuum; a new server's autovacuum
// has not analyzed it yet). A plan that found the run through an index other than the primary key
// walked every run of the tenant on each call, for as long as the plan stayed cached. Here the plans
// are cached on a near-empty table, the tenant then gets thousands of runs, and each statement must
// still read the run alone.
import { newId } from '@shoal/contracts';
import { createPrismaClient, directSql, type PrismaClient } from '@shoal/platform';
import { createTestDatabase, watchStatementPlans, type StatementPlans, type TestDatabase } from '@shoal/testing';
import type { NodeExecutionFinish, NodeExecutionStart } from '@shoal/workflow-runtime';
import { RunStateRepository } from './run-state.repository';

let db: TestDatabase;
let prisma: PrismaClient;
let repo: RunStateRepository;
const tenantId = newId('ten');
const workflowId = newId('wf');
const versionId = newId('wfv');
/** the statements the client sent, and their cached plans */
let watched: StatementPlans;

beforeAll(async () => {
  db = await createTestDatabase('hot_plans');
  // one connection: the statements are prepared (and their plans cached) on it, and explained on it
  prisma = createPrismaClient({ url: db.url, maxConnections: 1 });
  watched = watchStatementPlans(directSql(prisma));
  repo = new RunStateRepository(prisma);
  await prisma.tenant.create({ data: { id: tenantId, name: 't' } });
  await prisma.workflow.create({ data: { id: workflowId, tenantId, name: 'w', latestVersionId: versionId } });
  await prisma.workflowVersion.create({
    data: { id: versionId, tenantId, workflowId, number: 1, graph: { nodes: [], edges: [] }, checksum: 'x' },
  });
});

afterAll(async () => {
  await prisma?.$disconnect();
  await db?.drop();
});

function node(runId: string, nodeId: 'llm' | 'end'): NodeExecutionStart & NodeExecutionFinish {
  return {
    runId,
    executionId: newId('nex'),
    nodeId,
    executionKey: nodeId,
    iterationIndex: null,
    nodeType: nodeId,
    title: nodeId,
    index: 1,
    predecessorNodeId: null,
    attempt: 1,
    callId: null,
    startedAt: Date.now(),
    status: 'succeeded',
    inputs: {},
    processData: null,
    outputs: { text: 'x' },
    error: null,
    finishedAt: Date.now(),
    elapsedMs: 1,
    tokens: { prompt: 1, completion: 1, total: 2 },
  };
}

/** One run as a worker writes it: claimed, an LLM node's start and finish, then its end with a deferred node. */
async function oneRun(): Promise<void> {
  const runId = newId('run');
  await prisma.workflowRun.create({ data: { id: runId, tenantId, workflowId, workflowVersionId: versionId, inputs: {} } });
  const run = await repo.claim(runId, 'worker');
  if (!run) throw new Error('not claimed');
  const checkpoints = repo.checkpointsFor(tenantId, run.lease);
  await checkpoints.nodeStarted({ ...node(runId, 'llm'), deterministic: false });
  await checkpoints.nodeFinished({ ...node(runId, 'llm'), deterministic: false });
  checkpoints.nodeFinished({ ...node(runId, 'end'), deterministic: true });
  const totals = { status: 'succeeded' as const, outputs: { a: 'x' }, error: null, totalTokens: 2, totalSteps: 2, elapsedMs: 1 };
  await repo.finish(tenantId, runId, run.lease, { ...totals, totalPrice: '0', currency: 'USD' }, checkpoints.pending());
  // where the run's events are not kept in Postgres (Redis), the end's sequence number is recorded apart
  await repo.setLastEventSeq(runId, 4);
}

it('keeps each run statement to the run it names after its plan was cached on a near-empty table', async () => {
  // five custom plans, then the generic one is cached: on a table of a few rows, never analyzed
  for (let i = 0; i < 8; i++) await oneRun();
  await prisma.workflowRun.createMany({
    data: Array.from({ length: 3_000 }, () => ({
      id: newId('run'),
      tenantId,
      workflowId,
      workflowVersionId: versionId,
      inputs: {},
      status: 'succeeded' as const,
      workerId: 'worker:old',
    })),
  });
  await oneRun();

  const plans = await watched.scansOf('workflow_runs');
  // the claim, a checkpoint, the end and the end's sequence number
  expect(plans.length).toBeGreaterThanOrEqual(4);
  for (const { statement, scans } of plans) {
    expect(scans.length).toBeGreaterThan(0);
    // named in a failure: which statement read the table how, and how many rows
    const wide = scans.filter((s) => s.how !== 'Index Scan using workflow_runs_pkey' || s.rowsRead > 1);
    expect({ statement, wide }).toEqual({ statement, wide: [] });
  }
});
