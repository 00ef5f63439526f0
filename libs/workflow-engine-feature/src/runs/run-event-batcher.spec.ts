import type { RunEventBody } from '@shoal/contracts';
import { RunEventBatcher } from './run-event-batcher';

const started = (id: string): RunEventBody => ({ event: 'node_started', data: { id, node_id: id } }) as unknown as RunEventBody;
const finished = (id: string): RunEventBody => ({ event: 'node_finished', data: { id, node_id: id } }) as unknown as RunEventBody;
/** an event the run waits for (a container's next round) */
const next = (id: string): RunEventBody => ({ event: 'iteration_next', data: { id, node_id: id } }) as unknown as RunEventBody;
const turn = () => new Promise((r) => setImmediate(r));
/** Lets promise callbacks run, not timers or I/O. */
const microtasks = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

/** A store write that records each batch and answers when told to. */
function recordingWrite() {
  const batches: string[][] = [];
  const answers: Array<{ resolve: () => void; reject: (e: unknown) => void }> = [];
  const write = (bodies: RunEventBody[]) => {
    batches.push(bodies.map((b) => `${b.event}:${(b.data as { id: string }).id}`));
    return new Promise<void>((resolve, reject) => answers.push({ resolve, reject }));
  };
  return { batches, answers, write };
}

describe('RunEventBatcher', () => {
  it('writes the events of one turn in one write, in order, within the turn, without waiting for node_started or node_finished', async () => {
    const w = recordingWrite();
    const batcher = new RunEventBatcher(w.write);
    // a node that ends within the turn, and the successor it starts
    expect(batcher.emit(started('a'))).toBeUndefined();
    expect(batcher.emit(finished('a'))).toBeUndefined();
    expect(batcher.emit(started('b'))).toBeUndefined();
    await microtasks();
    expect(w.batches).toEqual([]);
    await turn();
    expect(w.batches).toEqual([['node_started:a', 'node_finished:a', 'node_started:b']]);
    // an event the run waits for goes out at once, after what is queued, and resolves once written
    const done = batcher.emit(next('b'));
    expect(done).toBeDefined();
    let resolved = false;
    void done!.then(() => (resolved = true));
    w.answers[0].resolve();
    await microtasks();
    expect(w.batches).toEqual([['node_started:a', 'node_finished:a', 'node_started:b'], ['iteration_next:b']]);
    await turn();
    expect(resolved).toBe(false);
    w.answers[1].resolve();
    await done;
    await batcher.drain();
  });

  it('writes one batch at a time: what comes while one is written goes in the next, after it', async () => {
    const w = recordingWrite();
    const batcher = new RunEventBatcher(w.write);
    const first = batcher.emit(next('a'));
    const second = batcher.emit(next('b'));
    batcher.emit(started('c'));
    const third = batcher.emit(next('c'));
    await turn();
    expect(w.batches).toEqual([['iteration_next:a']]);
    w.answers[0].resolve();
    await first;
    await microtasks();
    expect(w.batches).toEqual([['iteration_next:a'], ['iteration_next:b']]);
    w.answers[1].resolve();
    await second;
    await microtasks();
    expect(w.batches).toEqual([['iteration_next:a'], ['iteration_next:b'], ['node_started:c', 'iteration_next:c']]);
    w.answers[2].resolve();
    await Promise.all([second, third, batcher.drain()]);
  });

  it('stops the run at its next event, or at drain(), when an event it did not wait for could not be written, and writes nothing after', async () => {
    const w = recordingWrite();
    const batcher = new RunEventBatcher(w.write);
    batcher.emit(started('a'));
    batcher.emit(finished('a'));
    await turn();
    w.answers[0].reject(new Error('fenced'));
    await turn();
    // even an event it would not wait for answers the failure: the run stops here
    await expect(batcher.emit(started('b'))).rejects.toThrow('fenced');
    await expect(batcher.drain()).rejects.toThrow('fenced');
    expect(w.batches).toEqual([['node_started:a', 'node_finished:a']]);
  });

  it('makes a run of quick nodes wait for its writes once a batch is full (bounded memory; the run yields)', async () => {
    const w = recordingWrite();
    const batcher = new RunEventBatcher(w.write);
    const answers: Array<Promise<void> | undefined> = [];
    for (let i = 0; i < 40; i++) answers.push(batcher.emit(started(`n${i}`)), batcher.emit(finished(`n${i}`)));
    // the 64th event fills the batch: written at once, and the run waits for it; the rest queue behind it
    expect(answers.slice(0, 63).every((a) => a === undefined)).toBe(true);
    expect(answers[63]).toBeDefined();
    expect(answers.slice(64).every((a) => a === undefined)).toBe(true);
    await microtasks();
    expect(w.batches.map((b) => b.length)).toEqual([64]);
    w.answers[0].resolve();
    await answers[63];
    await turn();
    expect(w.batches.map((b) => b.length)).toEqual([64, 16]);
    w.answers[1].resolve();
    await batcher.drain();
  });
});
