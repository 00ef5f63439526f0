// A connection between two parts of one process, for the wire server's in-process clients: each end
// has what `pg` uses of a net.Socket and what the wire server uses of one. Written rather than taken
// from node:stream's duplexPair, whose Readable and Writable machinery (buffering, backpressure
// callbacks, nextTick scheduling on every chunk) was ~6 % of standalone's busy CPU under load for
// bytes that only ever go straight to the other end: here a write is handed to the other end's
// 'data' listeners as it is made (what `pg` corks, Parse to Sync, goes as one chunk).
import { EventEmitter } from 'node:events';

export class ConnectionEnd extends EventEmitter {
  writable = true;
  destroyed = false;
  private peer!: ConnectionEnd;
  private corked: Buffer[] | undefined;
  private ended = false;

  /** Two ends, each delivering what it writes to the other. */
  static pair(): [ConnectionEnd, ConnectionEnd] {
    const a = new ConnectionEnd();
    const b = new ConnectionEnd();
    a.peer = b;
    b.peer = a;
    return [a, b];
  }

  write(data: Buffer | string, callback?: (err?: Error | null) => void): boolean {
    if (!this.writable) {
      if (callback) process.nextTick(callback, new Error('write after the connection ended'));
      return false;
    }
    const chunk = typeof data === 'string' ? Buffer.from(data) : data;
    if (this.corked) this.corked.push(chunk);
    else this.deliver(chunk);
    if (callback) process.nextTick(callback, null);
    return true;
  }

  cork(): void {
    this.corked ??= [];
  }

  uncork(): void {
    const chunks = this.corked;
    this.corked = undefined;
    if (chunks?.length) this.deliver(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks));
  }

  /** Nothing more from this end; the other ends too (as a net.Socket without allowHalfOpen), then both close. */
  end(data?: Buffer | string | (() => void), callback?: () => void): this {
    if (typeof data === 'function') [data, callback] = [undefined, data];
    if (data !== undefined) this.write(data);
    this.uncork();
    if (this.ended) return this;
    this.ended = true;
    this.writable = false;
    process.nextTick(() => {
      callback?.();
      if (this.peer.ended) {
        this.destroy();
        return;
      }
      this.peer.emit('end');
      this.peer.end();
    });
    return this;
  }

  /** Closes both ends at once: each emits 'close' (and this one `err`, when given). */
  destroy(err?: Error): this {
    if (this.destroyed) return this;
    this.destroyed = true;
    this.writable = false;
    this.corked = undefined;
    process.nextTick(() => {
      if (err) this.emit('error', err);
      this.emit('close');
    });
    this.peer.destroy();
    return this;
  }

  private deliver(chunk: Buffer): void {
    if (!this.peer.destroyed) this.peer.emit('data', chunk);
  }
}
