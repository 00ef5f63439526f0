// The Postgres wire protocol for one PGlite, on a Unix socket and to connections from inside the
// process (connectInProcess: the Prisma client's pool uses those): standalone's embedded database
// as Prisma and `pg` reach it. Written for Shoal rather than taken from pglite-socket for two reasons:
// every complete message a read brings goes to PGlite in one call and its answer back in one write
// (pglite-socket handed over each message alone and wrote each piece of output as it came: ~25 %
// of the database's CPU per run), and PGlite's extra ReadyForQuery after an error in an
// extended-protocol message is dropped (see withoutPrematureReadies), where pglite-socket passed it
// on and `pg` then gave every later statement on the connection the previous one's result.
import { createServer, type Server } from 'node:net';
import type { Duplex } from 'node:stream';
import { ConnectionEnd } from './in-process-connection';
import type { PGlite } from '@electric-sql/pglite';
import { PGliteProtocol } from './pglite-protocol';

// the startup packet's special request codes (in place of a protocol version)
const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;
// message types: frontend Terminate, Sync and Query; backend ErrorResponse and ReadyForQuery
const TERMINATE = 0x58; // 'X'
const SYNC = 0x53; // 'S'
const QUERY = 0x51; // 'Q'
const ERROR_RESPONSE = 0x45; // 'E'
const READY_FOR_QUERY = 0x5a; // 'Z'
const WAIT_FOR_TURN_MS = 10_000;
/**
 * An in-process connection's statements are answered without a turn of the event loop in between,
 * so a queue of them would hold up all I/O and timers until it drained (measured under load: event
 * loop delays of 40 ms at the median, 300 ms at p99): after this long of serving in a row, the next
 * read waits for a turn of the loop.
 */
const SERVE_SLICE_MS = 3;
/** A simple-protocol Query of ROLLBACK */
const ROLLBACK = simpleQuery('ROLLBACK');

/** What the server uses of a connection: a net.Socket, or an in-process ConnectionEnd */
interface Connection {
  readonly destroyed: boolean;
  write(data: Buffer | string): boolean;
  end(): unknown;
  end(data: string): unknown;
  destroy(): unknown;
  on(event: 'data', listener: (data: Buffer) => void): unknown;
  on(event: 'error' | 'close', listener: () => void): unknown;
}

interface Turn {
  /** serves what the connection has sent so far */
  pump(): void;
  /** while it waits for its turn */
  timer?: NodeJS.Timeout;
}

/**
 * Serves one PGlite over a Unix socket, one client connection at a time (PGlite is one Postgres
 * session: two connections would share its transaction state). A connection that arrives while
 * another is served waits its turn (a pool reconnecting may be a moment ahead of the old
 * connection's close), for WAIT_FOR_TURN_MS at most. Unlike pglite-socket, which hands PGlite each
 * protocol message on its own and writes each piece of output to the socket as it comes, every
 * complete message a read brings (a query's Parse, Bind, Describe, Execute and Sync, which `pg`
 * sends together) goes to PGlite in one call, and its answer goes back in one write.
 */
export class WireServer {
  private readonly server: Server;
  private readonly db: PGlite;
  private readonly protocol: PGliteProtocol;
  private readonly onConnectionFailed: (err: unknown) => void;
  private readonly sockets = new Set<Connection>();
  private active: Turn | undefined;
  private readonly waiting: Turn[] = [];
  /** PGlite's calls, one after another */
  private work: Promise<void> = Promise.resolve();
  private closing = false;
  private served = 0;
  /** when the current run of serving without a turn of the event loop began */
  private sliceStart: number | undefined;

  constructor(db: PGlite, onConnectionFailed: (err: unknown) => void) {
    this.db = db;
    this.protocol = new PGliteProtocol(db);
    this.onConnectionFailed = onConnectionFailed;
    this.server = createServer((socket) => this.accept(socket.setNoDelay(true)));
  }

