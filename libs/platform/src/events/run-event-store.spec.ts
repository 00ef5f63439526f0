import type { RunEvent } from '@shoal/contracts';
import { OrderedDelivery } from './run-event-store';

const RUN = 'run_ordered';

function ev(sequence: number): RunEvent {
  return {
    event: 'text_chunk',
    data: { text: `t${sequence}`, from_variable_selector: ['llm', 'text'] },
    workflow_run_id: RUN,
    task_id: RUN,
    sequence,
    timestamp: 1_700_000_000_000 + sequence,
  };
}

function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

/** A stream of `n` stored events, read back the way a store's `read(runId, afterSeq)` does. */
function storeOf(n: number) {
  const stored = Array.from({ length: n }, (_, i) => ev(i + 1));
  const fills: number[] = [];
  const fill = async (after: number) => {
    fills.push(after);
    return stored.filter((e) => e.sequence > after);
  };
  return { stored, fills, fill };
}

function setup(afterSeq: number, n: number) {
  const store = storeOf(n);
  const got: number[] = [];
  const delivery = new OrderedDelivery(afterSeq, store.fill, (e) => got.push(e.sequence));
  return { ...store, got, delivery };
}

// offer() queues work on a promise chain; catchUp() returns the chain, so awaiting it drains everything before it.
const settle = (d: OrderedDelivery) => d.catchUp();

describe('OrderedDelivery', () => {
  it('catches up with the backlog after afterSeq, in order', async () => {
    const { got, delivery } = setup(2, 5);
    await delivery.catchUp();
    expect(got).toEqual([3, 4, 5]);
  });

  it('delivers consecutive live events as they come, without reading the store', async () => {
    const { got, fills, delivery } = setup(0, 0);
    await delivery.catchUp();
    delivery.offer(ev(1));
    delivery.offer(ev(2));
    delivery.offer(ev(3));
    await settle(delivery);
    expect(got).toEqual([1, 2, 3]);
    expect(fills).toEqual([0, 3]); // the initial catch-up and the settle, nothing per event
  });

  it('drops duplicates: an event at or below the last delivered sequence is never delivered twice', async () => {
    const { got, delivery } = setup(0, 3);
    await delivery.catchUp();
    delivery.offer(ev(2));
    delivery.offer(ev(3));
    delivery.offer(ev(3));
    await settle(delivery);
    expect(got).toEqual([1, 2, 3]);
  });

  it('fills a gap from the store when a live event skips ahead (a lost pub/sub message)', async () => {
    const { got, fills, stored, delivery } = setup(0, 2);
    await delivery.catchUp();
    expect(got).toEqual([1, 2]);
    stored.push(ev(3), ev(4), ev(5));
    // 3 and 4 were "lost"; 5 arrives live
    delivery.offer(ev(5));
    await settle(delivery);
    expect(got).toEqual([1, 2, 3, 4, 5]);
    expect(fills).toContain(2);
  });

  it('keeps order when live events overtake the backlog read', async () => {
    const stored = [ev(1), ev(2), ev(3)];
    const slow = deferred<void>();
    const got: number[] = [];
    const delivery = new OrderedDelivery(
      0,
      async (after) => {
        await slow.promise;
        return stored.filter((e) => e.sequence > after);
      },
      (e) => got.push(e.sequence),
    );
    const caughtUp = delivery.catchUp();
    // while the backlog read is still in flight, 3 (already stored) and 4 (new) arrive live
    stored.push(ev(4));
    delivery.offer(ev(3));
    delivery.offer(ev(4));
    slow.resolve();
    await caughtUp;
    await settle(delivery);
    expect(got).toEqual([1, 2, 3, 4]);
  });

  it('delivers out-of-order live events in sequence order', async () => {
    const { got, delivery } = setup(0, 4);
    delivery.offer(ev(3));
    delivery.offer(ev(1));
    delivery.offer(ev(4));
    delivery.offer(ev(2));
    await settle(delivery);
    expect(got).toEqual([1, 2, 3, 4]);
  });

  it('delivers nothing after close()', async () => {
    const { got, delivery } = setup(0, 2);
    await delivery.catchUp();
    delivery.close();
    delivery.offer(ev(3));
    await settle(delivery);
    expect(got).toEqual([1, 2]);
  });
});
