// Time limits on a provider's stream, and the error event that ends a stream broken after its first
// byte. Before the first content token: a TTFT limit that fails over (keep-alive lines do not count).
// After it: a stall limit between two reads, and one OpenAI-format error event for every way the
// stream can break, then the end of the stream (never a `[DONE]`).

import type { SsePassThrough } from './sse-pass-through';

export const DEFAULT_TTFT_TIMEOUT_MS = 30_000;
export const DEFAULT_STALL_TIMEOUT_MS = 60_000;

/** No content token within the TTFT limit. Named `TimeoutError`: classified as a timeout, so it fails over. */
export class TtftTimeoutError extends Error {
  override readonly name = 'TimeoutError';
  readonly code = 'ttft_timeout';
  constructor(readonly timeoutMs: number) {
    super(`no content token within ${timeoutMs} ms`);
  }
}

/** Nothing from the provider for longer than the stall limit, after the first token. */
export class StreamStalledError extends Error {
  override readonly name = 'TimeoutError';
  readonly code = 'upstream_stream_stalled';
  constructor(readonly timeoutMs: number) {
    super(`the provider sent nothing for ${timeoutMs} ms`);
  }
}

/** The provider's stream ended (cleanly, to the socket) without `[DONE]` or a finish reason. */
export class StreamCutError extends Error {
  override readonly name = 'StreamCutError';
  readonly code = 'upstream_stream_interrupted';
  constructor() {
    super('the provider closed the stream before the answer was complete');
  }
}

/** Before the first content token: role-only chunks held back (failover still possible), at most this much. */
const MAX_HELD_BYTES = 1024 * 1024;

/** A provider stream read up to its first content token. */
export interface StreamStart {
  /** what to send the client first: the chunks held back, up to and including the first content token */
  held: string;
  /**
   * the stream ended, complete, with nothing but blank content: a JSON-mode answer DeepSeek may
   * give, asked once more. Never set outside JSON mode (an empty answer passes on as it came).
   */
  blankJsonAnswer: boolean;
}

/**
 * Reads the provider's stream up to its first content token and returns what to send the client
 * first. Until then failover is still possible: role-only chunks are held back, keep-alive lines
 * dropped (they are not an answer); in JSON mode whitespace-only content is held back too. A stream
 * that ends before any content without saying it is done (`[DONE]`, a finish reason) was cut.
 */
export async function readToFirstContent(upstream: AsyncIterator<Uint8Array>, sse: SsePassThrough): Promise<StreamStart> {
  let held = '';
  while (!sse.answerBegun && held.length < MAX_HELD_BYTES) {
    const next = await upstream.next();
    if (next.done) {
      held += sse.flush();
      if (!sse.sawDone && !sse.sawFinish) throw new StreamCutError();
      return { held, blankJsonAnswer: sse.jsonMode && !sse.answerBegun };
    }
    held += sse.push(next.value);
  }
  return { held, blankJsonAnswer: false };
}

/** The next read of `it`, or `onTimeout()` thrown if it takes longer than `ms`. */
export async function nextWithin<T>(it: AsyncIterator<T>, ms: number, onTimeout: () => Error): Promise<IteratorResult<T>> {
  let timer: NodeJS.Timeout | undefined;
  const read = it.next();
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms);
  });
  read.catch(() => undefined); // a read abandoned for the timeout may fail later: nobody waits for it
  try {
    return await Promise.race([read, late]);
  } finally {
    clearTimeout(timer);
  }
}

const MESSAGES: Record<string, string> = {
  upstream_stream_interrupted: 'The upstream stream was interrupted before the answer was complete',
  upstream_stream_stalled: 'The upstream stream stalled: nothing arrived within the stall timeout',
  upstream_stream_malformed: 'The upstream stream sent a malformed chunk',
};

/** The code of the error event for what broke the stream. */
export function streamErrorCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code in MESSAGES ? code : 'upstream_stream_interrupted';
}

/**
 * The one event that ends a stream broken after its first byte: OpenAI's error object (what the
 * SDK raises as APIError), with a run call's cost inside when there is one.
 */
export function streamErrorEvent(code: string, cost: object): string {
  const message = MESSAGES[code] ?? MESSAGES.upstream_stream_interrupted;
  return `data: ${JSON.stringify({ error: { message, type: 'api_error', param: null, code, ...cost } })}\n\n`;
}
