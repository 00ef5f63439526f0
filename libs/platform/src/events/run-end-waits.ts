// Waits for runs' ends in one process (RunEventStore.whenFinished), ended together when a run's end
// is known: each store learns of ends its own way (Redis: an announcement on a channel; Postgres: its
// own append), and hands the end record it came with, parsed only when someone waits for the run.
import type { Logger } from 'pino';

/** One wait: `ended` resolves with the run's end record (or undefined); `release` must follow, in a finally. */
export interface RunEndWait {
  readonly ended: Promise<unknown>;
  release(): void;
}

export class RunEndWaits {
  private readonly waits = new Map<string, Set<(end: unknown) => void>>();

  constructor(private readonly log: Logger) {}

  /** A wait for the run's end, also ended (with undefined) when `signal` aborts. */
  open(runId: string, signal: AbortSignal): RunEndWait {
    let done!: (end?: unknown) => void;
    const ended = new Promise<unknown>((resolve) => (done = resolve));
    let waits = this.waits.get(runId);
    if (!waits) {
      waits = new Set();
      this.waits.set(runId, waits);
    }
    waits.add(done);
    const aborted = () => done(undefined);
    signal.addEventListener('abort', aborted, { once: true });
    const set = waits;
    return {
      ended,
      release: () => {
        signal.removeEventListener('abort', aborted);
        set.delete(done);
        if (set.size === 0 && this.waits.get(runId) === set) this.waits.delete(runId);
      },
    };
  }

  /** The runs someone waits for. */
  runIds(): IterableIterator<string> {
    return this.waits.keys();
  }

  /** The run has ended: every wait for it ends, with its end record (JSON text) parsed when there is one. */
  end(runId: string, endRecordJson: string | undefined): void {
    const waits = this.waits.get(runId);
    if (!waits) return;
    this.waits.delete(runId);
    let end: unknown;
    try {
      end = endRecordJson === undefined ? undefined : JSON.parse(endRecordJson);
    } catch (err) {
      // the end itself is known; whoever waited reads what it needs from the database
      this.log.error({ err, runId }, 'unparseable run end record');
    }
    for (const done of waits) done(end);
  }

  clear(): void {
    this.waits.clear();
  }
}
