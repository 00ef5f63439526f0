// The run state a worker reads and writes. Fencing: when a stalled worker's run is taken over, the
// stalled worker's writes must not land; a takeover resumes from every finished checkpoint.
import { newId } from '@shoal/contracts';
import { createPrismaClient, type PrismaClient } from '@shoal/platform';
import { createTestDatabase, type TestDatabase } from '@shoal/testing';
import { parseWorkflowGraph } from '@shoal/workflow-dsl';
import { executeRun, type NodeExecutionFinish, type NodeExecutionStart } from '@shoal/workflow-runtime';
import { LeaseLostError } from './lease-lost.error';
import { RunStateRepository } from './run-state.repository';

let db: TestDatabase;
let prisma: PrismaClient;
let repo: RunStateRepository;
let tenantId: string;
let runId: string;

beforeAll(async () => {
  db = await createTestDatabase('fencing');
  prisma = createPrismaClient({ url: db.url, maxConnections: 4 });
  repo = new RunStateRepository(prisma);
  tenantId = newId('ten');
  const workflowId = newId('wf');
  const versionId = newId('wfv');
  await prisma.tenant.create({ data: { id: tenantId, name: 't' } });
  await prisma.workflow.create({ data: { id: workflowId, tenantId, name: 'w', latestVersionId: versionId } });
  await prisma.workflowVersion.create({
    data: { id: versionId, tenantId, workflowId, number: 1, graph: { nodes: [], edges: [] }, checksum: 'x' },
  });
  runId = newId('run');
  await prisma.workflowRun.create({ data: { id: runId, tenantId, workflowId, workflowVersionId: versionId, inputs: {} } });
});

afterAll(async () => {
  await prisma?.$disconnect();
  await db?.drop();
});

const started = (executionId: string): NodeExecutionStart => ({
  runId,
  executionId,
  nodeId: 'start',
  executionKey: 'start',
  iterationIndex: null,
  nodeType: 'start',
  title: 'Start',
  index: 1,
  predecessorNodeId: null,
  attempt: 0,
  callId: null,
  startedAt: Date.now(),
});
const finished = (executionId: string): NodeExecutionFinish => ({
  ...started(executionId),
  status: 'succeeded',
  inputs: {},
  processData: null,
  outputs: { ok: true },
  error: null,
  finishedAt: Date.now(),
  elapsedMs: 1,
  tokens: { prompt: 0, completion: 0, total: 0 },
});

it('lets only the latest claim write checkpoints and the outcome', async () => {
  const stalled = (await repo.claim(runId, 'worker-a'))!;
  const takeover = (await repo.claim(runId, 'worker-a'))!; // same host and pid: still a different lease
  expect(stalled.lease).not.toBe(takeover.lease);
  expect(takeover.attempts).toBe(2);

  await expect(repo.checkpointsFor(tenantId, stalled.lease).nodeStarted(started(newId('nex')))).rejects.toBeInstanceOf(LeaseLostError);
  const mine = newId('nex');
  await repo.checkpointsFor(tenantId, takeover.lease).nodeStarted(started(mine));
  await expect(repo.checkpointsFor(tenantId, stalled.lease).nodeFinished(finished(mine))).rejects.toBeInstanceOf(LeaseLostError);
  await repo.checkpointsFor(tenantId, takeover.lease).nodeFinished(finished(mine));

  const totals = {
    status: 'succeeded' as const,
    outputs: { answer: 'x' },
    error: null,
    totalTokens: 0,
    totalSteps: 1,
    elapsedMs: 1,
    totalPrice: '0',
    currency: 'USD',
  };
  await expect(repo.finish(tenantId, runId, stalled.lease, { ...totals, outputs: { answer: 'stale' } })).rejects.toBeInstanceOf(
    LeaseLostError,
  );
  await repo.finish(tenantId, runId, takeover.lease, totals);

  const run = await prisma.workflowRun.findUniqueOrThrow({ where: { id: runId }, include: { nodeExecutions: true } });
  expect(run.status).toBe('succeeded');
  expect(run.outputs).toEqual({ answer: 'x' });
  expect(run.nodeExecutions.map((n) => [n.id, n.status])).toEqual([[mine, 'succeeded']]);
  // a finished run cannot be claimed again
  expect(await repo.claim(runId, 'worker-b')).toBeNull();
});

