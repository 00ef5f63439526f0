// Deterministic nodes' checkpoints ride with the next write; a run killed before that write loses
// them, and its resume recomputes them identically without calling any effectful node again.
import { newId } from '@shoal/contracts';
import { createPrismaClient, type PrismaClient } from '@shoal/platform';
import { createTestDatabase, type TestDatabase } from '@shoal/testing';
import { parseWorkflowGraph } from '@shoal/workflow-dsl';
import { executeRun, type CheckpointStore, type LlmPort } from '@shoal/workflow-runtime';
import { RunStateRepository } from './run-state.repository';

let db: TestDatabase;
let prisma: PrismaClient;
let repo: RunStateRepository;
let tenantId: string;
let workflowId: string;
let versionId: string;

// start -> shape (template) -> ask (llm) -> wrap (template) -> again (llm) -> end
const parsed = parseWorkflowGraph({
  nodes: [
    { id: 'start', data: { type: 'start', variables: [{ variable: 'q', type: 'text-input', required: true }] } },
    {
      id: 'shape',
      data: { type: 'template-transform', template: '<{{ q }}>', variables: [{ variable: 'q', value_selector: ['start', 'q'] }] },
    },
    { id: 'ask', data: { type: 'llm', model: { name: 'm' }, prompt_template: [{ role: 'user', text: '{{#shape.output#}}' }] } },
    {
      id: 'wrap',
      data: { type: 'template-transform', template: '[{{ a }}]', variables: [{ variable: 'a', value_selector: ['ask', 'text'] }] },
    },
    { id: 'again', data: { type: 'llm', model: { name: 'm' }, prompt_template: [{ role: 'user', text: '{{#wrap.output#}}' }] } },
    {
      id: 'end',
      data: {
        type: 'end',
        outputs: [
          { variable: 'wrapped', value_selector: ['wrap', 'output'] },
          { variable: 'answer', value_selector: ['again', 'text'] },
        ],
      },
    },
  ],
  edges: [
    { source: 'start', target: 'shape' },
    { source: 'shape', target: 'ask' },
    { source: 'ask', target: 'wrap' },
    { source: 'wrap', target: 'again' },
    { source: 'again', target: 'end' },
  ],
});
if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
const graph = parsed.graph;

/** An LLM that echoes its prompt, recording which node called it. */
function echo(calls: string[]): LlmPort {
  return {
    chat: async (req) => {
      calls.push(req.nodeId);
      const prompt = req.messages.map((m) => (typeof m.content === 'string' ? m.content : '')).join('');
      return { text: `echo ${prompt}`, usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 }, model: 'm', finishReason: 'stop' };
    },
  };
}

class Killed extends Error {}

async function newRun(): Promise<string> {
  const id = newId('run');
  await prisma.workflowRun.create({ data: { id, tenantId, workflowId, workflowVersionId: versionId, inputs: { q: 'hi' } } });
  return id;
}

async function runToEnd(id: string, checkpoints: CheckpointStore, llm: LlmPort, resumed = false) {
  return executeRun({
    runId: id,
    workflowId,
    workflowVersionId: versionId,
    graph,
    inputs: { q: 'hi' },
    finished: resumed ? await repo.finishedNodes(tenantId, id) : [],
    startedAttempts: resumed ? await repo.startedAttempts(tenantId, id) : undefined,
    ports: { llm, checkpoints, events: { emit: () => undefined } },
  });
}

beforeAll(async () => {
  db = await createTestDatabase('deferred');
  prisma = createPrismaClient({ url: db.url, maxConnections: 4 });
  repo = new RunStateRepository(prisma);
  tenantId = newId('ten');
  workflowId = newId('wf');
  versionId = newId('wfv');
  await prisma.tenant.create({ data: { id: tenantId, name: 't' } });
  await prisma.workflow.create({ data: { id: workflowId, tenantId, name: 'w', latestVersionId: versionId } });
  await prisma.workflowVersion.create({ data: { id: versionId, tenantId, workflowId, number: 1, graph: {}, checksum: 'x' } });
});

afterAll(async () => {
  await prisma?.$disconnect();
  await db?.drop();
});

