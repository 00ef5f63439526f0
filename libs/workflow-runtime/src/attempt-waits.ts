// The node attempts of one run that wait on their executor: each ends with the executor's outcome or,
// once the run aborts, with RunCancelledError, whichever comes first. One listener on the run's signal
// for all of them, and per attempt one promise, one `then` and a list link. (A Promise.race against
// one never-settling abort promise cost twice that, and its reactions kept every attempt's race alive
// until the run ended.)
import type { AttemptResult } from './retry';
import { RunCancelledError } from './runtime.errors';

/** One waiting attempt: a link in the run's list of them, until it is settled. */
class Waiter {
  prev: Waiter | null = null;
  next: Waiter | null = null;
  private done = false;

  constructor(
    private readonly waits: AttemptWaits,
    private readonly resolve: (outcome: AttemptResult<unknown>) => void,
  ) {}

  succeed(result: unknown): void {
    if (this.done) return;
    this.done = true;
    this.waits.unlink(this);
    this.resolve({ result, error: null });
  }

  fail(error: unknown): void {
    if (this.done) return;
    this.done = true;
    this.waits.unlink(this);
    this.resolve({ result: null, error });
  }
}

export class AttemptWaits {
  /** Oldest first: an abort settles them in the order they started waiting. */
  private head: Waiter | null = null;
  private tail: Waiter | null = null;
  private cancelled: RunCancelledError | null = null;

  constructor(signal: AbortSignal) {
    if (signal.aborted) this.cancelled = new RunCancelledError();
    else signal.addEventListener('abort', () => this.cancelAll(), { once: true });
  }

  /** The attempt's outcome; never rejects. */
  wait<R>(pending: PromiseLike<R>): Promise<AttemptResult<R>> {
    return new Promise<AttemptResult<R>>((resolve) => {
      const waiter = new Waiter(this, resolve as (outcome: AttemptResult<unknown>) => void);
      pending.then(
        (result) => waiter.succeed(result),
        (error: unknown) => waiter.fail(error),
      );
      const cancelled = this.cancelled;
      // aborted while the executor started: an outcome it already has still comes first (as in a race)
      if (cancelled !== null) queueMicrotask(() => waiter.fail(cancelled));
      else this.link(waiter);
    });
  }

  private link(waiter: Waiter): void {
    waiter.prev = this.tail;
    if (this.tail !== null) this.tail.next = waiter;
    else this.head = waiter;
    this.tail = waiter;
  }

  /** Takes a settled waiter out of the list (a no-op for one that never was in it). */
  unlink(waiter: Waiter): void {
    const { prev, next } = waiter;
    if (prev !== null) prev.next = next;
    else if (this.head === waiter) this.head = next;
    if (next !== null) next.prev = prev;
    else if (this.tail === waiter) this.tail = prev;
    waiter.prev = waiter.next = null;
  }

  private cancelAll(): void {
    const error = new RunCancelledError();
    this.cancelled = error;
    while (this.head !== null) this.head.fail(error);
  }
}
