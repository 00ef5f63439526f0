// The usage log on Redis. Entries are a stream read by one consumer group (XREADGROUP … COUNT n
// BLOCK t), acknowledged and deleted after their batch commits (XACK + XDEL), and taken over
// from a consumer that died holding them (XAUTOCLAIM). Open intents are a sorted set by last
// seen time plus a hash of their JSON; opening one is one script, closing one and appending its
// entry another (atomic, one command each: on a connection with auto-pipelining, the intents and
// entries of calls made at the same moment share one write to Redis and one reply read).
//
// Why a stream rather than the job queue: one XADD per event instead of a BullMQ job (a hash,
// several list moves and Lua per job), reads of hundreds at once, and an acknowledgement only
// after the batch is committed, so a billing process killed mid-batch leaves its entries pending
// for another to claim, not lost and not half done.
import type { Redis } from 'ioredis';
import { assertRedisReady } from '../redis/redis';
import { TickBatch } from '../redis/tick-batch';
import type { OpenIntent, UsageLog, UsageLogEntry } from './usage-log';

const GROUP = 'billing';

export interface RedisUsageLogOptions {
  /** the stream's length cap (approximate): what may wait while billing is down */
  maxEntries: number;
}

export const DEFAULT_USAGE_LOG_MAX_ENTRIES = 5_000_000;

// Close an intent only if it is still open and still stale: exactly one reaper wins, and a
// heartbeat that arrived after the reaper looked keeps the intent open.
const REAP = `
local seen = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not seen or tonumber(seen) >= tonumber(ARGV[3]) then return 0 end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('HDEL', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[4], '*', 'd', ARGV[2])
return 1`;

// KEYS: open, intents. ARGV: per intent opened (the calls that began in one turn of the event
// loop, one command for all of them), its key, intent and now. One HSET and one ZADD for them all:
// a Redis command per intent was most of the script's cost.
const BEGIN = `
local fields, open = {}, {}
for i = 1, #ARGV, 3 do
  fields[#fields + 1] = ARGV[i]
  fields[#fields + 1] = ARGV[i + 1]
  open[#open + 1] = ARGV[i + 2]
  open[#open + 1] = ARGV[i]
end
redis.call('HSET', KEYS[2], unpack(fields))
redis.call('ZADD', KEYS[1], unpack(open))
return 1`;

// KEYS: open, intents, progress, stream. ARGV: max entries, then per intent closed (those of one
// turn of the event loop) its key and its entry ('' for none: nothing billable). Every entry is
// appended before any intent is closed: Redis does not undo a script's earlier writes when a later
// one fails (out of memory), and an intent left open is still reaped as an estimate. The intents
// are closed with one command per structure, not per intent.
const COMPLETE = `
local keys = {}
for i = 2, #ARGV, 2 do
  if ARGV[i + 1] ~= '' then redis.call('XADD', KEYS[4], 'MAXLEN', '~', ARGV[1], '*', 'd', ARGV[i + 1]) end
  keys[#keys + 1] = ARGV[i]
end
redis.call('ZREM', KEYS[1], unpack(keys))
redis.call('HDEL', KEYS[2], unpack(keys))
redis.call('HDEL', KEYS[3], unpack(keys))
return 1`;

// A heartbeat only for an intent still open: it never reopens one closed meanwhile.
const PROGRESS = `
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
return 1`;

type Scripts = {
  shoalIntentBegin(...args: Array<string | number>): Promise<number>;
  shoalIntentComplete(...args: Array<string | number>): Promise<number>;
  shoalReapIntent(...args: Array<string | number>): Promise<number>;
  shoalIntentProgress(...args: Array<string | number>): Promise<number>;
};

export class RedisUsageLog implements UsageLog {
  private readonly stream: string;
  private readonly open: string;
  private readonly intents: string;
  private readonly progressOf: string;
  // blocking reads get a connection per consumer, so they never hold up this process's other
  // commands, nor each other (a process runs a few consumers)
  private readonly blocking = new Map<string, Redis>();
  private groupReady: Promise<void> | undefined;
  // the intents opened, and closed, by calls in the same turn of the event loop: one script each
  private readonly begins: TickBatch<[string, string, number]>;
  private readonly completions: TickBatch<[string, string]>;

  constructor(
    private readonly redis: Redis,
    prefix: string,
    private readonly opts: RedisUsageLogOptions = { maxEntries: DEFAULT_USAGE_LOG_MAX_ENTRIES },
  ) {
    this.stream = `${prefix}usage:log`;
    this.open = `${prefix}usage:open`;
    this.intents = `${prefix}usage:intents`;
    this.progressOf = `${prefix}usage:progress`;
    this.redis.defineCommand('shoalIntentBegin', { numberOfKeys: 2, lua: BEGIN });
    this.redis.defineCommand('shoalIntentComplete', { numberOfKeys: 4, lua: COMPLETE });
    this.redis.defineCommand('shoalReapIntent', { numberOfKeys: 4, lua: REAP });
    this.redis.defineCommand('shoalIntentProgress', { numberOfKeys: 2, lua: PROGRESS });
    this.begins = new TickBatch((batch) => this.scripts().shoalIntentBegin(this.open, this.intents, ...batch.flat()));
    this.completions = new TickBatch((batch) =>
      this.scripts().shoalIntentComplete(this.open, this.intents, this.progressOf, this.stream, this.opts.maxEntries, ...batch.flat()),
    );
  }

