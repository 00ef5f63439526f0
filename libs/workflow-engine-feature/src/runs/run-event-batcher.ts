// A run's events on their way to the event store: written in the order they were emitted, one write
// at a time, and those emitted in the same turn of the event loop in one write (a sync node's
// node_started and node_finished, the run's workflow_started with its start node's events, a node's
// node_finished with its deterministic successors' events).
// workflow_started, node_started and node_finished do not hold the run up: they are written within a
// turn (so a node_started is in the stream while its node runs), and a failure to write them stops
// the run at its next awaited event, or at drain(), before the run's end is stored. A node's effects
// do not wait on its events: they are committed by its Postgres checkpoint, under the run's lease.
// Every other event is written before its emit resolves, and so is the batch that reaches
// MAX_QUEUED: a run of many quick nodes still waits for its writes (bounded memory, and it yields).
import type { RunEventBody } from '@shoal/contracts';

const UNAWAITED: ReadonlySet<RunEventBody['event']> = new Set(['workflow_started', 'node_started', 'node_finished']);
const MAX_QUEUED = 64;

export class RunEventBatcher {
  private queued: RunEventBody[] = [];
  private writing: Promise<void> = Promise.resolve();
  private scheduled = false;
  private failure: { err: unknown } | undefined;

  constructor(private readonly write: (bodies: RunEventBody[]) => Promise<void>) {}

  emit(body: RunEventBody): Promise<void> | undefined {
    if (this.failure) return Promise.reject(this.failure.err);
    this.queued.push(body);
    if (!UNAWAITED.has(body.event) || this.queued.length >= MAX_QUEUED) return this.flush();
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => {
        this.scheduled = false;
        // a failure is kept for the run's next event or drain(), which reject with it
        this.flush().catch(() => undefined);
      });
    }
    return undefined;
  }

  /** Writes what is queued; rejects when this or an earlier write failed. */
  drain(): Promise<void> {
    return this.flush();
  }

  private flush(): Promise<void> {
    if (this.queued.length) {
      const batch = this.queued;
      this.queued = [];
      this.writing = this.writing.then(() => this.write(batch));
      this.writing.catch((err: unknown) => (this.failure ??= { err }));
    }
    return this.writing;
  }
}
