// Emits text_chunk events from the LLM port's synchronous onChunk callback.
import type { EventSink } from './ports';
import { isThenable } from './is-thenable';

/**
 * text_chunk events come from a synchronous callback, so their promises are collected and awaited
 * before node_finished. Chunks after the node settled (a misbehaving adapter) are dropped.
 */
export class ChunkEmitter {
  private pending: Array<Promise<void>> = [];
  private closed = false;

  constructor(private readonly events: EventSink) {}

  readonly emit = (text: string, selector: [string, string]): void => {
    if (this.closed) return;
    const result = this.events.emit({ event: 'text_chunk', data: { text, from_variable_selector: selector } });
    if (result && isThenable(result)) this.pending.push(result);
  };

  async close(): Promise<void> {
    this.closed = true;
    if (this.pending.length > 0) await Promise.all(this.pending);
  }
}
