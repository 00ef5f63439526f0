// A fixed set of sandboxed executors (worker threads or processes), each running one job at a time, with
// a bounded queue in front. An executor that overruns its time, fails or dies is thrown away and a
// fresh one is started for the next job, so one execution can never leave anything behind for another.
import { CodeSandboxError, type CodeSandboxErrorCode } from './code-sandbox.errors';
import type { SandboxFailureKind, SandboxJob, SandboxReply } from './sandbox-protocol';

/** One isolated executor: a worker thread or a child process. */
export interface SandboxExecutor {
  /** Settles when the executor can take jobs (Pyodide takes seconds to load). */
  readonly ready: Promise<void>;
  post(job: SandboxJob): void;
  /** Ends it at once, whatever it is doing. */
  kill(): void;
  /** True when it should be replaced after its current job (it kept too much memory). */
  worn?(): boolean;
}

export interface SandboxExecutorEvents {
  reply(reply: SandboxReply): void;
  /** It died or broke a limit the host watches (memory): its job fails with this. */
  fail(kind: SandboxFailureKind, message: string): void;
}

export interface SandboxPoolOptions {
  name: string;
  size: number;
  /** Jobs waiting for a free executor beyond which `run` refuses at once. */
  maxQueue: number;
  /** How long past a job's own time limit the host waits before it kills the executor. */
  graceMs: number;
  /** How long an executor may take to start. */
  startTimeoutMs: number;
  spawn(events: SandboxExecutorEvents): SandboxExecutor;
}

type JobSpec = Omit<SandboxJob, 'id'>;

interface Pending {
  job: SandboxJob;
  resolve(output: string): void;
  reject(err: Error): void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

interface Slot {
  executor: SandboxExecutor | null;
  current: Pending | null;
  watchdog: NodeJS.Timeout | null;
}

export class SandboxPool {
  private readonly slots: Slot[];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private closed = false;

  constructor(private readonly o: SandboxPoolOptions) {
    this.slots = Array.from({ length: o.size }, () => ({ executor: null, current: null, watchdog: null }));
  }

  /** The JSON text `main` returned; rejects with a CodeSandboxError. */
  run(spec: JobSpec, signal?: AbortSignal): Promise<string> {
    if (this.closed) return Promise.reject(new CodeSandboxError('unavailable', `the ${this.o.name} sandbox is shut down`));
    if (signal?.aborted) return Promise.reject(new CodeSandboxError('cancelled', 'the run was stopped'));
    return new Promise<string>((resolve, reject) => {
      const pending: Pending = { job: { ...spec, id: this.nextId++ }, resolve, reject, signal };
      const free = this.slots.find((s) => s.current === null);
      if (free) return this.dispatch(free, pending);
      if (this.queue.length >= this.o.maxQueue) {
        reject(new CodeSandboxError('busy', `the ${this.o.name} sandbox is busy: ${this.queue.length} executions are already waiting`));
        return;
      }
      this.queue.push(pending);
      this.watchAbort(pending, null);
    });
  }

  /** Kills every executor; waiting and running jobs fail. */
  close(): void {
    this.closed = true;
    for (const p of this.queue.splice(0)) this.settle(p, new CodeSandboxError('unavailable', `the ${this.o.name} sandbox is shut down`));
    for (const slot of this.slots) {
      if (slot.current) this.fail(slot, 'crashed', `the ${this.o.name} sandbox is shut down`);
      slot.executor?.kill();
      slot.executor = null;
    }
  }

  private dispatch(slot: Slot, pending: Pending): void {
    slot.current = pending;
    this.watchAbort(pending, slot);
    if (!slot.executor) slot.executor = this.spawn(slot);
    const executor = slot.executor;
    const startTimer = setTimeout(() => {
      if (slot.current === pending)
        this.fail(slot, 'crashed', `the ${this.o.name} sandbox did not start within ${this.o.startTimeoutMs} ms`);
    }, this.o.startTimeoutMs);
    executor.ready.then(
      () => {
        clearTimeout(startTimer);
        if (slot.current !== pending || slot.executor !== executor) return;
        slot.watchdog = setTimeout(
          () => this.fail(slot, 'timeout', `the code ran longer than its time limit of ${pending.job.timeoutMs} ms`),
          pending.job.timeoutMs + this.o.graceMs,
        );
        executor.post(pending.job);
      },
      (err: unknown) => {
        clearTimeout(startTimer);
        if (slot.current === pending)
          this.fail(slot, 'crashed', `the ${this.o.name} sandbox could not start: ${err instanceof Error ? err.message : String(err)}`);
      },
    );
  }

  private spawn(slot: Slot): SandboxExecutor {
    const executor: SandboxExecutor = this.o.spawn({
      reply: (reply) => {
        if (slot.executor !== executor || slot.current?.job.id !== reply.id) return; // a stale or forged reply
        const pending = slot.current;
        this.release(slot, (reply.ok || reply.kind === 'error' || reply.kind === 'output') && !executor.worn?.());
        if (reply.ok) pending.resolve(reply.output);
        else this.settle(pending, new CodeSandboxError(reply.kind, reply.message));
        this.next(slot);
      },
      fail: (kind, message) => {
        if (slot.executor !== executor) return;
        if (slot.current) this.fail(slot, kind, message);
        else this.discard(slot);
      },
    });
    return executor;
  }

  /** The executor is no longer trusted: kill it, fail its job, go on with a fresh one. */
  private fail(slot: Slot, kind: CodeSandboxErrorCode, message: string): void {
    const pending = slot.current;
    this.release(slot, false);
    if (pending) this.settle(pending, new CodeSandboxError(kind, message));
    this.next(slot);
  }

  private release(slot: Slot, keepExecutor: boolean): void {
    if (slot.watchdog) clearTimeout(slot.watchdog);
    slot.watchdog = null;
    if (slot.current?.onAbort) slot.current.signal?.removeEventListener('abort', slot.current.onAbort);
    slot.current = null;
    if (!keepExecutor) this.discard(slot);
  }

  private discard(slot: Slot): void {
    slot.executor?.kill();
    slot.executor = null;
  }

  private next(slot: Slot): void {
    const pending = this.queue.shift();
    if (pending && !this.closed) {
      if (pending.onAbort) pending.signal?.removeEventListener('abort', pending.onAbort);
      this.dispatch(slot, pending);
    }
  }

  private watchAbort(pending: Pending, slot: Slot | null): void {
    if (!pending.signal) return;
    const onAbort = () => {
      if (slot && slot.current === pending) return this.fail(slot, 'cancelled', 'the run was stopped');
      const at = this.queue.indexOf(pending);
      if (at >= 0) this.queue.splice(at, 1);
      this.settle(pending, new CodeSandboxError('cancelled', 'the run was stopped'));
    };
    pending.onAbort = onAbort;
    pending.signal.addEventListener('abort', onAbort, { once: true });
  }

  private settle(pending: Pending, err: Error): void {
    pending.reject(err);
  }
}
