import { SandboxPool, type SandboxExecutor, type SandboxExecutorEvents } from './sandbox-pool';
import type { SandboxJob } from './sandbox-protocol';

/** An executor the test drives: it records jobs and answers when told. */
class FakeExecutor implements SandboxExecutor {
  readonly jobs: SandboxJob[] = [];
  killed = false;
  isWorn = false;
  ready = Promise.resolve();
  constructor(readonly events: SandboxExecutorEvents) {}
  post(job: SandboxJob): void {
    this.jobs.push(job);
  }
  kill(): void {
    this.killed = true;
  }
  worn(): boolean {
    return this.isWorn;
  }
  answer(output = '{"ok":true}'): void {
    this.events.reply({ id: this.jobs[this.jobs.length - 1].id, ok: true, output });
  }
}

const spec = { code: '', inputs: '{}', timeoutMs: 50, memoryBytes: 1, maxOutputBytes: 100 };
const tick = () => new Promise<void>((r) => setImmediate(r));

function pool(size = 1, maxQueue = 1) {
  const spawned: FakeExecutor[] = [];
  const p = new SandboxPool({
    name: 'test',
    size,
    maxQueue,
    graceMs: 10,
    startTimeoutMs: 1000,
    spawn: (events) => {
      const e = new FakeExecutor(events);
      spawned.push(e);
      return e;
    },
  });
  return { p, spawned };
}

describe('SandboxPool', () => {
  it('runs one job per executor, queues up to maxQueue and refuses beyond', async () => {
    const { p, spawned } = pool();
    const first = p.run(spec);
    const second = p.run(spec);
    await expect(p.run(spec)).rejects.toMatchObject({ code: 'busy' });
    await tick();
    spawned[0].answer('"a"');
    await expect(first).resolves.toBe('"a"');
    await tick();
    spawned[0].answer('"b"');
    await expect(second).resolves.toBe('"b"');
    expect(spawned).toHaveLength(1);
    p.close();
  });

  it('kills an executor that overruns its time and starts a fresh one for the next job', async () => {
    const { p, spawned } = pool();
    await expect(p.run(spec)).rejects.toMatchObject({ code: 'timeout', message: 'the code ran longer than its time limit of 50 ms' });
    expect(spawned[0].killed).toBe(true);
    const next = p.run(spec);
    await tick();
    spawned[1].answer();
    await expect(next).resolves.toBe('{"ok":true}');
    p.close();
  });

  it('ignores a reply for a job that is not the one running (stale or forged)', async () => {
    const { p, spawned } = pool();
    const job = p.run(spec);
    await tick();
    spawned[0].events.reply({ id: 999, ok: true, output: '"forged"' });
    spawned[0].answer('"real"');
    await expect(job).resolves.toBe('"real"');
    p.close();
  });

  it('ends a running execution when its run is stopped, and drops a waiting one', async () => {
    const { p, spawned } = pool();
    const running = new AbortController();
    const waiting = new AbortController();
    const first = p.run(spec, running.signal);
    const second = p.run(spec, waiting.signal);
    await tick();
    waiting.abort();
    await expect(second).rejects.toMatchObject({ code: 'cancelled' });
    running.abort();
    await expect(first).rejects.toMatchObject({ code: 'cancelled' });
    expect(spawned[0].killed).toBe(true);
    p.close();
  });

  it('replaces an executor that says it is worn after its job, and keeps its answer', async () => {
    const { p, spawned } = pool();
    const job = p.run(spec);
    await tick();
    spawned[0].isWorn = true;
    spawned[0].answer('"kept"');
    await expect(job).resolves.toBe('"kept"');
    expect(spawned[0].killed).toBe(true);
    const next = p.run(spec);
    await tick();
    spawned[1].answer();
    await expect(next).resolves.toBe('{"ok":true}');
    p.close();
  });

  it('fails the running job when its executor dies', async () => {
    const { p, spawned } = pool();
    const job = p.run(spec);
    await tick();
    spawned[0].events.fail('crashed', 'the test sandbox stopped');
    await expect(job).rejects.toMatchObject({ code: 'crashed', message: 'the test sandbox stopped' });
    p.close();
  });
});
