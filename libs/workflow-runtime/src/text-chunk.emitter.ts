// Emits text_chunk events for what the stream coordinator streams.
import type { EventSink } from './ports';
import { isThenable } from './is-thenable';

/**
 * text_chunk events come from synchronous callbacks (an LLM's onChunk, the scheduler's hooks), so
 * their promises are collected and awaited before the next node_finished and before the run's end.
 */
export class ChunkEmitter {
  private pending: Array<Promise<void>> = [];

  /**
   * @param alreadySent text an earlier attempt of the run streamed: a resumed run streams its answers
   *   from the start again, and the part that matches this is not sent twice. Where the new text
   *   departs from it (an LLM call re-run after the crash answered differently), the rest is sent.
   */
  constructor(
    private readonly events: EventSink,
    private alreadySent = '',
  ) {}

  readonly write = (piece: string, selector: [string, string]): void => {
    let text = piece;
    if (this.alreadySent) {
      let same = 0;
      const max = Math.min(text.length, this.alreadySent.length);
      while (same < max && text.charCodeAt(same) === this.alreadySent.charCodeAt(same)) same++;
      this.alreadySent = same === text.length ? this.alreadySent.slice(same) : '';
      text = text.slice(same);
      if (text === '') return;
    }
    const result = this.events.emit({ event: 'text_chunk', data: { text, from_variable_selector: selector } });
    if (result && isThenable(result)) this.pending.push(result);
  };

  /** Resolves once every chunk emitted so far is stored. */
  async settle(): Promise<void> {
    while (this.pending.length > 0) await Promise.all(this.pending.splice(0));
  }
}
