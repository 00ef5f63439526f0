// Emits text_chunk events for what the stream coordinator streams, and text_replace where a resumed
// run's text departs from what an earlier attempt already sent.
import { textReplaceOf, type RunEventBody } from '@shoal/contracts';
import type { EventSink } from './ports';
import { isThenable } from './is-thenable';

/**
 * text_chunk events come from synchronous callbacks (an LLM's onChunk, the scheduler's hooks), so
 * their promises are collected and awaited before the next node_finished and before the run's end.
 *
 * A resumed run streams its text from the start again, and its clients already hold what earlier
 * attempts sent (`alreadySent`). While the new text matches it, nothing is sent. Where it departs (an
 * LLM call re-run after the crash answered otherwise, as a real provider does), one text_replace
 * carries the whole text so far and ordinary chunks follow. At the run's end (`finish`), text the
 * earlier attempts sent past the end of the new text is taken back the same way. A client that joins
 * chunks and applies replaces (`applyStreamedText` in contracts) holds exactly the new text.
 */
export class ChunkEmitter {
  private pending: Array<Promise<void>> = [];
  /** What the clients hold from earlier attempts, while this attempt's text is still a prefix of it; null once not. */
  private held: string | null;
  /** How much of `held` this attempt has streamed again. */
  private matched = 0;

  constructor(
    private readonly events: EventSink,
    alreadySent = '',
  ) {
    this.held = alreadySent === '' ? null : alreadySent;
  }

  readonly write = (piece: string, selector: [string, string]): void => {
    if (this.held === null) return this.send({ event: 'text_chunk', data: { text: piece, from_variable_selector: selector } });
    const held = this.held;
    let same = 0;
    const max = Math.min(piece.length, held.length - this.matched);
    while (same < max && piece.charCodeAt(same) === held.charCodeAt(this.matched + same)) same++;
    if (same === piece.length) {
      this.matched += same;
      return;
    }
    this.held = null;
    if (this.matched + same === held.length) {
      // the new text goes on past everything sent before: the rest is an ordinary chunk
      this.send({ event: 'text_chunk', data: { text: piece.slice(same), from_variable_selector: selector } });
    } else {
      this.send(textReplaceOf(held.slice(0, this.matched) + piece));
    }
  };

  /** The run's text is complete: takes back what earlier attempts sent past its end, if anything. */
  finish(): void {
    if (this.held !== null && this.matched < this.held.length) this.send(textReplaceOf(this.held.slice(0, this.matched)));
    this.held = null;
  }

  /** Resolves once every event emitted so far is stored. */
  async settle(): Promise<void> {
    while (this.pending.length > 0) await Promise.all(this.pending.splice(0));
  }

  private send(body: RunEventBody): void {
    const result = this.events.emit(body);
    if (!result || !isThenable(result)) return;
    // a write that fails before settle() awaits it (the store is down while the node still streams)
    // must not be an unhandled rejection, which ends the process: marked handled here, it still
    // rejects settle(), which ends the node with the store's error
    result.then(undefined, () => undefined);
    this.pending.push(result);
  }
}