  listen(socketPath: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(socketPath, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  /**
   * A connection from inside this process, for `pg`'s `stream` option: the same protocol, served in
   * the same turn with the socket's connections, without the socket. A statement and its answer cross
   * no system call and wait for no turn of the event loop: over the socket, the one connection stood
   * idle between an answer and the next statement while the loop served everything else (~580 ms a
   * second under load), and each crossing cost a write and a read in the kernel.
   */
  connectInProcess(): Duplex {
    const [client, server] = ConnectionEnd.pair();
    // what `pg` calls on a net.Socket besides writing, ending and its events
    const socket = Object.assign(client, {
      connect: () => {
        if (this.closing) process.nextTick(() => client.destroy(new Error('the embedded database is closing')));
        else {
          this.accept(server);
          process.nextTick(() => client.emit('connect'));
        }
        return client;
      },
      setNoDelay: () => client,
      setKeepAlive: () => client,
      ref: () => client,
      unref: () => client,
    });
    // `pg` types its stream option as a Duplex; it uses no more of one than the above
    return socket as unknown as Duplex;
  }

  /** How many times PGlite has been given statements to run (a batch: usually one statement, its Parse to Sync). */
  get batchesServed(): number {
    return this.served;
  }

  /** Stops accepting, closes every connection (a transaction left open is rolled back). */
  async close(): Promise<void> {
    this.closing = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
    await this.work;
    await this.rollbackLeftOver();
  }

  private accept(socket: Connection): void {
    this.sockets.add(socket);
    let pending: Buffer = Buffer.alloc(0);
    let started = false;
    const serve = (): void => {
      if (socket.destroyed || this.active !== turn) return;
      if (!started) {
        const startup = takeStartupPacket(pending);
        if (!startup) return;
        pending = pending.subarray(startup.length);
        const code = startup.readInt32BE(4);
        if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
          socket.write('N'); // not offered: the client goes on in the clear, on a socket only we can open
        } else if (code === CANCEL_REQUEST) {
          socket.destroy();
        } else {
          started = true;
          this.send(socket, this.protocol.startup(startup));
        }
        return;
      }
      const { batch, rest, terminate, readies } = takeMessages(pending);
      pending = rest;
      if (batch.length) {
        this.served++;
        this.send(socket, withoutPrematureReadies(this.protocol.exec(batch), readies));
      }
      if (terminate) {
        socket.end();
        this.release(turn);
      }
    };
    const turn: Turn = {
      pump: () => {
        // reads are answered in order: each waits for PGlite to be done with the last
        this.work = this.work
          .then(() => this.yieldWhenLong())
          .then(serve)
          .catch((err: unknown) => {
            socket.destroy();
            this.onConnectionFailed(err);
          });
      },
    };
    socket.on('data', (data: Buffer) => {
      pending = pending.length ? Buffer.concat([pending, data]) : data;
      if (this.active === turn) turn.pump();
    });
    socket.on('error', () => socket.destroy());
    socket.on('close', () => {
      this.sockets.delete(socket);
      this.release(turn);
    });
    if (!this.active) {
      this.active = turn;
      return;
    }
    turn.timer = setTimeout(() => {
      this.release(turn);
      socket.end('Too many connections\n');
    }, WAIT_FOR_TURN_MS).unref();
    this.waiting.push(turn);
  }

  /** Resolves at once, unless serving has gone on for SERVE_SLICE_MS without a turn of the event loop: then after one. */
  private yieldWhenLong(): Promise<void> | undefined {
    const now = performance.now();
    if (this.sliceStart === undefined) {
      this.sliceStart = now;
      setImmediate(() => (this.sliceStart = undefined)); // the loop has turned
      return undefined;
    }
    if (now - this.sliceStart < SERVE_SLICE_MS) return undefined;
    return new Promise((resolve) => setImmediate(resolve));
  }

  /** A connection is done (terminated, closed, or tired of waiting): the next waiting one is served. */
  private release(turn: Turn): void {
    clearTimeout(turn.timer);
    if (this.active !== turn) {
      const i = this.waiting.indexOf(turn);
      if (i >= 0) this.waiting.splice(i, 1);
      return;
    }
    this.active = undefined;
    this.work = this.work
      .then(() => this.rollbackLeftOver())
      .catch(this.onConnectionFailed)
      .then(() => {
        const next = this.waiting.shift();
        if (!next) return;
        clearTimeout(next.timer);
        this.active = next;
        next.pump(); // what it sent while it waited
      });
  }

  // PGlite's calls (pglite-protocol.ts) are synchronous, without execProtocolRaw's mutex and
  // filesystem sync: nothing else calls into PGlite meanwhile (its only user is this server, whose
  // calls are chained in `work`; close() waits for them), and its Node filesystem writes through, so
  // it has nothing to sync
  private send(socket: Connection, out: Buffer): void {
    if (out.length && !socket.destroyed) socket.write(out);
  }

  /** A client gone in the middle of a transaction leaves it open in PGlite's one session: roll it back. */
  private async rollbackLeftOver(): Promise<void> {
    if (!this.db.closed && this.db.isInTransaction()) this.protocol.exec(ROLLBACK);
  }
}

function simpleQuery(sql: string): Buffer {
  const text = Buffer.from(`${sql}\0`);
  const out = Buffer.alloc(5 + text.length);
  out[0] = QUERY;
  out.writeInt32BE(4 + text.length, 1);
  text.copy(out, 5);
  return out;
}

/** The startup packet (length, then protocol version or request code), once it has all arrived. */
function takeStartupPacket(buf: Buffer): Buffer | undefined {
  if (buf.length < 8) return undefined;
  const length = buf.readInt32BE(0);
  return buf.length >= length ? buf.subarray(0, length) : undefined;
}

/**
 * Every complete message at the head of `buf` (type byte, then length), up to a Terminate, and how
 * many ReadyForQuery answers they call for (one per Sync or simple Query).
 */
function takeMessages(buf: Buffer): { batch: Buffer; rest: Buffer; terminate: boolean; readies: number } {
  let end = 0;
  let readies = 0;
  while (buf.length - end >= 5) {
    if (buf[end] === TERMINATE) return { batch: buf.subarray(0, end), rest: Buffer.alloc(0), terminate: true, readies };
    const next = end + 1 + buf.readInt32BE(end + 1);
    if (next > buf.length) break;
    if (buf[end] === SYNC || buf[end] === QUERY) readies++;
    end = next;
  }
  return { batch: buf.subarray(0, end), rest: buf.subarray(end), terminate: false, readies };
}

/**
 * PGlite answers an error in an extended-protocol message with a ReadyForQuery at once, and then
 * another at the Sync (electric-sql/pglite#958). Postgres sends only the one at the Sync; `pg` takes
 * the extra one as the end of its next query, which then gets the answer meant for the one after,
 * and so on: every later statement on the connection would get another's result. Extra ones are
 * dropped: those right after an ErrorResponse first, then from the end.
 */
function withoutPrematureReadies(out: Buffer, expected: number): Buffer {
  const messages: Array<{ type: number; start: number; end: number }> = [];
  let readies = 0;
  for (let at = 0; at + 5 <= out.length;) {
    const end = at + 1 + out.readInt32BE(at + 1);
    messages.push({ type: out[at], start: at, end });
    if (out[at] === READY_FOR_QUERY) readies++;
    at = end;
  }
  let extra = readies - expected;
  if (extra <= 0) return out;
  const dropped = new Set<number>();
  for (let i = 1; i < messages.length && extra > 0; i++)
    if (messages[i].type === READY_FOR_QUERY && messages[i - 1].type === ERROR_RESPONSE) {
      dropped.add(i);
      extra--;
    }
  for (let i = messages.length - 1; i >= 0 && extra > 0; i--)
    if (messages[i].type === READY_FOR_QUERY && !dropped.has(i)) {
      dropped.add(i);
      extra--;
    }
  return Buffer.concat(messages.filter((_, i) => !dropped.has(i)).map((m) => out.subarray(m.start, m.end)));
}
