// The time limits of the runs in flight, on one timer. A setTimeout armed and cleared per run cost
// about 0.7 µs of every run (a tenth of a 10-node run in process); here a run's deadline is a slot in
// a binary heap, and the one timer is armed for the earliest deadline only when it comes before the
// one the timer already waits for. The timer keeps the process alive only while a run has a deadline.
import { performance } from 'node:perf_hooks';
import { keepShapes } from './kept-shapes';

/** A run's pending time limit; `cancel` it when the run ends. */
export interface RunDeadline {
  cancel(): void;
}

/** setTimeout's longest delay; a later deadline is waited for in steps. */
const MAX_DELAY_MS = 2 ** 31 - 1;

class Deadline implements RunDeadline {
  /** Its place in the heap; -1 once fired or cancelled. */
  slot = -1;

  constructor(
    private readonly deadlines: RunDeadlines,
    readonly at: number,
    readonly fire: () => void,
  ) {}

  cancel(): void {
    this.deadlines.remove(this);
  }
}

export class RunDeadlines {
  private readonly heap: Deadline[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** When the timer fires (Infinity: not armed). */
  private armedAt = Infinity;

  /** Calls `fire` once `ms` have passed, unless cancelled first. */
  add(ms: number, fire: () => void): RunDeadline {
    const deadline = new Deadline(this, performance.now() + ms, fire);
    deadline.slot = this.heap.length;
    this.heap.push(deadline);
    this.up(deadline.slot);
    if (this.heap.length === 1) this.timer?.ref();
    if (deadline.at < this.armedAt) this.arm(deadline.at);
    return deadline;
  }

  remove(deadline: Deadline): void {
    const slot = deadline.slot;
    if (slot < 0) return;
    deadline.slot = -1;
    const last = this.heap.pop() as Deadline;
    if (last !== deadline) {
      this.heap[slot] = last;
      last.slot = slot;
      this.down(slot);
      this.up(last.slot);
    }
    // an armed timer stays armed (a later run reuses it); it only stops holding the process
    if (this.heap.length === 0) this.timer?.unref();
  }

  private arm(at: number): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.armedAt = at;
    this.timer = setTimeout(() => this.expire(), Math.min(MAX_DELAY_MS, Math.max(0, Math.ceil(at - performance.now()))));
    if (this.heap.length === 0) this.timer.unref();
  }

  private expire(): void {
    this.timer = null;
    this.armedAt = Infinity;
    const now = performance.now();
    while (this.heap.length > 0 && this.heap[0].at <= now) {
      const due = this.heap[0];
      this.remove(due);
      due.fire();
    }
    if (this.heap.length > 0) this.arm(this.heap[0].at);
  }

  private up(slot: number): void {
    const { heap } = this;
    const item = heap[slot];
    while (slot > 0) {
      const parent = (slot - 1) >> 1;
      if (heap[parent].at <= item.at) break;
      heap[slot] = heap[parent];
      heap[slot].slot = slot;
      slot = parent;
    }
    heap[slot] = item;
    item.slot = slot;
  }

  private down(slot: number): void {
    const { heap } = this;
    const item = heap[slot];
    for (;;) {
      let child = 2 * slot + 1;
      if (child >= heap.length) break;
      if (child + 1 < heap.length && heap[child + 1].at < heap[child].at) child++;
      if (heap[child].at >= item.at) break;
      heap[slot] = heap[child];
      heap[slot].slot = slot;
      slot = child;
    }
    heap[slot] = item;
    item.slot = slot;
  }
}

/** The process's run deadlines. */
export const runDeadlines = new RunDeadlines();

// an idle deadline (in no heap), so that the class's hidden class outlives a GC with no run in flight (see kept-shapes)
keepShapes(new Deadline(runDeadlines, 0, () => undefined));
