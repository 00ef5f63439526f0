// Durable runs: a worker crashed after the start node was checkpointed and while the LLM node was
// in flight (its provider call had already been billed). The next worker resumes from the
// checkpoints: the start node is not run again, the LLM node reruns with the same call id, and the
// call is billed once. Real Postgres; the four services' modules in one process (as standalone).
import { randomBytes } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { QUEUES, newId } from '@shoal/contracts';
import { loadDeploymentConfig } from '@shoal/model-routing';
import { costOf, DEFAULT_PRICE_CATALOG, formatMoney } from '@shoal/pricing';
import {
  JOB_QUEUE,
  SecretBox,
  createHttpApp,
  createPrismaClient,
  internalHeaders,
  listen,
  type JobQueue,
  type PrismaClient,
} from '@shoal/platform';
import {
  createTestDatabase,
  freePort,
  mockAnswer,
  mockTokenCount,
  startMockProvider,
  type MockProvider,
  type TestDatabase,
} from '@shoal/testing';
import { StandaloneModule } from './standalone.module';

const SECRETS = new SecretBox(randomBytes(32));

const KEY = 'sk-shoal-resume-test-0123456789';
const TOKEN = randomBytes(16).toString('hex');
let db: TestDatabase;
let mock: MockProvider;
let app: NestFastifyApplication;
let url: string;
let prisma: PrismaClient;

const auth = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };

beforeAll(async () => {
  db = await createTestDatabase('resume');
  mock = await startMockProvider();
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  const deployments = loadDeploymentConfig({
    file: {
      deployments: [{ id: 'dep_mock', model: 'mock-chat', provider: 'openai-compatible', baseUrl: mock.url, apiKey: 'mock', weight: 1 }],
    },
    env: {},
  });
  app = await createHttpApp(
    StandaloneModule.register({
      databaseUrl: db.url,
      databaseConnections: 5,
      selfUrl: url,
      internalToken: TOKEN,
      bootstrapKey: KEY,
      deployments,
      engineConcurrency: 2,
      secrets: SECRETS,
    }),
    { shutdownHooks: false },
  );
  await listen(app, { port, host: '127.0.0.1' });
  prisma = createPrismaClient({ url: db.url, maxConnections: 2 });
}, 60_000);

afterAll(async () => {
  await app?.close();
  await prisma?.$disconnect();
  await mock?.close();
  await db?.drop();
});

