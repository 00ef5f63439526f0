// The in-process usage log's journal (standalone): every change to open intents and entries is
// appended to a file before the call it records goes on, so a process killed with calls in flight
// or entries not yet in the ledger loses none of them. The writes are synchronous appends to the
// page cache (they survive the process, not the machine): the records of one turn of the event loop
// (the calls that began or ended in it) in one write, each caller going on once it is written. (Made
// on libuv's thread pool instead, they cost the serving thread more than the write itself: measured,
// and not kept.) The file is rewritten from the live state once it grows past its bound, so its size
// follows what is open, not what ever happened.
//
// A record is one line of tab-separated fields, the intent's or entry's text last and as it is (it
// is JSON already: escaping it into a JSON line again cost more than the rest of the record). A
// record whose key or text holds a tab or a line break is written as a JSON line instead, and
// `read` takes both.
import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import { createLogger } from '../logging/logger';
import type { OpenIntent, UsageLogEntry } from './usage-log';

export type JournalRecord =
  | { t: 'b'; k: string; i: string; s: number }
  | { t: 'p'; k: string; n: number; s: number }
  | { t: 'c'; k: string; id?: string; d?: string }
  | { t: 'e'; id: string; d: string }
  | { t: 'a'; ids: string[] };

export interface JournalState {
  /** intents open when the journal ends: the process that opened them is gone */
  intents: OpenIntent[];
  /** entries appended and never acknowledged, oldest first */
  entries: UsageLogEntry[];
}

/** The journal is rewritten from the live state once it is this large. */
const DEFAULT_MAX_BYTES = 8 * 1024 * 1024;

/** Fields that a tab-separated line cannot carry as they are. */
const UNSAFE = /[\t\n]/;
const unsafe = (s: string) => UNSAFE.test(s);

/** The record as one line, newline included. */
export function lineOf(r: JournalRecord): string {
  switch (r.t) {
    case 'b':
      if (unsafe(r.k) || r.i.includes('\n')) break;
      return `b\t${r.k}\t${r.s}\t${r.i}\n`;
    case 'p':
      if (unsafe(r.k)) break;
      return `p\t${r.k}\t${r.n}\t${r.s}\n`;
    case 'c':
      if (unsafe(r.k)) break;
      if (r.id === undefined || r.d === undefined) return `c\t${r.k}\n`;
      if (unsafe(r.id) || r.d.includes('\n')) break;
      return `c\t${r.k}\t${r.id}\t${r.d}\n`;
    case 'e':
      if (unsafe(r.id) || r.d.includes('\n')) break;
      return `e\t${r.id}\t${r.d}\n`;
    case 'a':
      if (r.ids.some(unsafe)) break;
      return `a\t${r.ids.join('\t')}\n`;
  }
  return `${JSON.stringify(r)}\n`;
}

/** The record a whole line holds (without its newline); undefined for one that is not a record. */
export function recordOf(line: string): JournalRecord | undefined {
  if (line.startsWith('{')) {
    try {
      return JSON.parse(line) as JournalRecord;
    } catch {
      return undefined;
    }
  }
  // the first `n` tab-separated fields after the type, and the rest of the line (which may hold tabs)
  const fields = (n: number): string[] | undefined => {
    const out: string[] = [];
    let from = 2;
    for (let f = 0; f < n; f++) {
      const tab = line.indexOf('\t', from);
      if (tab < 0) return undefined;
      out.push(line.slice(from, tab));
      from = tab + 1;
    }
    out.push(line.slice(from));
    return out;
  };
  const num = (s: string) => (/^-?\d+$/.test(s) ? Number(s) : undefined);
  if (line[1] !== '\t') return undefined;
  switch (line[0]) {
    case 'b': {
      const f = fields(2);
      const s = f && num(f[1]);
      return f && s !== undefined ? { t: 'b', k: f[0], s, i: f[2] } : undefined;
    }
    case 'p': {
      const f = fields(2);
      const n = f && num(f[1]);
      const s = f && num(f[2]);
      return f && n !== undefined && s !== undefined ? { t: 'p', k: f[0], n, s } : undefined;
    }
    case 'c': {
      const f = fields(2);
      return f ? { t: 'c', k: f[0], id: f[1], d: f[2] } : { t: 'c', k: line.slice(2) };
    }
    case 'e': {
      const f = fields(1);
      return f ? { t: 'e', id: f[0], d: f[1] } : undefined;
    }
    case 'a':
      return { t: 'a', ids: line.slice(2).split('\t') };
  }
  return undefined;
}