describe('a run resumed past a handled failure', () => {
  const g = parseWorkflowGraph({
    nodes: [
      { id: 'start', data: { type: 'start' } },
      {
        id: 'ask',
        data: { type: 'llm', model: { name: 'm' }, prompt_template: [{ role: 'user', text: 'hi' }], error_strategy: 'fail-branch' },
      },
      { id: 'ok', data: { type: 'end', outputs: [{ variable: 'text', value_selector: ['ask', 'text'] }] } },
      { id: 'sorry', data: { type: 'end', outputs: [{ variable: 'error', value_selector: ['ask', 'error_message'] }] } },
    ],
    edges: [
      { source: 'start', target: 'ask' },
      { source: 'ask', target: 'ok' },
      { source: 'ask', sourceHandle: 'fail-branch', target: 'sorry' },
    ],
  });

  it('restores the exception checkpoint instead of running the node again, and stores partial-succeeded', async () => {
    if (!g.ok) throw new Error(JSON.stringify(g.issues));
    const id = newId('run');
    const { workflowId, workflowVersionId } = await prisma.workflowRun.findUniqueOrThrow({ where: { id: runId } });
    await prisma.workflowRun.create({ data: { id, tenantId, workflowId, workflowVersionId, inputs: {} } });
    const first = (await repo.claim(id, 'worker-a'))!;
    const store = repo.checkpointsFor(tenantId, first.lease);
    const node = (
      nodeId: string,
      index: number,
      status: 'succeeded' | 'exception',
      outputs: Record<string, unknown>,
    ): NodeExecutionFinish => ({
      runId: id,
      executionId: newId('nex'),
      nodeId,
      executionKey: nodeId,
      iterationIndex: null,
      nodeType: nodeId === 'start' ? 'start' : 'llm',
      title: nodeId,
      index,
      predecessorNodeId: null,
      attempt: 0,
      callId: null,
      startedAt: Date.now(),
      status,
      inputs: {},
      processData: null,
      outputs,
      error: status === 'exception' ? 'boom' : null,
      finishedAt: Date.now(),
      elapsedMs: 1,
      tokens: { prompt: 0, completion: 0, total: 0 },
    });
    for (const rec of [node('start', 1, 'succeeded', {}), node('ask', 2, 'exception', { error_message: 'boom', error_type: 'Error' })]) {
      await store.nodeStarted(rec);
      await store.nodeFinished(rec);
    }

    // the worker died here; another takes the run over
    const second = (await repo.claim(id, 'worker-b'))!;
    const finishedNodes = await repo.finishedNodes(tenantId, id);
    expect(finishedNodes.map((n) => [n.nodeId, n.status])).toEqual([
      ['start', 'succeeded'],
      ['ask', 'exception'],
    ]);
    const llmCalls: string[] = [];
    const outcome = await executeRun({
      runId: id,
      workflowId,
      workflowVersionId,
      graph: g.graph,
      inputs: {},
      finished: finishedNodes,
      ports: {
        llm: {
          chat: async (req) => {
            llmCalls.push(req.nodeId);
            return { text: 'ran again', usage: { promptTokens: 0, completionTokens: 0, totalTokens: 0 }, model: 'm', finishReason: 'stop' };
          },
        },
        checkpoints: repo.checkpointsFor(tenantId, second.lease),
        events: { emit: () => undefined },
      },
    });
    expect(llmCalls).toEqual([]);
    expect(outcome).toMatchObject({ status: 'partial-succeeded', outputs: { error: 'boom' } });

    await repo.finish(tenantId, id, second.lease, {
      status: outcome.status,
      outputs: outcome.outputs,
      error: null,
      totalTokens: 0,
      totalSteps: outcome.steps,
      elapsedMs: 1,
      totalPrice: '0',
      currency: 'USD',
    });
    expect((await prisma.workflowRun.findUniqueOrThrow({ where: { id } })).status).toBe('partial_succeeded');
    expect((await repo.unannouncedFinish(id))?.status).toBe('partial-succeeded');
  });
});

describe('executions inside iterations and loops', () => {
  it('keeps one row per execution key, restarts a round over its own row, and reads the keys back', async () => {
    const id = newId('run');
    const { workflowId, workflowVersionId } = await prisma.workflowRun.findUniqueOrThrow({ where: { id: runId } });
    await prisma.workflowRun.create({ data: { id, tenantId, workflowId, workflowVersionId, inputs: {} } });
    const { lease } = (await repo.claim(id, 'worker-a'))!;
    const store = repo.checkpointsFor(tenantId, lease);
    const inner = (round: number, index: number): NodeExecutionFinish => ({
      ...finished(newId('nex')),
      runId: id,
      nodeId: 'ask',
      executionKey: `ask#iter[${round}]`,
      iterationIndex: round,
      nodeType: 'llm',
      index,
      callId: `${id}:ask#iter[${round}]:0`,
      outputs: { text: `round ${round}` },
    });
    const r0 = inner(0, 2);
    const r1 = inner(1, 3);
    await store.nodeStarted(r0);
    await store.nodeFinished(r0);
    // round 1 started, the worker died, and its rerun starts the same execution key again
    await store.nodeStarted(r1);
    const rerun = { ...inner(1, 4) };
    await store.nodeStarted(rerun);
    await store.nodeFinished(rerun);

    const rows = await prisma.nodeExecution.findMany({ where: { runId: id }, orderBy: { index: 'asc' } });
    expect(rows.map((r) => [r.executionKey, r.nodeId, r.iterationIndex, r.id])).toEqual([
      ['ask#iter[0]', 'ask', 0, r0.executionId],
      ['ask#iter[1]', 'ask', 1, rerun.executionId],
    ]);
    expect((await repo.finishedNodes(tenantId, id)).map((n) => [n.nodeId, n.executionKey, n.outputs])).toEqual([
      ['ask', 'ask#iter[0]', { text: 'round 0' }],
      ['ask', 'ask#iter[1]', { text: 'round 1' }],
    ]);
    expect((await repo.callIds(tenantId, id)).sort()).toEqual([`${id}:ask#iter[0]:0`, `${id}:ask#iter[1]:0`]);
  });
});