it('a deterministic node is written with the next effectful checkpoint, not alone', async () => {
  const id = await newRun();
  const { lease } = (await repo.claim(id, 'worker-a'))!;
  const store = repo.checkpointsFor(tenantId, lease);
  const writes: string[] = [];
  const seen: CheckpointStore = {
    nodeStarted: async (rec) => {
      const before = await prisma.nodeExecution.count({ where: { runId: id } });
      await store.nodeStarted(rec);
      writes.push(`${rec.nodeId}:started:${(await prisma.nodeExecution.count({ where: { runId: id } })) - before}`);
    },
    nodeFinished: (rec) => store.nodeFinished(rec),
  };
  const outcome = await runToEnd(id, seen, echo([]));
  // rows each node's start added: start and shape were written with ask's start, wrap with again's
  expect(writes).toEqual(['start:started:0', 'shape:started:0', 'ask:started:3', 'wrap:started:0', 'again:started:2', 'end:started:0']);
  await repo.finish(tenantId, id, lease, { ...totals(outcome), outputs: outcome.outputs }, store.pending());
  const rows = await prisma.nodeExecution.findMany({ where: { runId: id }, orderBy: { index: 'asc' } });
  expect(rows.map((r) => [r.nodeId, r.status])).toEqual([
    ['start', 'succeeded'],
    ['shape', 'succeeded'],
    ['ask', 'succeeded'],
    ['wrap', 'succeeded'],
    ['again', 'succeeded'],
    ['end', 'succeeded'],
  ]);
});

it('a run killed between a deterministic node and the next effectful checkpoint resumes with identical outputs, no effectful node run again', async () => {
  // the same run without a crash: what the resumed one must produce
  const reference = await runToEnd(await newRun(), { nodeStarted: async () => undefined, nodeFinished: async () => undefined }, echo([]));

  const id = await newRun();
  const first = (await repo.claim(id, 'worker-a'))!;
  const store = repo.checkpointsFor(tenantId, first.lease);
  const firstCalls: string[] = [];
  // the worker dies as `again` is about to be checkpointed: `wrap` (deterministic) finished, its record not yet written
  const dying: CheckpointStore = {
    nodeStarted: async (rec) => {
      if (rec.nodeId === 'again') throw new Killed('SIGKILL');
      await store.nodeStarted(rec);
    },
    nodeFinished: (rec) => store.nodeFinished(rec),
  };
  await expect(runToEnd(id, dying, echo(firstCalls))).rejects.toBeInstanceOf(Killed);
  expect(firstCalls).toEqual(['ask']);
  const committed = await prisma.nodeExecution.findMany({ where: { runId: id }, orderBy: { index: 'asc' } });
  expect(committed.map((r) => [r.nodeId, r.status])).toEqual([
    ['start', 'succeeded'],
    ['shape', 'succeeded'],
    ['ask', 'succeeded'],
  ]);

  // another worker takes the run over and resumes it
  const second = (await repo.claim(id, 'worker-b'))!;
  const resumedStore = repo.checkpointsFor(tenantId, second.lease);
  const resumedCalls: string[] = [];
  const outcome = await runToEnd(id, resumedStore, echo(resumedCalls), true);
  expect(resumedCalls).toEqual(['again']); // ask is not called again; wrap is recomputed, not an effect
  expect(outcome.status).toBe('succeeded');
  expect(outcome.outputs).toEqual(reference.outputs);
  expect(outcome.outputs).toEqual({ wrapped: '[echo <hi>]', answer: 'echo [echo <hi>]' });
  await repo.finish(tenantId, id, second.lease, totals(outcome), resumedStore.pending());

  const rows = await prisma.nodeExecution.findMany({ where: { runId: id }, orderBy: { index: 'asc' } });
  expect(rows.map((r) => [r.nodeId, r.status])).toEqual([
    ['start', 'succeeded'],
    ['shape', 'succeeded'],
    ['ask', 'succeeded'],
    ['wrap', 'succeeded'],
    ['again', 'succeeded'],
    ['end', 'succeeded'],
  ]);
  // ask's committed row is the first attempt's, untouched by the resume
  expect(rows.find((r) => r.nodeId === 'ask')?.id).toBe(committed.find((r) => r.nodeId === 'ask')?.id);
  expect(rows.find((r) => r.nodeId === 'wrap')?.outputs).toEqual({ output: '[echo <hi>]' });
});

function totals(outcome: Awaited<ReturnType<typeof executeRun>>) {
  return {
    status: outcome.status,
    outputs: outcome.outputs,
    error: outcome.error,
    totalTokens: outcome.totalTokens,
    totalSteps: outcome.steps,
    elapsedMs: outcome.elapsedMs,
    totalPrice: outcome.totalPrice,
    currency: outcome.currency ?? 'USD',
  };
}
