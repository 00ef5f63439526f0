// Passes a provider's SSE stream through as it came, reading only what metering needs: the usage
// chunk and whether content was streamed. An event is parsed only when it carries a usage object
// (or, in JSON mode, while the answer has not begun: whether its content is only whitespace); the
// others are copied (with the provider's model name swapped for the caller's alias by a plain
// string replacement, when the two differ).
import { StringDecoder } from 'node:string_decoder';

export interface SsePassThroughOptions {
  /** the alias the caller asked for: what the `model` field of every chunk says */
  alias: string;
  /** false: drop the usage-only chunk and strip usage from the others (the client did not ask for it) */
  clientWantsUsage: boolean;
  /** told the provider's usage object when it arrives; fields it returns are added to that chunk (a run call's cost) */
  onUsage?: (usage: unknown) => Record<string, unknown> | undefined;
  /**
   * the request is in JSON mode (`response_format: json_object`): content that is only whitespace
   * does not begin the answer (DeepSeek may answer JSON mode blank); `reset()` sets it per provider stream
   */
  jsonMode?: boolean;
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
  private decoder = new StringDecoder('utf8');
  private carry = '';
  private providerModel: string | undefined;
  private readonly aliasJson: string;
  private json: boolean;
  /** the provider's usage object (as sent), from the chunk that carried one */
  usage: unknown = undefined;
  /** chunks that carried content: the completion's size in tokens, roughly, when no usage came */
  contentChunks = 0;
  /**
   * a chunk carried the answer's first content (text, reasoning or a tool call; in JSON mode text
   * that is not only whitespace): until then the stream may be held back, and failover is possible
   */
  answerBegun = false;
  sawDone = false;
  /** a chunk said why the answer ended (`finish_reason`): a stream that stops after it was complete */
  sawFinish = false;
  /** data events seen; until the first, SSE comments and blank events (keep-alives) are dropped */
  dataEvents = 0;

  constructor(private readonly opts: SsePassThroughOptions) {
    this.aliasJson = JSON.stringify(opts.alias);
    this.json = opts.jsonMode ?? false;
  }

  /** the stream answers a JSON-mode request (whitespace-only content does not begin the answer) */
  get jsonMode(): boolean {
    return this.json;
  }

  /**
   * Forgets everything read, for another provider stream of the same call (the next attempt after a
   * failover, or a blank JSON-mode answer asked again): nothing of the last one carries over.
   */
  reset({ jsonMode }: { jsonMode: boolean }): void {
    this.decoder = new StringDecoder('utf8');
    this.carry = '';
    this.providerModel = undefined;
    this.json = jsonMode;
    this.usage = undefined;
    this.contentChunks = 0;
    this.answerBegun = false;
    this.sawDone = false;
    this.sawFinish = false;
    this.dataEvents = 0;
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
    if (CONTENT.test(data)) {
      this.contentChunks++;
      // the regex alone outside JSON mode and once the answer has begun: the hot path parses nothing
      if (!this.answerBegun) this.answerBegun = !this.json || !isBlankDelta(data);
    }
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

/**
 * True when a chunk's deltas carry no content but whitespace, no reasoning and no tool call: held
 * back in JSON mode. A chunk that does not parse is not called blank (it passes on as it did).
 */
function isBlankDelta(data: string): boolean {
  let chunk: unknown;
  try {
    chunk = JSON.parse(data);
  } catch {
    return false;
  }
  const choices = isRecord(chunk) ? chunk.choices : undefined;
  if (!Array.isArray(choices)) return true;
  return choices.every((choice: unknown) => {
    const delta = isRecord(choice) ? choice.delta : undefined;
    if (!isRecord(delta)) return true;
    const { content, reasoning_content: reasoning, tool_calls: toolCalls } = delta;
    if (typeof content === 'string' && content.trim() !== '') return false;
    if (typeof reasoning === 'string' && reasoning !== '') return false;
    return !(Array.isArray(toolCalls) && toolCalls.length > 0);
  });
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