it('resumes a crashed run from its checkpoints; the in-flight LLM node reruns as its next attempt, each provider call billed once', async () => {
  const question = 'Did the worker crash?';
  const wf = (await (
    await fetch(`${url}/v1/workflows`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({
        name: 'resume',
        graph: {
          nodes: [
            { id: 'start', data: { type: 'start', variables: [{ variable: 'question', type: 'paragraph', required: true }] } },
            {
              id: 'llm',
              data: {
                type: 'llm',
                title: 'Answer',
                model: { name: 'mock-chat' },
                prompt_template: [{ role: 'user', text: '{{#start.question#}}' }],
              },
            },
            { id: 'end', data: { type: 'end', outputs: [{ variable: 'answer', value_selector: ['llm', 'text'] }] } },
          ],
          edges: [
            { source: 'start', target: 'llm' },
            { source: 'llm', target: 'end' },
          ],
        },
      }),
    })
  ).json()) as { id: string };
  const workflow = await prisma.workflow.findUniqueOrThrow({ where: { id: wf.id } });

  // the state a crashed worker leaves behind
  const runId = newId('run');
  const callId = `${runId}:llm:0`;
  const startedAt = new Date(Date.now() - 5_000);
  await prisma.workflowRun.create({
    data: {
      id: runId,
      tenantId: workflow.tenantId,
      workflowId: workflow.id,
      workflowVersionId: workflow.latestVersionId!,
      status: 'running',
      attempts: 1,
      inputs: { question },
      startedAt,
    },
  });
  await prisma.nodeExecution.create({
    data: {
      id: newId('nex'),
      tenantId: workflow.tenantId,
      runId,
      nodeId: 'start',
      executionKey: 'start',
      nodeType: 'start',
      title: 'Start',
      index: 1,
      status: 'succeeded',
      inputs: { question },
      outputs: { question },
      startedAt,
      finishedAt: startedAt,
      elapsedMs: 1,
    },
  });
  await prisma.nodeExecution.create({
    data: {
      id: newId('nex'),
      tenantId: workflow.tenantId,
      runId,
      nodeId: 'llm',
      executionKey: 'llm',
      nodeType: 'llm',
      title: 'Answer',
      index: 2,
      predecessorNodeId: 'start',
      status: 'running',
      callId,
      startedAt,
    },
  });
  // its provider call went through and was metered before the crash
  const first = await fetch(`${url}/pool/v1/chat/completions`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...internalHeaders(TOKEN, { tenantId: workflow.tenantId, apiKeyId: null, runId, callId, nodeId: 'llm' }),
    },
    body: JSON.stringify({ model: 'mock-chat', messages: [{ role: 'user', content: question }] }),
  });
  expect(first.status).toBe(200);
  for (let i = 0; i < 100 && (await prisma.usageRecord.count({ where: { callId } })) === 0; i++)
    await new Promise((r) => setTimeout(r, 50));
  expect(await prisma.usageRecord.count({ where: { callId } })).toBe(1);
  expect(mock.calls()).toBe(1);

  // the queue redelivers the job (as BullMQ does for a stalled job) to a live worker
  await app.get<JobQueue>(JOB_QUEUE).enqueue(QUEUES.workflowRuns, { runId }, { jobId: runId });
  let run:
    | {
        status: string;
        outputs: { answer?: string } | null;
        total_price: string;
        node_executions: Array<{ node_id: string; id: string; status: string; started_at: string }>;
      }
    | undefined;
  for (let i = 0; i < 200; i++) {
    run = (await (await fetch(`${url}/v1/runs/${runId}`, { headers: auth })).json()) as typeof run;
    if (run && run.status !== 'running' && run.status !== 'queued') break;
    await new Promise((r) => setTimeout(r, 50));
  }

  expect(run!.status).toBe('succeeded');
  expect(run!.outputs).toEqual({ answer: mockAnswer(question) });
  // the start node was not run again: its checkpoint is the one the crashed worker wrote
  const start = run!.node_executions.find((n) => n.node_id === 'start')!;
  expect(start.started_at).toBe(startedAt.toISOString());
  expect(run!.node_executions.map((n) => [n.node_id, n.status])).toEqual([
    ['start', 'succeeded'],
    ['llm', 'succeeded'],
    ['end', 'succeeded'],
  ]);
  // the LLM node reran as the next attempt, with its own call id: the crashed attempt's provider
  // call and the rerun are each billed once, and no call id is used for two provider calls
  expect(mock.calls()).toBe(2);
  // the ledger catches up on its own time (the run never waits for billing, which batches)
  let ledger = await prisma.usageRecord.findMany({ where: { runId }, orderBy: { startedAt: 'asc' } });
  for (let i = 0; i < 200 && ledger.length < 2; i++) {
    await new Promise((r) => setTimeout(r, 50));
    ledger = await prisma.usageRecord.findMany({ where: { runId }, orderBy: { startedAt: 'asc' } });
  }
  expect(ledger.map((r) => r.callId)).toEqual([callId, `${runId}:llm:1`]);
  const llm = await prisma.nodeExecution.findFirstOrThrow({ where: { runId, nodeId: 'llm' } });
  expect([llm.attempt, llm.callId]).toEqual([1, `${runId}:llm:1`]);
  const price = DEFAULT_PRICE_CATALOG.priceAt('mock-chat', new Date())!;
  // the ledger bills both provider calls; the run's price is what its nodes recorded (the call whose
  // answer it used): the crashed attempt's call is the ledger's alone (reconciliation shows it)
  const oneCall = costOf({ promptTokens: mockTokenCount(question), completionTokens: mockTokenCount(mockAnswer(question)) }, price).total;
  expect(run!.total_price).toBe(formatMoney(oneCall));
  expect((await prisma.workflowRun.findUniqueOrThrow({ where: { id: runId } })).attempts).toBe(2);
}, 60_000);

