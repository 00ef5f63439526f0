import { QUEUE_DEFAULTS, QUEUES } from '@shoal/contracts';
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

const RUN = { runId: 'run_1' };

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
    queue.process(QUEUES.workflowRuns, async (payload, ctx) => {
      seen.push({ payload, ctx });
      ran.fire();
    });
    await queue.enqueue(QUEUES.workflowRuns, { runId: 'run_n1' }, { jobId: 'call_1' });
    await queue.enqueue(QUEUES.workflowRuns, { runId: 'run_n2' }, { jobId: 'call_1' });
    await queue.enqueue(QUEUES.workflowRuns, { runId: 'run_n3' }, { jobId: 'call_2' });
    await until(() => seen.length >= 2, ran);
    await flush();
    expect(seen).toEqual([
      { payload: { runId: 'run_n1' }, ctx: { jobId: 'call_1', attempt: 1 } },
      { payload: { runId: 'run_n3' }, ctx: { jobId: 'call_2', attempt: 1 } },
    ]);
  });

  it('still ignores the id after the job has completed', async () => {
    const ran = signal();
    let runs = 0;
    queue.process(QUEUES.workflowRuns, async () => {
      runs++;
      ran.fire();
    });
    await queue.enqueue(QUEUES.workflowRuns, RUN, { jobId: 'call_1' });
    await until(() => runs === 1, ran);
    await flush();
    await queue.enqueue(QUEUES.workflowRuns, RUN, { jobId: 'call_1' });
    await flush();
    expect(runs).toBe(1);
  });

  it("validates each job against its queue's schema once, and drops a malformed one without its handler", async () => {
    const ran = signal();
    const seen: unknown[] = [];
    queue.process(QUEUES.workflowRuns, async (p) => {
      seen.push(p);
      ran.fire();
    });
    // a producer that does not follow the contract (an older or newer version of it)
    await queue.enqueue(QUEUES.workflowRuns, { runId: 'not-a-run-id' } as never, { jobId: 'bad' });
    await queue.enqueue(QUEUES.workflowRuns, { runId: 'run_ok', traceparent: 't' }, { jobId: 'good' });
    await until(() => seen.length === 1, ran);
    await flush();
    expect(seen).toEqual([{ runId: 'run_ok', traceparent: 't' }]);
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
    queue.process(QUEUES.workflowRuns, async (_p, ctx) => {
      attempts.push(ctx.attempt);
      throw new Error('billing database unavailable');
    });
    await queue.enqueue(QUEUES.workflowRuns, RUN, { jobId: 'call_1', attempts: 4, backoffMs: 100 });
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
    queue.process(QUEUES.workflowRuns, async (_p, ctx) => {
      attempts.push(ctx.attempt);
      if (ctx.attempt < 2) throw new Error('transient');
    });
    await queue.enqueue(QUEUES.workflowRuns, RUN, { jobId: 'call_1', attempts: 5, backoffMs: 10 });
    await jest.runAllTimersAsync();
    expect(attempts).toEqual([1, 2]);
  });

  it('uses the queue defaults when the job names no attempts (workflow runs: 5)', async () => {
    jest.useFakeTimers();
    let attempts = 0;
    queue.process(QUEUES.workflowRuns, async () => {
      attempts++;
      throw new Error('always');
    });
    await queue.enqueue(QUEUES.workflowRuns, RUN, { jobId: 'call_1', backoffMs: 1 });
    await jest.runAllTimersAsync();
    expect(attempts).toBe(QUEUE_DEFAULTS['workflow-runs'].attempts);
  });

  it('never runs more jobs at once than the concurrency, and starts the next as one finishes', async () => {
    const gates = new Map<string, { promise: Promise<void>; resolve: () => void }>();
    const started: string[] = [];
    const changed = signal();
    let active = 0;
    let maxActive = 0;
    queue.process(
      QUEUES.workflowRuns,
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
    for (let i = 1; i <= 7; i++) await queue.enqueue(QUEUES.workflowRuns, RUN, { jobId: `j${i}` });
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
      QUEUES.workflowRuns,
      async (_p, ctx) => {
        events.push(`start ${ctx.jobId}`);
        started.fire();
        await gate.promise;
        events.push(`end ${ctx.jobId}`);
      },
      { concurrency: 1 },
    );
    await queue.enqueue(QUEUES.workflowRuns, RUN, { jobId: 'a' });
    await queue.enqueue(QUEUES.workflowRuns, RUN, { jobId: 'b' });
    await until(() => events.length === 1, started);
    const closed = queue.close().then(() => events.push('closed'));
    await flush();
    expect(events).toEqual(['start a']);
    gate.resolve();
    await closed;
    await flush();
    expect(events).toEqual(['start a', 'end a', 'closed']);
    await queue.enqueue(QUEUES.workflowRuns, RUN, { jobId: 'c' });
    await flush();
    expect(events).toEqual(['start a', 'end a', 'closed']);
  });

  it('refuses a second handler for one queue', () => {
    queue.process(QUEUES.workflowRuns, async () => undefined);
    expect(() => queue.process(QUEUES.workflowRuns, async () => undefined)).toThrow(/already has a handler/);
  });
});
