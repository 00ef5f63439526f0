import { RunAbort } from './attempt-waits';
import { deferred } from './fake-ports.spec-helper';
import { RunCancelledError } from './runtime.errors';

describe('AttemptWaits', () => {
  it("gives an attempt its executor's result or error", async () => {
    const { waits } = new RunAbort();
    await expect(waits.wait(Promise.resolve('ok')).result()).resolves.toEqual({ result: 'ok', error: null });
    const boom = new Error('boom');
    await expect(waits.wait(Promise.reject(boom)).result()).resolves.toEqual({ result: null, error: boom });
  });

  it('ends every waiting attempt with RunCancelledError once the run aborts, in the order they started', async () => {
    const run = new RunAbort();
    const { waits } = run;
    const order: string[] = [];
    const never = new Promise<string>(() => undefined);
    const first = waits
      .wait(never)
      .result()
      .then((r) => (order.push('first'), r));
    const late = deferred<string>();
    const second = waits
      .wait(late.promise)
      .result()
      .then((r) => (order.push('second'), r));
    const done = waits.wait(Promise.resolve('done')).result();
    await expect(done).resolves.toEqual({ result: 'done', error: null });
    run.abort();
    const [a, b] = await Promise.all([first, second]);
    expect(a.error).toBeInstanceOf(RunCancelledError);
    expect(b.error).toBeInstanceOf(RunCancelledError);
    expect(order).toEqual(['first', 'second']);
    // settling after the cancel changes nothing
    late.resolve('too late');
    await new Promise((r) => setImmediate(r));
    expect(b).toEqual({ result: null, error: a.error });
  });

  it('lets an outcome the executor already has win over an abort that came while it started', async () => {
    const run = new RunAbort();
    run.abort();
    await expect(run.waits.wait(Promise.resolve('ready')).result()).resolves.toEqual({ result: 'ready', error: null });
    const pending = await run.waits.wait(new Promise<string>(() => undefined)).result();
    expect(pending.error).toBeInstanceOf(RunCancelledError);
  });
});

describe('RunAbort', () => {
  it('ends the waiting attempts before the listeners on its signal run, and aborts once', () => {
    const run = new RunAbort();
    const waiter = run.waits.wait(new Promise<string>(() => undefined));
    const seen: unknown[] = [];
    run.signal.addEventListener('abort', () => seen.push(waiter.outcome?.error));
    run.abort();
    run.abort();
    expect(run.aborted).toBe(true);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeInstanceOf(RunCancelledError);
  });
});