it('requeues runs that were queued when the process stopped (the in-memory queue is gone)', async () => {
  const workflow = await prisma.workflow.findFirstOrThrow();
  const runId = newId('run');
  await prisma.workflowRun.create({
    data: {
      id: runId,
      tenantId: workflow.tenantId,
      workflowId: workflow.id,
      workflowVersionId: workflow.latestVersionId!,
      status: 'queued',
      inputs: { question: 'still there?' },
    },
  });
  // a fresh process on the same database: nothing in its queue knows about the run
  const port = await freePort();
  const deployments = loadDeploymentConfig({
    file: {
      deployments: [{ id: 'dep_mock', model: 'mock-chat', provider: 'openai-compatible', baseUrl: mock.url, apiKey: 'mock', weight: 1 }],
    },
    env: {},
  });
  const second = await createHttpApp(
    StandaloneModule.register({
      databaseUrl: db.url,
      databaseConnections: 5,
      selfUrl: `http://127.0.0.1:${port}`,
      internalToken: TOKEN,
      bootstrapKey: KEY,
      deployments,
      engineConcurrency: 2,
      secrets: SECRETS,
    }),
    { shutdownHooks: false },
  );
  try {
    await listen(second, { port, host: '127.0.0.1' });
    let status = 'queued';
    for (let i = 0; i < 200 && (status === 'queued' || status === 'running'); i++) {
      await new Promise((r) => setTimeout(r, 50));
      status = (await prisma.workflowRun.findUniqueOrThrow({ where: { id: runId } })).status;
    }
    expect(status).toBe('succeeded');
    expect((await prisma.workflowRun.findUniqueOrThrow({ where: { id: runId } })).outputs).toEqual({ answer: mockAnswer('still there?') });
  } finally {
    await second.close();
  }
}, 60_000);

it('internal routes act only on a signed, fresh call context: loose headers, forged or expired contexts are refused', async () => {
  const workflow = await prisma.workflow.findFirstOrThrow();
  const chat = JSON.stringify({ model: 'mock-chat', messages: [{ role: 'user', content: 'bill someone else' }] });
  const callsBefore = mock.calls();
  const post = (headers: Record<string, string>) =>
    fetch(`${url}/pool/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: chat });
  // the token alone, with the tenant and call in loose headers (what model-pool used to believe)
  expect(
    (await post({ 'x-shoal-internal-token': TOKEN, 'x-shoal-tenant-id': workflow.tenantId, 'x-shoal-call-id': 'call_forged' })).status,
  ).toBe(401);
  // a context made with another token, and one that has expired
  const signed = (token: string, now?: number) =>
    internalHeaders(token, { tenantId: workflow.tenantId, apiKeyId: null, runId: null, callId: 'call_forged', nodeId: null }, { now });
  expect((await post({ ...signed('not-the-internal-token-0123456789'), 'x-shoal-internal-token': TOKEN })).status).toBe(401);
  expect((await post(signed(TOKEN, Date.now() - 120_000))).status).toBe(401);
  expect(mock.calls()).toBe(callsBefore);
  expect(await prisma.usageRecord.count({ where: { callId: 'call_forged' } })).toBe(0);

  // billing answers the context's tenant only, whatever the query names
  const records = async (tenantId: string, query: string) =>
    (await (
      await fetch(`${url}/billing/v1/usage/records?${query}`, {
        headers: internalHeaders(TOKEN, { tenantId, apiKeyId: null, runId: null, callId: null, nodeId: null }),
      })
    ).json()) as { data: unknown[] };
  expect((await records(workflow.tenantId, 'limit=1000')).data.length).toBeGreaterThan(0);
  expect((await records('ten_someone_else', `tenant_id=${workflow.tenantId}&limit=1000`)).data).toEqual([]);
}, 60_000);