  async begin(key: string, intent: string, now: number): Promise<void> {
    // the call is refused without its intent: while Redis is down, at once
    assertRedisReady(this.redis);
    await this.begins.add([key, intent, now]);
  }

  async progress(key: string, completionTokens: number, now: number): Promise<void> {
    await this.scripts().shoalIntentProgress(this.open, this.progressOf, key, completionTokens, now);
  }

  async complete(key: string, entry: string | null): Promise<void> {
    await this.completions.add([key, entry ?? '']);
  }

  async stale(before: number, limit: number): Promise<OpenIntent[]> {
    this.sendQueued();
    const flat = await this.redis.zrangebyscore(this.open, '-inf', `(${before}`, 'WITHSCORES', 'LIMIT', 0, limit);
    if (flat.length === 0) return [];
    const keys: string[] = [];
    const seen: number[] = [];
    for (let i = 0; i < flat.length; i += 2) {
      keys.push(flat[i]);
      seen.push(Number(flat[i + 1]));
    }
    const [intents, progress] = await Promise.all([this.redis.hmget(this.intents, ...keys), this.redis.hmget(this.progressOf, ...keys)]);
    const out: OpenIntent[] = [];
    keys.forEach((key, i) => {
      const intent = intents[i];
      // an intent closed between the two reads is no longer stale
      if (intent !== null) out.push({ key, intent, progress: Number(progress[i] ?? 0) || 0, seenAt: seen[i] });
    });
    return out;
  }

  async reap(key: string, entry: string, before: number): Promise<boolean> {
    this.sendQueued();
    const won = await this.scripts().shoalReapIntent(
      this.open,
      this.intents,
      this.progressOf,
      this.stream,
      key,
      entry,
      before,
      this.opts.maxEntries,
    );
    return won === 1;
  }

  async read(consumer: string, count: number, blockMs: number): Promise<UsageLogEntry[]> {
    this.sendQueued();
    await this.ensureGroup();
    type Reply = Array<[string, Array<[string, string[]]>]> | null;
    // BLOCK 0 would wait forever: a read that may not wait does not block at all
    if (blockMs <= 0)
      return entriesOf(
        ((await this.redis.xreadgroup('GROUP', GROUP, consumer, 'COUNT', count, 'STREAMS', this.stream, '>')) as Reply)?.[0]?.[1] ?? [],
      );
    let conn = this.blocking.get(consumer);
    if (!conn) {
      // one command at a time on it: nothing to pipeline, and a blocking read must not wait for a tick
      conn = this.redis.duplicate({ enableAutoPipelining: false });
      this.blocking.set(consumer, conn);
    }
    const res = (await conn.xreadgroup('GROUP', GROUP, consumer, 'COUNT', count, 'BLOCK', blockMs, 'STREAMS', this.stream, '>')) as Reply;
    return res ? entriesOf(res[0][1]) : [];
  }

  async claim(consumer: string, minIdleMs: number, count: number): Promise<UsageLogEntry[]> {
    this.sendQueued();
    await this.ensureGroup();
    const [, entries] = (await this.redis.xautoclaim(this.stream, GROUP, consumer, minIdleMs, '0-0', 'COUNT', count)) as [
      string,
      Array<[string, string[]] | null>,
    ];
    // an entry deleted while pending comes back as null: nothing to do for it
    return entriesOf(entries.filter((e): e is [string, string[]] => e !== null));
  }

  async ack(ids: ReadonlyArray<string>): Promise<void> {
    if (ids.length === 0) return;
    // deleted once acknowledged: the stream holds only what billing has not committed yet
    throwIfFailed(
      await this.redis
        .multi()
        .xack(this.stream, GROUP, ...ids)
        .xdel(this.stream, ...ids)
        .exec(),
    );
  }

  async backlog(): Promise<number> {
    this.sendQueued();
    return this.redis.xlen(this.stream);
  }

  async close(): Promise<void> {
    for (const conn of this.blocking.values()) conn.disconnect();
    this.blocking.clear();
  }

  /** What this process wrote (queued for the end of the turn) is sent ahead of a read, which then sees it. */
  private sendQueued(): void {
    this.begins.flush();
    this.completions.flush();
  }

  private scripts(): Scripts {
    return this.redis as unknown as Scripts;
  }

  private ensureGroup(): Promise<void> {
    this.groupReady ??= this.redis
      .xgroup('CREATE', this.stream, GROUP, '0', 'MKSTREAM')
      .then(() => undefined)
      .catch((err: unknown) => {
        if (err instanceof Error && err.message.includes('BUSYGROUP')) return;
        this.groupReady = undefined;
        throw err;
      });
    return this.groupReady;
  }
}

function entriesOf(raw: Array<[string, string[]]>): UsageLogEntry[] {
  const out: UsageLogEntry[] = [];
  for (const [id, fields] of raw) {
    const i = fields.indexOf('d');
    out.push({ id, data: i >= 0 ? (fields[i + 1] ?? '') : '' });
  }
  return out;
}

function throwIfFailed(res: Array<[Error | null, unknown]> | null): void {
  if (!res) throw new Error('the usage log transaction was aborted');
  for (const [err] of res) if (err) throw err;
}
