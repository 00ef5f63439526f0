// The stranded-runs sweeper on real Postgres, Redis and BullMQ: a run left queued or running with
// no job (its enqueue lost, Redis flushed) or whose job ended (failed for good while the run could
// not be marked) is queued again, once, even with several replicas sweeping at the same moment; a
// run with a job still pending, a finished run and a run changed a moment ago are left alone.
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { QUEUES, newId } from '@shoal/contracts';
import { BullMqJobQueue, createPrismaClient, type PrismaClient } from '@shoal/platform';
import { createTestDatabase, testRedisPrefix, testRedisUrl, type TestDatabase } from '@shoal/testing';
import { StrandedRunsRepository } from './stranded-runs.repository';
import { StrandedRunsSweeper } from './stranded-runs.sweeper';
import type { EngineOptions } from './execute-run.use-case';

let db: TestDatabase;
let prisma: PrismaClient;
let redis: Redis;
let prefix: string;
let queue: BullMqJobQueue;
let bull: Queue;
let tenantId: string;
let workflowId: string;
let versionId: string;

beforeAll(async () => {
  db = await createTestDatabase('sweeper');
  prisma = createPrismaClient({ url: db.url, maxConnections: 4 });
  redis = new Redis(testRedisUrl(), { maxRetriesPerRequest: null });
  prefix = testRedisPrefix('sweeper');
  queue = new BullMqJobQueue(redis, `${prefix}bull`);
  bull = new Queue(QUEUES.workflowRuns, { connection: redis, prefix: `${prefix}bull` });
  tenantId = newId('ten');
  workflowId = newId('wf');
  versionId = newId('wfv');
  await prisma.tenant.create({ data: { id: tenantId, name: 't' } });
  await prisma.workflow.create({ data: { id: workflowId, tenantId, name: 'w', latestVersionId: versionId } });
  await prisma.workflowVersion.create({
    data: { id: versionId, tenantId, workflowId, number: 1, graph: { nodes: [], edges: [] }, checksum: 'x' },
  });
});

afterAll(async () => {
  await bull?.close();
  await queue?.close();
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  await redis?.quit();
  await prisma?.$disconnect();
  await db?.drop();
});

async function run(status: 'queued' | 'running' | 'succeeded', ageMs: number): Promise<string> {
  const id = newId('run');
  await prisma.workflowRun.create({ data: { id, tenantId, workflowId, workflowVersionId: versionId, inputs: {}, status } });
  // updated_at is Prisma's @updatedAt: set it past the stale threshold by hand
  await prisma.$executeRaw`UPDATE workflow_runs SET updated_at = now() - make_interval(secs => ${ageMs / 1000}) WHERE id = ${id}`;
  return id;
}

const sweeper = () =>
  new StrandedRunsSweeper(queue, new StrandedRunsRepository(prisma), {
    internalToken: 'x',
    concurrency: 1,
    durability: { sweepEveryMs: 60_000, sweepStaleMs: 10_000 },
  } as EngineOptions);

it('queues stranded runs again exactly once across replicas, and leaves the rest alone', async () => {
  const lost = await run('running', 60_000); // no job at all
  const lostQueued = await run('queued', 60_000);
  const ended = await run('running', 60_000); // its job failed for good
  await bull.add(QUEUES.workflowRuns, { runId: ended }, { jobId: ended });
  // a job that ended: moved from waiting to failed, where an exhausted job ends
  const j = await bull.getJob(ended);
  await redis.lrem(`${prefix}bull:${QUEUES.workflowRuns}:wait`, 0, ended);
  await redis.zadd(`${prefix}bull:${QUEUES.workflowRuns}:failed`, Date.now(), ended);
  expect(await j!.getState()).toBe('failed');
  const pending = await run('running', 60_000);
  await queue.enqueue(QUEUES.workflowRuns, { runId: pending }, { jobId: pending });
  const fresh = await run('running', 0);
  const done = await run('succeeded', 60_000);

  // three replicas sweep at once
  const counts = await Promise.all([sweeper().sweep(), sweeper().sweep(), sweeper().sweep()]);
  expect(counts.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(3);

  for (const id of [lost, lostQueued, ended]) expect(await queue.presence(QUEUES.workflowRuns, id)).toBe('pending');
  expect(await queue.presence(QUEUES.workflowRuns, fresh)).toBe('missing');
  expect(await queue.presence(QUEUES.workflowRuns, done)).toBe('missing');
  // one job per run: the waiting list holds each id once
  const waiting = await redis.lrange(`${prefix}bull:${QUEUES.workflowRuns}:wait`, 0, -1);
  for (const id of [lost, lostQueued, ended, pending]) expect(waiting.filter((w) => w === id)).toHaveLength(1);
  // a second sweep finds nothing left to do
  expect(await sweeper().sweep()).toBe(0);
});
