import type { RunEventBody } from '@shoal/contracts';
import { RunEventBatcher } from './run-event-batcher';

const started = (id: string): RunEventBody => ({ event: 'node_started', data: { id, node_id: id } }) as unknown as RunEventBody;
const finished = (id: string): RunEventBody => ({ event: 'node_finished', data: { id, node_id: id } }) as unknown as RunEventBody;
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
  it('writes the events of one turn in one write, in order, and a node_started within the turn it was emitted in, without waiting for it', async () => {
    const w = recordingWrite();
    const batcher = new RunEventBatcher(w.write);
    expect(batcher.emit(started('a'))).toBeUndefined();
    const done = batcher.emit(finished('a'));
    await microtasks();
    expect(w.batches).toEqual([['node_started:a', 'node_finished:a']]);
    let resolved = false;
    void done!.then(() => (resolved = true));
    await turn();
    expect(resolved).toBe(false);
    w.answers[0].resolve();
    await done;
    // a node that runs longer than a turn: its node_started is written while it runs
    expect(batcher.emit(started('b'))).toBeUndefined();
    await turn();
    expect(w.batches).toEqual([['node_started:a', 'node_finished:a'], ['node_started:b']]);
    w.answers[1].resolve();
    await batcher.drain();
  });

  it('writes one batch at a time: what comes while one is written goes in the next, after it', async () => {
    const w = recordingWrite();
    const batcher = new RunEventBatcher(w.write);
    const first = batcher.emit(finished('a'));
    const second = batcher.emit(finished('b'));
    batcher.emit(started('c'));
    const third = batcher.emit(finished('c'));
    await turn();
    expect(w.batches).toEqual([['node_finished:a']]);
    w.answers[0].resolve();
    await first;
    await microtasks();
    expect(w.batches).toEqual([['node_finished:a'], ['node_finished:b']]);
    w.answers[1].resolve();
    await second;
    await microtasks();
    expect(w.batches).toEqual([['node_finished:a'], ['node_finished:b'], ['node_started:c', 'node_finished:c']]);
    w.answers[2].resolve();
    await Promise.all([second, third, batcher.drain()]);
  });

  it('stops the run at its next event, or at drain(), when a node_started it did not wait for could not be written, and writes nothing after', async () => {
    const w = recordingWrite();
    const batcher = new RunEventBatcher(w.write);
    batcher.emit(started('a'));
    await turn();
    w.answers[0].reject(new Error('fenced'));
    await turn();
    await expect(batcher.emit(finished('a'))).rejects.toThrow('fenced');
    await expect(batcher.drain()).rejects.toThrow('fenced');
    expect(w.batches).toEqual([['node_started:a']]);
  });
});
