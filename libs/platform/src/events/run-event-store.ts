// The run event stream port: append-only per run, numbered 1, 2, 3, ...; readers can resume after
// any sequence number (SSE Last-Event-ID) and miss nothing. Redis Streams + pub/sub in distributed
// mode, in-process in standalone mode.
import type { RunEvent, RunEventBody } from '@shoal/contracts';
import { createLogger } from '../logging/logger';

export type Unsubscribe = () => void;

export interface RunEventStore {
  /**
   * True when appending a run's workflow_finished also stores its sequence number as the run's
   * last_event_seq, in the same transaction (the Postgres store: the events live in the runs'
   * database); whoever appends it has nothing more to record.
   */
  readonly recordsLastEventSeq?: boolean;
  /**
   * Stores and publishes the event with the next sequence number, its large fields truncated (see
   * RunEventLimits). Resolves undefined, taking no number, when the run's log is at its byte cap;
   * workflow_finished is always stored.
   */
  append(runId: string, body: RunEventBody, fence?: string, endRecord?: string): Promise<RunEvent | undefined>;
  /**
   * Appends the events in order, as append() would one after the other, in one write where the
   * store can (with Redis: one script call); each comes back as append() would return it. Fenced,
   * they are all refused together.
   */
  appendAll(runId: string, bodies: readonly RunEventBody[], fence?: string): Promise<Array<RunEvent | undefined>>;
  /**
   * Makes `lease` the run's current writer: from now on an append fenced with another lease throws
   * RunEventsFencedError (a frozen worker whose run was taken over appends nothing). `claim` orders
   * the leases (the run's attempt count at the claim): a lease whose claim is older than the current
   * writer's is refused with RunEventsFencedError, so a worker frozen between its claim and this
   * call cannot take the stream back. Stores in one process (standalone) have no such worker and
   * accept every append.
   */
  fence(runId: string, lease: string, claim: number): Promise<void>;
  /** events with sequence > afterSeq, in order */
  read(runId: string, afterSeq?: number): Promise<RunEvent[]>;
  /** the run's last stored sequence number; 0 when it has none (never had, or they expired) */
  lastSequence(runId: string): Promise<number>;
  /** delivers every event with sequence > afterSeq exactly once and in order: the backlog first, then live ones */
  subscribe(runId: string, afterSeq: number, onEvent: (e: RunEvent) => void): Promise<Unsubscribe>;
  /**
   * Told by whoever created the run, before anything can run it (before it is queued): the run has no
   * event yet. A store that sees every append of every run (standalone's, in its one process) can
   * then answer whenFinished for it without looking in what it stored. Optional: other stores ignore it.
   */
  created?(runId: string): void;
  /**
   * Resolves once the run's workflow_finished is stored (at once when it already is), or when
   * `signal` aborts; rejects when the store cannot be reached. For a caller that needs the end
   * alone (a blocking request), not the events before it. Resolves with the end record the
   * workflow_finished was appended with (`append`'s `endRecord`, parsed) when the store hands it
   * over (Redis: with the announcement of the end), else undefined: the caller reads what it needs.
   */
  whenFinished(runId: string, signal: AbortSignal): Promise<unknown>;
  close(): Promise<void>;
}

export const RUN_EVENT_STORE = Symbol('RUN_EVENT_STORE');

/** An append fenced with a lease that is no longer the run's: another worker has taken the run over. */
export class RunEventsFencedError extends Error {
  readonly code = 'run_events_fenced';
  constructor(readonly runId: string) {
    super(`run ${runId} has another writer now: this append was refused`);
    this.name = 'RunEventsFencedError';
  }
}

/** Serializes delivery for one subscription: drops duplicates, fills gaps from the store. */
export class OrderedDelivery {
  private last: number;
  private chain: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    afterSeq: number,
    private readonly fill: (afterSeq: number) => Promise<RunEvent[]>,
    private readonly onEvent: (e: RunEvent) => void,
  ) {
    this.last = afterSeq;
  }

  offer(e: RunEvent): void {
    // a failed gap read is logged and skipped, never left as a rejected chain: the next live event
    // or read retries it, and an unhandled rejection would take the whole process down
    this.chain = this.chain
      .then(async () => {
        if (this.closed || e.sequence <= this.last) return;
        if (e.sequence > this.last + 1) {
          // a live message overtook the backlog, or pub/sub dropped one: read the gap from the stream
          for (const missed of await this.fill(this.last)) this.deliver(missed);
          return;
        }
        this.deliver(e);
      })
      .catch((err: unknown) => createLogger('OrderedDelivery').warn({ err }, 'could not read missed run events'));
  }

  /** Delivers the backlog; rejects (and leaves the chain usable) when it cannot be read. */
  catchUp(): Promise<void> {
    const backlog = this.chain.then(async () => {
      for (const e of await this.fill(this.last)) this.deliver(e);
    });
    this.chain = backlog.catch(() => undefined);
    return backlog;
  }

  close(): void {
    this.closed = true;
  }

  private deliver(e: RunEvent): void {
    if (this.closed || e.sequence <= this.last) return;
    this.last = e.sequence;
    this.onEvent(e);
  }
}

/** Delivers the backlog; if it cannot be read, the subscription is undone before the error goes up. */
export async function catchUpOrUnsubscribe(delivery: OrderedDelivery, unsubscribe: Unsubscribe): Promise<Unsubscribe> {
  try {
    await delivery.catchUp();
  } catch (err) {
    unsubscribe();
    throw err;
  }
  return unsubscribe;
}

/**
 * whenFinished() through a subscription to the run's events: what a store whose subscriptions cost
 * nothing does. Nothing is left subscribed afterwards, even when workflow_finished came in the
 * subscription's catch-up, before it had handed back its Unsubscribe.
 */
export function finishedThroughSubscription(
  store: Pick<RunEventStore, 'subscribe'>,
  runId: string,
  signal: AbortSignal,
): Promise<undefined> {
  return new Promise<undefined>((resolve, reject) => {
    if (signal.aborted) return resolve(undefined);
    let ended = false;
    let unsubscribe: Unsubscribe | undefined;
    const finish = () => {
      if (ended) return;
      ended = true;
      signal.removeEventListener('abort', finish);
      unsubscribe?.();
      unsubscribe = undefined;
      resolve(undefined);
    };
    signal.addEventListener('abort', finish, { once: true });
    store
      .subscribe(runId, 0, (e) => {
        if (e.event === 'workflow_finished') finish();
      })
      .then((u) => {
        if (ended) u();
        else unsubscribe = u;
      })
      .catch((err: unknown) => {
        ended = true;
        signal.removeEventListener('abort', finish);
        reject(err);
      });
  });
}

/** appendAll() as appends one after the other: what a store without a cheaper batch write does. */
export async function appendOneByOne(
  store: Pick<RunEventStore, 'append'>,
  runId: string,
  bodies: readonly RunEventBody[],
): Promise<Array<RunEvent | undefined>> {
  const out: Array<RunEvent | undefined> = [];
  for (const body of bodies) out.push(await store.append(runId, body));
  return out;
}
