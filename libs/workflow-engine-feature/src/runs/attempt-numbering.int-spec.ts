// Attempt numbering across resumes: every try of a node that may have reached the provider keeps its
// attempt number (and so its call id, `${runId}:${nodeId}:${attempt}`, one ledger row each), and a
// resumed run's next try of that node continues after the highest one, whether the earlier try was
// cut by a crash (its row still `running`) or failed because model-pool died under it (its row
// `failed`, the run resumed by ModelPoolLostError). A finished node is not tried again at all.
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

// start -> first (llm) -> ask (llm, up to 2 retries) -> end
const parsed = parseWorkflowGraph({
  nodes: [
    { id: 'start', data: { type: 'start' } },
    { id: 'first', data: { type: 'llm', model: { name: 'm' }, prompt_template: [{ role: 'user', text: 'one' }] } },
    {
      id: 'ask',
      data: {
        type: 'llm',
        model: { name: 'm' },
        prompt_template: [{ role: 'user', text: '{{#first.text#}}' }],
        retry_config: { retry_enabled: true, max_retries: 2, retry_interval: 0 },
      },
    },
    { id: 'end', data: { type: 'end', outputs: [{ variable: 'answer', value_selector: ['ask', 'text'] }] } },
  ],
  edges: [
    { source: 'start', target: 'first' },
    { source: 'first', target: 'ask' },
    { source: 'ask', target: 'end' },
  ],
});
if (!parsed.ok) throw new Error(JSON.stringify(parsed.issues));
const graph = parsed.graph;

class Killed extends Error {}

/** An LLM port that records each call's id and answers with `answer(callId)` (a throw is a failed try). */
function llm(calls: string[], answer: (callId: string) => string): LlmPort {
  return {
    chat: async (req) => {
      calls.push(req.callId);
      const text = answer(req.callId);
      return { text, usage: { promptTokens: 1, completionTokens: 1, totalTokens: 2 }, model: 'm', finishReason: 'stop' };
    },
  };
}

async function newRun(): Promise<string> {
  const id = newId('run');
  await prisma.workflowRun.create({ data: { id, tenantId, workflowId, workflowVersionId: versionId, inputs: {} } });
  return id;
}

/** One delivery of the run: claims it, resumes from what earlier deliveries committed (as the engine does). */
async function deliver(id: string, port: LlmPort, wrap: (store: CheckpointStore) => CheckpointStore = (s) => s) {
  const claimed = (await repo.claim(id, 'worker'))!;
  const resumed = claimed.attempts > 1;
  return executeRun({
    runId: id,
    workflowId,
    workflowVersionId: versionId,
    graph,
    inputs: {},
    finished: resumed ? await repo.finishedNodes(tenantId, id) : [],
    startedAttempts: resumed ? await repo.startedAttempts(tenantId, id) : undefined,
    ports: { llm: port, checkpoints: wrap(repo.checkpointsFor(tenantId, claimed.lease)), events: { emit: () => undefined } },
  });
}

beforeAll(async () => {
  db = await createTestDatabase('attempts');
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

it('a crash during a retry: the resumed try continues after the retry, not after the first try', async () => {
  const id = await newRun();
  const calls: string[] = [];
  // ask's first try fails, its retry reaches the provider and the worker dies before the answer is checkpointed
  const failFirstTry = llm(calls, (callId) => {
    if (callId === `${id}:ask:0`) throw new Error('provider 500');
    return 'ok';
  });
  const dying = (store: CheckpointStore): CheckpointStore => ({
    nodeStarted: (rec) => store.nodeStarted(rec),
    nodeFinished: async (rec) => {
      if (rec.nodeId === 'ask') throw new Killed('SIGKILL');
      await store.nodeFinished(rec);
    },
  });
  await expect(deliver(id, failFirstTry, dying)).rejects.toBeInstanceOf(Killed);
  expect(await repo.startedAttempts(tenantId, id)).toEqual(new Map([['ask', 1]]));

  const outcome = await deliver(
    id,
    llm(calls, () => 'again'),
  );
  expect(outcome).toMatchObject({ status: 'succeeded', outputs: { answer: 'again' } });
  // every try its own call id; `first` (finished) was not asked again
  expect(calls).toEqual([`${id}:first:0`, `${id}:ask:0`, `${id}:ask:1`, `${id}:ask:2`]);
});

it('a try that failed because model-pool died under it (row failed): the resumed try continues after it', async () => {
  const id = await newRun();
  const calls: string[] = [];
  // every try of ask breaks off (the hop died): retries used up, the node and this delivery fail
  const broken = llm(calls, (callId) => {
    if (callId.includes(':ask:')) throw new Error('model-pool connection reset');
    return 'ok';
  });
  expect((await deliver(id, broken)).status).toBe('failed');
  expect(await repo.startedAttempts(tenantId, id)).toEqual(new Map([['ask', 2]]));

  // the engine throws ModelPoolLostError for such a delivery, and the run is delivered again
  const outcome = await deliver(
    id,
    llm(calls, () => 'back'),
  );
  expect(outcome).toMatchObject({ status: 'succeeded', outputs: { answer: 'back' } });
  expect(calls).toEqual([`${id}:first:0`, `${id}:ask:0`, `${id}:ask:1`, `${id}:ask:2`, `${id}:ask:3`]);
  // every node finished: nothing is left for a later delivery to continue
  expect(await repo.startedAttempts(tenantId, id)).toEqual(new Map());
});
