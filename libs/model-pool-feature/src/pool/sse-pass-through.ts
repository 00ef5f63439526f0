// Passes a provider's SSE stream through as it came, reading only what metering needs: the usage
// chunk and whether content was streamed. An event is parsed only when it carries a usage object;
// the others are copied (with the provider's model name swapped for the caller's alias by a plain
// string replacement, when the two differ).
import { StringDecoder } from 'node:string_decoder';

export interface SsePassThroughOptions {
  /** the alias the caller asked for: what the `model` field of every chunk says */
  alias: string;
  /** false: drop the usage-only chunk and strip usage from the others (the client did not ask for it) */
  clientWantsUsage: boolean;
  /** told the provider's usage object when it arrives; fields it returns are added to that chunk (a run call's cost) */
  onUsage?: (usage: unknown) => Record<string, unknown> | undefined;
}

/** far beyond any chat completion chunk: a provider that sends more without an event boundary is broken */
export const MAX_EVENT_BYTES = 8 * 1024 * 1024;

/** The provider's stream is not SSE this relay can pass on (an event without end, a data line that is not a JSON object). */
export class MalformedProviderStreamError extends Error {
  override readonly name = 'MalformedProviderStreamError';
  readonly code = 'upstream_stream_malformed';
  // classified as a server error: failover before the first event, an error event after it
  readonly status = 502;
}

const MODEL_FIELD = /"model"\s*:\s*("(?:[^"\\]|\\.)*")/;
const USAGE_OBJECT = /"usage"\s*:\s*\{/;
const CONTENT = /"(content|reasoning_content)"\s*:\s*"[^"]|"tool_calls"\s*:\s*\[/;
const FINISH = /"finish_reason"\s*:\s*"/;

export class SsePassThrough {
  private readonly decoder = new StringDecoder('utf8');
  private carry = '';
  private providerModel: string | undefined;
  private readonly aliasJson: string;
  /** the provider's usage object (as sent), from the chunk that carried one */
  usage: unknown = undefined;
  /** chunks that carried content: the completion's size in tokens, roughly, when no usage came */
  contentChunks = 0;
  sawDone = false;
  /** a chunk said why the answer ended (`finish_reason`): a stream that stops after it was complete */
  sawFinish = false;
  /** data events seen; until the first, SSE comments and blank events (keep-alives) are dropped */
  dataEvents = 0;

  constructor(private readonly opts: SsePassThroughOptions) {
    this.aliasJson = JSON.stringify(opts.alias);
  }

  /** Takes provider bytes; returns the bytes to send on (complete events only; a partial one waits for the rest). */
  push(chunk: Uint8Array): string {
    let text = this.carry + this.decoder.write(chunk as Buffer);
    if (text.includes('\r')) text = text.replace(/\r\n?/g, '\n');
    const last = text.lastIndexOf('\n\n');
    if (last < 0) {
      if (text.length > MAX_EVENT_BYTES)
        throw new MalformedProviderStreamError(`the provider sent more than ${MAX_EVENT_BYTES} bytes without an event boundary`);
      this.carry = text;
      return '';
    }
    this.carry = text.slice(last + 2);
    let out = '';
    for (const event of text.slice(0, last).split('\n\n')) {
      const kept = this.event(event);
      if (kept !== null) out += `${kept}\n\n`;
    }
    return out;
  }

  /** What is left when the provider's stream ended (an event without its blank line is still sent). */
  flush(): string {
    const rest = (this.carry + this.decoder.end()).replace(/\r\n?/g, '\n').trim();
    this.carry = '';
    if (!rest) return '';
    const kept = this.event(rest);
    return kept === null ? '' : `${kept}\n\n`;
  }

  private event(event: string): string | null {
    // comments, `event:` lines: as they came, once the answer has begun; before it they are the
    // keep-alives a provider sends while the request waits in its queue (DeepSeek's `: keep-alive`)
    if (!event.startsWith('data:')) return event.length && this.dataEvents > 0 ? event : null;
    const data = event.slice(5).trim();
    if (data === '[DONE]') {
      this.sawDone = true;
      return event;
    }
    // checked cheaply, not parsed: every chat completion chunk is one JSON object
    if (!data.startsWith('{') || !data.endsWith('}'))
      throw new MalformedProviderStreamError('the provider sent a data line that is not a JSON object');
    this.dataEvents++;
    if (CONTENT.test(data)) this.contentChunks++;
    if (!this.sawFinish && FINISH.test(data)) this.sawFinish = true;
    if (USAGE_OBJECT.test(data)) return this.usageEvent(data);
    return this.renamed(event);
  }

  // the one chunk (usually the last) that carries usage: parsed, since metering needs it
  private usageEvent(data: string): string | null {
    let chunk: Record<string, unknown>;
    try {
      chunk = JSON.parse(data) as Record<string, unknown>;
    } catch {
      return this.renamed(`data: ${data}`);
    }
    this.usage = chunk.usage;
    const extra = this.opts.onUsage?.(chunk.usage);
    if (extra && Object.keys(extra).length > 0) {
      // the one chunk re-serialised: it carries fields of Shoal's own
      Object.assign(chunk, extra);
      if (typeof chunk.model === 'string') chunk.model = this.opts.alias;
      if (!this.opts.clientWantsUsage) delete chunk.usage;
      return `data: ${JSON.stringify(chunk)}`;
    }
    if (this.opts.clientWantsUsage) return this.renamed(`data: ${data}`);
    const choices = chunk.choices;
    if (Array.isArray(choices) && choices.length === 0) return null;
    delete chunk.usage;
    if (typeof chunk.model === 'string') chunk.model = this.opts.alias;
    return `data: ${JSON.stringify(chunk)}`;
  }

  private renamed(event: string): string {
    if (this.providerModel === undefined) {
      const m = MODEL_FIELD.exec(event);
      if (!m) return event;
      this.providerModel = m[1];
    }
    if (this.providerModel === this.aliasJson) return event;
    return event.replace(MODEL_FIELD, (whole, value: string) => (value === this.providerModel ? `"model":${this.aliasJson}` : whole));
  }
}
