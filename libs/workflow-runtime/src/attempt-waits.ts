// The node attempts of one run that wait on their executor: each ends with the executor's outcome or,
// once the run aborts, with RunCancelledError, whichever comes first. Per attempt one `then` and a
// list link; the scheduler is called back when the outcome is in. (A Promise.race against one never-settling abort promise cost twice that,
// and its reactions kept every attempt's race alive until the run ended.) The run aborts through
// RunAbort, which ends the waiting attempts and then aborts the executors' signal: no listener on the
// signal (adding one cost half a microsecond of every run).
import type { AttemptResult } from './retry';
import { RunCancelledError } from './runtime.errors';

/**
 * One waiting attempt, a link in the run's list of them until it is settled. Whoever waits on it
 * either listens (the scheduler: called back as soon as the outcome is in, no promise of its own) or
 * asks for result() (a promise, for the retry loop).
 */
export class Waiter<R> {
  prev: Waiter<unknown> | null = null;
  next: Waiter<unknown> | null = null;
  outcome: AttemptResult<R> | null = null;
  private notify: (() => void) | null = null;

  constructor(private readonly waits: AttemptWaits) {}

  /** The executor's outcome arrived (always in a microtask of its own: its promise's reaction). */
  succeed(result: R): void {
    if (this.outcome !== null) return;
    this.outcome = { result, error: null };
    this.settled();
  }

  fail(error: unknown): void {
    if (this.outcome !== null) return;
    this.outcome = { result: null, error };
    this.settled();
  }

  /** The run aborted: the attempt ends, and its listener is called from a microtask of its own (not inside the abort). */
  cancel(error: RunCancelledError): void {
    if (this.outcome !== null) return;
    this.outcome = { result: null, error };
    this.waits.unlink(this);
    const notify = this.notify;
    this.notify = null;
    if (notify !== null) queueMicrotask(notify);
  }

  /** Calls `then` once, when the outcome is in (from a microtask of its own when it already is). */
  listen(then: () => void): void {
    if (this.outcome !== null) queueMicrotask(then);
    else this.notify = then;
  }

  /** The outcome, once settled (for callers that do not listen). */
  result(): Promise<AttemptResult<R>> {
    return new Promise<AttemptResult<R>>((resolve) => this.listen(() => resolve(this.outcome as AttemptResult<R>)));
  }

  private settled(): void {
    this.waits.unlink(this);
    const notify = this.notify;
    this.notify = null;
    if (notify !== null) notify();
  }
}

export class AttemptWaits {
  /** Oldest first: an abort settles them in the order they started waiting. */
  private head: Waiter<unknown> | null = null;
  private tail: Waiter<unknown> | null = null;
  private cancelled: RunCancelledError | null = null;

  /** Waits on an attempt's promise; the waiter never rejects. */
  wait<R>(pending: PromiseLike<R>): Waiter<R> {
    const waiter = new Waiter<R>(this);
    pending.then(
      (result) => waiter.succeed(result),
      (error: unknown) => waiter.fail(error),
    );
    const cancelled = this.cancelled;
    // aborted while the executor started: an outcome it already has still comes first (as in a race)
    if (cancelled !== null) queueMicrotask(() => waiter.fail(cancelled));
    else this.link(waiter as Waiter<unknown>);
    return waiter;
  }

  private link(waiter: Waiter<unknown>): void {
    waiter.prev = this.tail;
    if (this.tail !== null) this.tail.next = waiter;
    else this.head = waiter;
    this.tail = waiter;
  }

  /** Takes a settled waiter out of the list (a no-op for one that never was in it). */
  unlink(waiter: Waiter<unknown>): void {
    const { prev, next } = waiter;
    if (prev !== null) prev.next = next;
    else if (this.head === waiter) this.head = next;
    if (next !== null) next.prev = prev;
    else if (this.tail === waiter) this.tail = prev;
    waiter.prev = waiter.next = null;
  }

  /** Ends every waiting attempt, and every later one, with RunCancelledError. */
  cancelAll(): void {
    if (this.cancelled !== null) return;
    const error = new RunCancelledError();
    this.cancelled = error;
    while (this.head !== null) this.head.cancel(error);
  }
}

/**
 * A run's abort: the signal its executors get, and the attempts waiting on them. Every abort of the
 * run goes through abort(), which ends the waiting attempts before it aborts the signal (so they end
 * before any listener an executor added to it runs, as when they listened first).
 */
export class RunAbort {
  private readonly controller = new AbortController();
  readonly waits = new AttemptWaits();
  /**
   * The controller's signal, read once: Node's `signal` and `aborted` getters are shared by every
   * AbortSignal in the process (a library's composite and timeout signals make them polymorphic), and
   * the scheduler asks on every node.
   */
  readonly signal: AbortSignal = this.controller.signal;
  /** Set by abort() only (nothing else aborts the controller), just before the signal aborts. */
  aborted = false;

  abort(): void {
    if (this.aborted) return;
    this.waits.cancelAll();
    this.aborted = true;
    this.controller.abort();
  }
}
