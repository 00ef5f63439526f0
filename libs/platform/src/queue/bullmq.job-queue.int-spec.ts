import { Queue, type ConnectionOptions } from 'bullmq';
import { QUEUES } from '@shoal/contracts';
import { testRedisPrefix, testRedisUrl } from '@shoal/testing';
import { configureRootLogger } from '../logging/logger';
import { createRedis, type Redis } from '../redis/redis';
import { BullMqJobQueue } from './bullmq.job-queue';
import type { JobContext } from './job-queue';

// the `int` project's testTimeout is not applied per project by Jest; a generous guard, not a speed claim
jest.setTimeout(30_000);

function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Waits (re-checking) until `check` holds; the limit only guards against hanging. */
async function eventually(check: () => Promise<boolean> | boolean, what: string, guardMs = 20_000): Promise<void> {
  const until = Date.now() + guardMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

// connection options as PlatformModule passes them
const connection = { url: testRedisUrl(), maxRetriesPerRequest: null } as unknown as ConnectionOptions;

describe('BullMqJobQueue (real Redis)', () => {
  const base = testRedisPrefix('bullmq');
  let redis: Redis;
  let n = 0;
  const open: Array<{ close(): Promise<void> }> = [];

  /** a queue of its own per test, under the file's prefix */
  function fresh(): { queue: BullMqJobQueue; prefix: string; inspect: (name: string) => Queue } {
    const prefix = `${base}${++n}`;
    const queue = new BullMqJobQueue(connection, prefix);
    open.push(queue);
    return {
      queue,
      prefix,
      inspect: (name) => {
        const q = new Queue(name, { connection, prefix });
        open.push(q);
        return q;
      },
    };
  }

  beforeAll(() => {
    configureRootLogger({ service: 'test', level: 'silent' });
    redis = createRedis(testRedisUrl());
  });

  afterEach(async () => {
    await Promise.allSettled(open.splice(0).map((q) => q.close()));
  });

  afterAll(async () => {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${base}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.del(...keys);
    } while (cursor !== '0');
    await redis.quit();
  });

  it('processes a job enqueued three times under one id once', async () => {
    const { queue } = fresh();
    const seen: Array<{ payload: unknown; ctx: JobContext }> = [];
    const sentinel = deferred();
    queue.process(
      QUEUES.workflowRuns,
      async (payload, ctx) => {
        if (ctx.jobId === 'sentinel') return sentinel.resolve();
        seen.push({ payload, ctx });
      },
      { concurrency: 1 },
    );
    const callId = 'run_01jx8t5v0y0000000000000000:llm:0';
    await Promise.all([1, 2, 3].map((i) => queue.enqueue(QUEUES.workflowRuns, { runId: `run_delivery${i}` }, { jobId: callId })));
    // FIFO with concurrency 1: any duplicate would have run before this one
    await queue.enqueue(QUEUES.workflowRuns, { runId: 'run_1' }, { jobId: 'sentinel' });
    await sentinel.promise;
    expect(seen).toHaveLength(1);
    expect(seen[0].ctx).toEqual({ jobId: callId, attempt: 1 });
    expect(['run_delivery1', 'run_delivery2', 'run_delivery3']).toContainEqual((seen[0].payload as { runId: string }).runId);
  });

  it('retries a job whose handler throws, and the second attempt knows it is the second', async () => {
    const { queue, inspect } = fresh();
    const attempts: number[] = [];
    const succeeded = deferred();
    queue.process(QUEUES.workflowRuns, async (_payload, ctx) => {
      attempts.push(ctx.attempt);
      if (ctx.attempt === 1) throw new Error('billing database unavailable');
      succeeded.resolve();
    });
    await queue.enqueue(QUEUES.workflowRuns, { runId: 'run_n1' }, { jobId: 'call-retry', attempts: 3, backoffMs: 10 });
    await succeeded.promise;
    expect(attempts).toEqual([1, 2]);
    const q = inspect(QUEUES.workflowRuns);
    await eventually(async () => (await q.getJobState('call-retry')) === 'completed', 'the job to complete');
  });

  it('gives up after `attempts` and leaves the job failed', async () => {
    const { queue, inspect } = fresh();
    let calls = 0;
    queue.process(QUEUES.workflowRuns, async () => {
      calls++;
      throw new Error('always');
    });
    await queue.enqueue(QUEUES.workflowRuns, { runId: 'run_1' }, { jobId: 'call-doomed', attempts: 2, backoffMs: 10 });
    const q = inspect(QUEUES.workflowRuns);
    await eventually(async () => (await q.getJobState('call-doomed')) === 'failed', 'the job to fail');
    expect(calls).toBe(2);
    // and a redelivery of the same id does not start it again
    await queue.enqueue(QUEUES.workflowRuns, { runId: 'run_1' }, { jobId: 'call-doomed' });
    expect(await q.getJobState('call-doomed')).toBe('failed');
  });

  it('runs no more jobs at once than its concurrency', async () => {
    const { queue } = fresh();
    let active = 0;
    let maxActive = 0;
    const finished: string[] = [];
    const started: Array<{ id: string; go: () => void }> = [];
    const allDone = deferred();
    queue.process(
      QUEUES.workflowRuns,
      async (_p, ctx) => {
        active++;
        maxActive = Math.max(maxActive, active);
        const gate = deferred();
        started.push({ id: ctx.jobId, go: () => gate.resolve() });
        await gate.promise;
        active--;
        finished.push(ctx.jobId);
        if (finished.length === 6) allDone.resolve();
      },
      { concurrency: 2 },
    );
    for (let i = 1; i <= 6; i++) await queue.enqueue(QUEUES.workflowRuns, { runId: `run_${i}` }, { jobId: `run_${i}` });
    // release jobs one at a time as they start
    for (let released = 0; released < 6; released++) {
      await eventually(() => started.length > released, `job ${released + 1} to start`);
      expect(active).toBeLessThanOrEqual(2);
      started[released].go();
    }
    await allDone.promise;
    expect(maxActive).toBe(2);
    expect(finished.sort()).toEqual(['run_1', 'run_2', 'run_3', 'run_4', 'run_5', 'run_6']);
  });

  it('close() waits for the job in flight to finish, and the job ends completed', async () => {
    const { queue, inspect } = fresh();
    const gate = deferred();
    const started = deferred();
    const events: string[] = [];
    queue.process(QUEUES.workflowRuns, async () => {
      events.push('started');
      started.resolve();
      await gate.promise;
      events.push('finished');
    });
    await queue.enqueue(QUEUES.workflowRuns, { runId: 'run_close' }, { jobId: 'run_close' });
    await started.promise;
    const closing = queue.close().then(() => events.push('closed'));
    // give a close() that does not wait every chance to show it: several round trips to Redis
    for (let i = 0; i < 5; i++) await redis.ping();
    expect(events).toEqual(['started']);
    gate.resolve();
    await closing;
    expect(events).toEqual(['started', 'finished', 'closed']);
    expect(await inspect(QUEUES.workflowRuns).getJobState('run_close')).toBe('completed');
  });
});
