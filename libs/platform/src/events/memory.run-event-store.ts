import { EventEmitter } from 'node:events';
import type { RunEvent, RunEventBody } from '@shoal/contracts';
import { OrderedDelivery, catchUpOrUnsubscribe, type RunEventStore, type Unsubscribe } from './run-event-store';

/** In-process run events for standalone mode and tests. Keeps the last `maxRuns` runs. */
export class InMemoryRunEventStore implements RunEventStore {
  private readonly runs = new Map<string, RunEvent[]>();
  private readonly emitter = new EventEmitter().setMaxListeners(0);

  constructor(private readonly maxRuns = 10_000) {}

  async append(runId: string, body: RunEventBody): Promise<RunEvent> {
    let list = this.runs.get(runId);
    if (!list) {
      list = [];
      this.runs.set(runId, list);
      if (this.runs.size > this.maxRuns) this.runs.delete(this.runs.keys().next().value as string);
    }
    const e = { ...body, workflow_run_id: runId, task_id: runId, sequence: list.length + 1, timestamp: Date.now() } as RunEvent;
    list.push(e);
    this.emitter.emit(runId, e);
    return e;
  }

  async read(runId: string, afterSeq = 0): Promise<RunEvent[]> {
    return (this.runs.get(runId) ?? []).slice(afterSeq);
  }

  async subscribe(runId: string, afterSeq: number, onEvent: (e: RunEvent) => void): Promise<Unsubscribe> {
    const delivery = new OrderedDelivery(afterSeq, (after) => this.read(runId, after), onEvent);
    const listener = (e: RunEvent) => delivery.offer(e);
    this.emitter.on(runId, listener);
    const unsubscribe = () => {
      delivery.close();
      this.emitter.off(runId, listener);
    };
    return catchUpOrUnsubscribe(delivery, unsubscribe);
  }

  async close(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}