export class UsageLogJournal {
  private readonly log = createLogger('UsageLogJournal');
  private fd: number;
  /** the file's size, and what is waiting to be written */
  private bytes: number;
  private buffered: string[] = [];
  private waiters: Array<{ resolve: () => void; reject: (err: unknown) => void }> = [];
  private scheduled = false;

  constructor(
    private readonly path: string,
    private readonly maxBytes = DEFAULT_MAX_BYTES,
  ) {
    this.fd = openSync(path, 'a', 0o600);
    this.bytes = statSync(path).size;
  }

  /** What the journal holds; a last line cut short by a crash (no newline after it) is ignored. */
  static read(path: string): JournalState {
    if (!existsSync(path)) return { intents: [], entries: [] };
    const intents = new Map<string, OpenIntent>();
    const entries = new Map<string, string>();
    const lines = readFileSync(path, 'utf8').split('\n');
    // the last piece is empty when the file ends with a newline, and cut short when it does not
    lines.pop();
    for (const line of lines) {
      const r = line ? recordOf(line) : undefined;
      switch (r?.t) {
        case 'b':
          intents.set(r.k, { key: r.k, intent: r.i, progress: 0, seenAt: r.s });
          break;
        case 'p': {
          const open = intents.get(r.k);
          if (open) Object.assign(open, { progress: r.n, seenAt: r.s });
          break;
        }
        case 'c':
          intents.delete(r.k);
          if (r.id !== undefined && r.d !== undefined) entries.set(r.id, r.d);
          break;
        case 'e':
          entries.set(r.id, r.d);
          break;
        case 'a':
          for (const id of r.ids) entries.delete(id);
          break;
      }
    }
    return { intents: [...intents.values()], entries: [...entries].map(([id, data]) => ({ id, data })) };
  }

  /** Resolves once the record is written (with the others of this turn); rejects if the write failed. */
  append(record: JournalRecord): Promise<void> {
    const line = lineOf(record);
    this.buffered.push(line);
    // characters, not bytes: the bound is a rough one, and the size is read back exactly at each rewrite
    this.bytes += line.length;
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Writes what was appended and not written yet, and settles its callers. */
  flush(): void {
    this.scheduled = false;
    if (this.buffered.length === 0) return;
    const text = this.buffered.length === 1 ? this.buffered[0] : this.buffered.join('');
    const waiters = this.waiters;
    this.buffered = [];
    this.waiters = [];
    try {
      writeSync(this.fd, text);
    } catch (err) {
      for (const w of waiters) w.reject(err);
      return;
    }
    for (const w of waiters) w.resolve();
  }

  /** True once the journal has grown past its bound: the owner should `rewrite` it. */
  get full(): boolean {
    return this.bytes > this.maxBytes;
  }

  /** Replaces the journal by the live state (written aside, flushed, then renamed over it). */
  rewrite(state: JournalState): void {
    // what is waiting goes to the old file first: its callers are waiting for it to be written
    this.flush();
    const aside = `${this.path}.next`;
    const fd = openSync(aside, 'w', 0o600);
    try {
      let text = '';
      for (const i of state.intents) {
        text += lineOf({ t: 'b', k: i.key, i: i.intent, s: i.seenAt });
        if (i.progress > 0) text += lineOf({ t: 'p', k: i.key, n: i.progress, s: i.seenAt });
      }
      for (const e of state.entries) text += lineOf({ t: 'e', id: e.id, d: e.data });
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(aside, this.path);
    closeSync(this.fd);
    this.fd = openSync(this.path, 'a', 0o600);
    this.bytes = statSync(this.path).size;
    this.log.debug({ bytes: this.bytes }, 'usage journal rewritten');
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}
