// Emits text_chunk events for what the stream coordinator streams.
import type { EventSink } from './ports';
import { isThenable } from './is-thenable';

/**
 * text_chunk events come from synchronous callbacks (an LLM's onChunk, the scheduler's hooks), so
 * their promises are collected and awaited before the next node_finished and before the run's end.
 */
export class ChunkEmitter {
  private pending: Array<Promise<void>> = [];

  constructor(private readonly events: EventSink) {}

  readonly write = (text: string, selector: [string, string]): void => {
    const result = this.events.emit({ event: 'text_chunk', data: { text, from_variable_selector: selector } });
    if (result && isThenable(result)) this.pending.push(result);
  };

  /** Resolves once every chunk emitted so far is stored. */
  async settle(): Promise<void> {
    while (this.pending.length > 0) await Promise.all(this.pending.splice(0));
  }
}
