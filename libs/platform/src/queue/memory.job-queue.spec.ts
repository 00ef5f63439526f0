import { QUEUES } from '@shoal/contracts';
import { configureRootLogger } from '../logging/logger';
import type { JobContext } from './job-queue';
import { InMemoryJobQueue } from './memory.job-queue';

function deferred<T = void>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** Resolves once `predicate` holds, re-checking after each handler event. */
function until(predicate: () => boolean, events: { on: (fn: () => void) => void }): Promise<void> {
  return new Promise((resolve) => {
    if (predicate()) return resolve();
    events.on(() => {
      if (predicate()) resolve();
    });
  });
}

function signal() {
  const fns: Array<() => void> = [];
  return { on: (fn: () => void) => fns.push(fn), fire: () => fns.forEach((f) => f()) };
}

const flush = async () => {
  for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
};

describe('InMemoryJobQueue', () => {
  beforeAll(() => {
    configureRootLogger({ service: 'test', level: 'silent' });
  });

  let queue: InMemoryJobQueue;
  beforeEach(() => {
    queue = new InMemoryJobQueue();
  });
  afterEach(async () => {
    jest.useRealTimers();
    await queue.close();
  });

  it('runs a job enqueued twice with the same id once', async () => {
    const seen: Array<{ payload: unknown; ctx: JobContext }> = [];
    const ran = signal();
    queue.process(QUEUES.usageEvents, async (payload, ctx) => {
      seen.push({ payload, ctx });
      ran.fire();
    });
    await queue.enqueue(QUEUES.usageEvents, { n: 1 }, { jobId: 'call_1' });
    await queue.enqueue(QUEUES.usageEvents, { n: 2 }, { jobId: 'call_1' });
    await queue.enqueue(QUEUES.usageEvents, { n: 3 }, { jobId: 'call_2' });
    await until(() => seen.length >= 2, ran);
    await flush();
    expect(seen).toEqual([
      { payload: { n: 1 }, ctx: { jobId: 'call_1', attempt: 1 } },
      { payload: { n: 3 }, ctx: { jobId: 'call_2', attempt: 1 } },
    ]);
  });

  it('still ignores the id after the job has completed', async () => {
    const ran = signal();
    let runs = 0;
    queue.process(QUEUES.usageEvents, async () => {
      runs++;
      ran.fire();
    });
    await queue.enqueue(QUEUES.usageEvents, {}, { jobId: 'call_1' });
    await until(() => runs === 1, ran);
    await flush();
    await queue.enqueue(QUEUES.usageEvents, {}, { jobId: 'call_1' });
    await flush();
    expect(runs).toBe(1);
  });

  it('keeps the same id on different queues apart', async () => {
    const ran = signal();
    const seen: string[] = [];
    queue.process(QUEUES.usageEvents, async () => {
      seen.push('usage');
      ran.fire();
    });
    queue.process(QUEUES.workflowRuns, async () => {
      seen.push('runs');
      ran.fire();
    });
    await queue.enqueue(QUEUES.usageEvents, {}, { jobId: 'same' });
    await queue.enqueue(QUEUES.workflowRuns, {}, { jobId: 'same' });
    await until(() => seen.length === 2, ran);
    expect(seen.sort()).toEqual(['runs', 'usage']);
  });

  it('holds jobs enqueued before a handler is registered, then runs them', async () => {
    const ran = signal();
    const seen: unknown[] = [];
    await queue.enqueue(QUEUES.workflowRuns, { runId: 'run_1' }, { jobId: 'run_1' });
    await flush();
    queue.process(QUEUES.workflowRuns, async (p) => {
      seen.push(p);
      ran.fire();
    });
    await until(() => seen.length === 1, ran);
    expect(seen).toEqual([{ runId: 'run_1' }]);
  });

  it('retries a failing job with exponential backoff up to `attempts`, then stops', async () => {
    jest.useFakeTimers();
    const attempts: number[] = [];
    queue.process(QUEUES.usageEvents, async (_p, ctx) => {
      attempts.push(ctx.attempt);
      throw new Error('billing database unavailable');
    });
    await queue.enqueue(QUEUES.usageEvents, {}, { jobId: 'call_1', attempts: 4, backoffMs: 100 });
    await jest.advanceTimersByTimeAsync(0);
    expect(attempts).toEqual([1]);
    // second attempt after 100 ms, third 200 ms later, fourth 400 ms after that
    await jest.advanceTimersByTimeAsync(99);
    expect(attempts).toEqual([1]);
    await jest.advanceTimersByTimeAsync(1);
    expect(attempts).toEqual([1, 2]);
    await jest.advanceTimersByTimeAsync(199);
    expect(attempts).toEqual([1, 2]);
    await jest.advanceTimersByTimeAsync(1);
    expect(attempts).toEqual([1, 2, 3]);
    await jest.advanceTimersByTimeAsync(400);
    expect(attempts).toEqual([1, 2, 3, 4]);
    await jest.runAllTimersAsync();
    expect(attempts).toEqual([1, 2, 3, 4]);
    expect(jest.getTimerCount()).toBe(0);
  });

  it('stops retrying once an attempt succeeds', async () => {
    jest.useFakeTimers();
    const attempts: number[] = [];
    queue.process(QUEUES.usageEvents, async (_p, ctx) => {
      attempts.push(ctx.attempt);
      if (ctx.attempt < 2) throw new Error('transient');
    });
    await queue.enqueue(QUEUES.usageEvents, {}, { jobId: 'call_1', attempts: 5, backoffMs: 10 });
    await jest.runAllTimersAsync();
    expect(attempts).toEqual([1, 2]);
  });

  it('uses the queue defaults when the job names no attempts (usage events: 20)', async () => {
    jest.useFakeTimers();
    let attempts = 0;
    queue.process(QUEUES.usageEvents, async () => {
      attempts++;
      throw new Error('always');
    });
    await queue.enqueue(QUEUES.usageEvents, {}, { jobId: 'call_1', backoffMs: 1 });
    await jest.runAllTimersAsync();
    expect(attempts).toBe(20);
  });

  it('never runs more jobs at once than the concurrency, and starts the next as one finishes', async () => {
    const gates = new Map<string, { promise: Promise<void>; resolve: () => void }>();
    const started: string[] = [];
    const changed = signal();
    let active = 0;
    let maxActive = 0;
    queue.process(
      QUEUES.usageEvents,
      async (_p, ctx) => {
        active++;
        maxActive = Math.max(maxActive, active);
        started.push(ctx.jobId);
        const gate = deferred();
        gates.set(ctx.jobId, gate);
        changed.fire();
        await gate.promise;
        active--;
      },
      { concurrency: 3 },
    );
    for (let i = 1; i <= 7; i++) await queue.enqueue(QUEUES.usageEvents, {}, { jobId: `j${i}` });
    await until(() => started.length === 3, changed);
    await flush();
    expect(started).toEqual(['j1', 'j2', 'j3']);
    gates.get('j2')!.resolve();
    await until(() => started.length === 4, changed);
    await flush();
    expect(started).toEqual(['j1', 'j2', 'j3', 'j4']);
    for (let i = 1; i <= 7; i++) {
      await until(() => gates.has(`j${i}`), changed);
      gates.get(`j${i}`)!.resolve();
    }
    await until(() => started.length === 7, changed);
    expect(maxActive).toBe(3);
  });

  it('close() waits for jobs in flight, and starts nothing after', async () => {
    const gate = deferred();
    const started = signal();
    const events: string[] = [];
    queue.process(
      QUEUES.usageEvents,
      async (_p, ctx) => {
        events.push(`start ${ctx.jobId}`);
        started.fire();
        await gate.promise;
        events.push(`end ${ctx.jobId}`);
      },
      { concurrency: 1 },
    );
    await queue.enqueue(QUEUES.usageEvents, {}, { jobId: 'a' });
    await queue.enqueue(QUEUES.usageEvents, {}, { jobId: 'b' });
    await until(() => events.length === 1, started);
    const closed = queue.close().then(() => events.push('closed'));
    await flush();
    expect(events).toEqual(['start a']);
    gate.resolve();
    await closed;
    await flush();
    expect(events).toEqual(['start a', 'end a', 'closed']);
    await queue.enqueue(QUEUES.usageEvents, {}, { jobId: 'c' });
    await flush();
    expect(events).toEqual(['start a', 'end a', 'closed']);
  });

  it('refuses a second handler for one queue', () => {
    queue.process(QUEUES.usageEvents, async () => undefined);
    expect(() => queue.process(QUEUES.usageEvents, async () => undefined)).toThrow(/already has a handler/);
  });
});
