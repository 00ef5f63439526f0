// Writes made by concurrent requests in the same turn of the event loop, sent as one command: each
// caller still waits for its own write to be done (or to fail), but a command, its arguments and its
// reply are built once per turn, not once per request. What is queued in one turn is sent when the
// turn's I/O callbacks have run (setImmediate), or at once when the batch is full.

export class TickBatch<T> {
  private items: T[] = [];
  private waiters: Array<{ resolve: () => void; reject: (err: unknown) => void }> = [];
  private scheduled = false;

  /** `send`: writes a whole batch (at most `maxItems`), settling when it is done. */
  constructor(
    private readonly send: (items: T[]) => Promise<unknown>,
    private readonly maxItems = 256,
  ) {}

  /** Resolves once the batch holding `item` has been written; rejects with the batch's error. */
  add(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.items.push(item);
      this.waiters.push({ resolve, reject });
      if (this.items.length >= this.maxItems) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Sends what is queued now, without waiting for the end of the turn (a read that must see these writes). */
  flush(): void {
    this.scheduled = false;
    if (this.items.length === 0) return;
    const items = this.items;
    const waiters = this.waiters;
    this.items = [];
    this.waiters = [];
    let sent: Promise<unknown>;
    try {
      sent = this.send(items);
    } catch (err) {
      sent = Promise.reject(err);
    }
    sent.then(
      () => {
        for (const w of waiters) w.resolve();
      },
      (err: unknown) => {
        for (const w of waiters) w.reject(err);
      },
    );
  }
}

/**
 * TickBatches by group (the Redis keys a command writes): items of one group and one turn are sent
 * together; `send` gets a group's items, which all name the same keys.
 */
export class TickBatchGroups<T> {
  private readonly groups = new Map<string, TickBatch<T>>();
  private clearing = false;

  constructor(
    private readonly send: (items: T[]) => Promise<unknown>,
    private readonly maxItems = 256,
  ) {}

  add(group: string, item: T): Promise<void> {
    let batch = this.groups.get(group);
    if (!batch) {
      batch = new TickBatch(this.send, this.maxItems);
      this.groups.set(group, batch);
      if (!this.clearing) {
        // scheduled before the batch's own flush: the turn's batches are forgotten, then sent
        this.clearing = true;
        setImmediate(() => {
          this.groups.clear();
          this.clearing = false;
        });
      }
    }
    return batch.add(item);
  }
}
