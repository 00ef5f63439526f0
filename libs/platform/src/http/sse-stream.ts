// A server-sent event response that honours backpressure: a reader that does not keep up is cut
// once its unread bytes pass a bound (or it stays behind for the stall timeout), instead of the
// process buffering for it without end. A cut reader reconnects (with Last-Event-ID where the
// stream has ids) and misses nothing that was stored.
import type { ServerResponse } from 'node:http';
import type { FastifyReply } from 'fastify';
import { createLogger } from '../logging/logger';

export interface SseLimits {
  /** bytes written but not yet taken by the reader, past which it is cut */
  maxBufferedBytes: number;
  /** how long a reader may stay behind (no drain) before it is cut */
  stallTimeoutMs: number;
  /** how often an open run stream sends Dify's `ping` event (10 s when omitted) */
  pingIntervalMs?: number;
}

export const DEFAULT_SSE_LIMITS: SseLimits = { maxBufferedBytes: 1024 * 1024, stallTimeoutMs: 30_000, pingIntervalMs: 10_000 };

/**
 * The reason the close signal aborts with: one shared error, since nothing reads it. Aborting
 * without a reason builds a DOMException, stack trace included, on every close: 18–65 µs a stream
 * in model-pool's profiles, 1.9–2.4 % of a streamed chat's CPU (bench/README.md, "Eleventh round").
 */
const READER_GONE = new DOMException('the event stream reader is gone', 'AbortError');

const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  connection: 'keep-alive',
  'x-accel-buffering': 'no',
};

export class SseStream {
  private static readonly log = createLogger('SseStream');
  private readonly closed = new AbortController();
  private behindSince: number | undefined;

  /** Takes over the reply and sends the 200 with SSE headers (plus `headers`). */
  static open(reply: FastifyReply, limits: SseLimits, headers: Record<string, string> = {}, status = 200): SseStream {
    reply.hijack();
    try {
      reply.raw.writeHead(status, { ...SSE_HEADERS, ...headers });
    } catch (err) {
      // the reply is no longer Fastify's to answer: a client left without a head would wait for
      // its socket's timeout, so the connection is closed (and the caller's finally cleans up)
      reply.raw.destroy();
      throw err;
    }
    return new SseStream(reply.raw, limits);
  }

  constructor(
    private readonly res: ServerResponse,
    private readonly limits: SseLimits,
  ) {
    res.once('close', () => this.closed.abort(READER_GONE));
  }

  /** Aborts when the reader is gone: it left, or it was cut. */
  get signal(): AbortSignal {
    return this.closed.signal;
  }

  /** Bytes written that the reader has not taken yet (in this process). */
  get buffered(): number {
    return this.res.writableLength;
  }

  /**
   * Writes `chunk` for a producer that cannot wait (events pushed to it). Returns false when the
   * stream is closed, or was just cut because the reader fell more than the bound behind.
   */
  write(chunk: string | Uint8Array): boolean {
    if (this.closed.signal.aborted || this.res.destroyed) return false;
    this.res.write(chunk);
    if (this.res.writableLength > this.limits.maxBufferedBytes) {
      this.cut('its unread bytes passed the bound');
      return false;
    }
    return true;
  }

  /**
   * Writes `chunk` and, when the reader is behind, waits for it to catch up before resolving (for a
   * producer that pulls: it then pulls no faster than the reader reads). Resolves false when the
   * stream closed or the reader was cut (behind for longer than the stall timeout).
   */
  async writeAndDrain(chunk: string | Uint8Array): Promise<boolean> {
    if (!this.write(chunk)) return false;
    if (!this.res.writableNeedDrain) return true;
    return new Promise<boolean>((resolve) => {
      const done = (ok: boolean) => {
        clearTimeout(timer);
        this.res.off('drain', onDrain);
        this.closed.signal.removeEventListener('abort', onClose);
        resolve(ok);
      };
      const onDrain = () => done(true);
      const onClose = () => done(false);
      const timer = setTimeout(() => {
        this.cut('it stayed behind for the stall timeout');
        done(false);
      }, this.limits.stallTimeoutMs);
      this.res.once('drain', onDrain);
      this.closed.signal.addEventListener('abort', onClose, { once: true });
    });
  }

  /** A keep-alive, skipped while the reader is behind; a reader behind for longer than the stall timeout is cut. */
  keepAlive(chunk: string): void {
    if (this.res.writableNeedDrain) {
      this.behindSince ??= Date.now();
      if (Date.now() - this.behindSince >= this.limits.stallTimeoutMs) this.cut('it stayed behind for the stall timeout');
      return;
    }
    this.behindSince = undefined;
    this.write(chunk);
  }

  end(): void {
    if (!this.res.destroyed && !this.res.writableEnded) this.res.end();
  }

  private cut(why: string): void {
    if (this.res.destroyed) return;
    SseStream.log.info({ buffered: this.res.writableLength, why }, 'cutting an event stream reader that fell behind');
    this.res.destroy();
  }
}
