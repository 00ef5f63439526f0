// PGlite's wire-protocol entry point, for the wire server alone. PGlite's own (execProtocolRawSync)
// also parses every message Postgres writes into objects, for its query API, and keeps them: in a
// list that only its query API ever empties. Called for every statement the wire server relays, it
// spent ~9 % of standalone's busy CPU under load parsing answers nobody read, and its list grew by
// every message of every statement for the life of the process (~350 bytes a statement). This
// installs read and write callbacks of its own in PGlite's Postgres (as PGlite installs its own) and
// drives the same calls PGlite does: the bytes go in and come out untouched.
//
// Written for @electric-sql/pglite 0.4.6 (package.json pins it exactly): its Module's exports below
// are what its execProtocolRawSync and startup-packet handling call. Once this is attached, PGlite's
// own query API (query, exec, execProtocol*) must not be used: Postgres would read and write through
// these callbacks. close() still works (it sends Postgres nothing); the callbacks go with the module.
import type { PGlite } from '@electric-sql/pglite';

// keep in sync with PGlite's POSTGRES_MAIN_LONGJMP (pglitec.c): a database error's longjmp into main
const POSTGRES_MAIN_LONGJMP = 100;

type Module = PGlite['Module'] & { HEAPU8: Uint8Array };

const REQUIRED_EXPORTS = [
  'addFunction',
  '_pgl_set_rw_cbs',
  '_ProcessStartupPacket',
  '_pgl_getMyProcPort',
  '_pgl_sendConnData',
  '_pgl_pq_flush',
  '_pq_buffer_remaining_data',
  '_PostgresMainLoopOnce',
  '_PostgresMainLongJmp',
  '_PostgresSendReadyForQueryIfNecessary',
] as const;

export class PGliteProtocol {
  private readonly mod: Module;
  private input: Uint8Array = new Uint8Array(0);
  private inputAt = 0;
  private output: Buffer[] = [];

  constructor(db: PGlite) {
    this.mod = db.Module as Module;
    // another PGlite may name or shape these differently: stop at start, not at the first statement
    const missing = REQUIRED_EXPORTS.filter((name) => typeof (this.mod as unknown as Record<string, unknown>)[name] !== 'function');
    if (missing.length)
      throw new Error(`this PGlite lacks what the wire server calls (${missing.join(', ')}): pglite-protocol.ts is written for 0.4.6`);
    // Postgres asks for up to `max` bytes of input at `ptr`
    const read = this.mod.addFunction((ptr: number, max: number) => {
      const n = Math.min(max, this.input.length - this.inputAt);
      this.mod.HEAPU8.set(this.input.subarray(this.inputAt, this.inputAt + n), ptr);
      this.inputAt += n;
      return n;
    }, 'iii');
    // Postgres writes `length` bytes of output at `ptr` (a view of its memory: copied)
    const write = this.mod.addFunction((ptr: number, length: number) => {
      this.output.push(Buffer.from(this.mod.HEAPU8.subarray(ptr, ptr + length)));
      return length;
    }, 'iii');
    this.mod._pgl_set_rw_cbs(read, write);
  }

  /** The answer to a startup packet (authentication, parameters, ReadyForQuery). */
  startup(packet: Uint8Array): Buffer {
    this.begin(packet);
    try {
      if (this.mod._ProcessStartupPacket(this.mod._pgl_getMyProcPort(), true, true) !== 0)
        throw new Error('PGlite refused the startup packet');
      this.mod._pgl_sendConnData();
      this.mod._pgl_pq_flush();
      return this.end();
    } finally {
      this.input = new Uint8Array(0);
    }
  }

  /** Postgres' answer to complete protocol messages (never a Terminate, nor a startup packet). */
  exec(messages: Uint8Array): Buffer {
    this.begin(messages);
    const exitCode = process.exitCode;
    try {
      // one call runs one message at a time, so loop until Postgres has consumed them all
      while (this.inputAt < messages.length || this.mod._pq_buffer_remaining_data() > 0) {
        try {
          this.mod._PostgresMainLoopOnce();
        } catch (err) {
          // a database error: Postgres longjmps to main, which PGlite handles here, and goes on with
          // the next message (the error itself is in the output, as ErrorResponse); anything else is
          // Postgres' own message-level recovery too, as PGlite does
          if ((err as { status?: number }).status === POSTGRES_MAIN_LONGJMP) this.mod._PostgresMainLongJmp();
        }
      }
    } finally {
      this.mod._PostgresSendReadyForQueryIfNecessary();
      this.mod._pgl_pq_flush();
      // Postgres sets the exit code on errors it reports; the process's own is left as it was
      process.exitCode = exitCode;
      this.input = new Uint8Array(0);
    }
    return this.end();
  }

  private begin(input: Uint8Array): void {
    this.input = input;
    this.inputAt = 0;
    this.output = [];
  }

  private end(): Buffer {
    const out = this.output.length === 1 ? this.output[0] : Buffer.concat(this.output);
    this.output = [];
    return out;
  }
}
