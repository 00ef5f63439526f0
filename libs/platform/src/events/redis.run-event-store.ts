import type { Redis } from 'ioredis';
import type { RunEvent, RunEventBody } from '@shoal/contracts';
import { DEFAULT_RUN_EVENT_LIMITS, boundRunEventJson, type RunEventLimits } from './run-event-limits';
import { OrderedDelivery, RunEventsFencedError, catchUpOrUnsubscribe, type RunEventStore, type Unsubscribe } from './run-event-store';
import { createLogger } from '../logging/logger';
import { RunEndWaits } from './run-end-waits';

// For each event (ARGV[9], ARGV[10], ...), in order: INCR the run's sequence, XADD the event with the
// sequence as its stream id, PUBLISH it — atomically, so concurrent appenders (parallel branches, or
// a zombie worker) never reorder or lose an event. A run's stored bytes are counted (KEYS[4]); past
// ARGV[4] an event is dropped, unless it is a final one (its flag in ARGV[7] is '1'), which also
// shortens the keys' lifetime to the finished TTL (ARGV[5]; else ARGV[3], as the last event stored
// says). A final one is also announced on KEYS[6], the channel every run's end is told on (a process
// waiting for many runs' ends listens there once instead of once per run): the run id (JSON), then,
// when the appender gave one (ARGV[8], else ''), a space and its end record (JSON; see append()).
// Answers each event's sequence number (false for one dropped), not the events back.
// With a fence (ARGV[6]), the events are appended only while it is the run's lease: KEYS[5] holds
// '<claim> <lease>' (see FENCE), so the lease is its suffix after a space (leases have none).
const APPEND = `
if ARGV[6] ~= '' then
  local cur = redis.call('GET', KEYS[5])
  if not cur or string.sub(cur, -string.len(ARGV[6]) - 1) ~= ' ' .. ARGV[6] then return 'fenced' end
end
local used = tonumber(redis.call('GET', KEYS[4]) or '0')
local max = tonumber(ARGV[4])
local ttl = false
local out = {}
for i = 9, #ARGV do
  local final = string.sub(ARGV[7], i - 8, i - 8) == '1'
  local size = string.len(ARGV[i]) + 120
  if not final and used + size > max then
    out[#out + 1] = false
  else
    local seq = redis.call('INCR', KEYS[2])
    local ev = '{"workflow_run_id":' .. ARGV[1] .. ',"task_id":' .. ARGV[1] .. ',"sequence":' .. seq .. ',"timestamp":' .. ARGV[2] .. ',' .. string.sub(ARGV[i], 2)
    redis.call('XADD', KEYS[1], seq .. '-0', 'e', ev)
    used = redis.call('INCRBY', KEYS[4], size)
    redis.call('PUBLISH', KEYS[3], ev)
    if final then
      if ARGV[8] ~= '' then
        redis.call('PUBLISH', KEYS[6], ARGV[1] .. ' ' .. ARGV[8])
      else
        redis.call('PUBLISH', KEYS[6], ARGV[1])
      end
      ttl = ARGV[5]
    else
      ttl = ARGV[3]
    end
    out[#out + 1] = seq
  end
end
if ttl then
  redis.call('EXPIRE', KEYS[1], ttl)
  redis.call('EXPIRE', KEYS[2], ttl)
  redis.call('EXPIRE', KEYS[4], ttl)
end
return out`;

// Makes ARGV[1] the run's lease (KEYS[1]) unless a later claim (ARGV[2], the run's attempt count
// at the claim) holds it already: a worker frozen between its claim and its fence must not take the
// stream back from the worker that claimed the run after it. 1 when fenced, 0 when refused.
const FENCE = `
local cur = redis.call('GET', KEYS[1])
if cur then
  local claim = tonumber(string.match(cur, '^(%d+) '))
  if claim and claim > tonumber(ARGV[2]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[2] .. ' ' .. ARGV[1], 'EX', ARGV[3])
return 1`;

/** A running run's keys live this long after its last event (a run whose worker died never finishes). */
const ACTIVE_TTL_SECONDS = 24 * 3600;
/**
 * After the subscriber lost Redis, what was published meanwhile is gone, and a run that ended then
 * sends nothing more that would reveal the gap: each subscription open across the reconnect reads
 * its stream every this often until it closes. Subscriptions that never saw a reconnect never poll.
 */
const RESYNC_EVERY_MS = 2000;
/**
 * A wait for a run's end also looks at the run's stream this often, in case its announcement never
 * came (sent while the subscriber was away, or by an engine from before the announcements). A
 * wait shorter than this never looks twice.
 */
const FINISHED_CHECK_EVERY_MS = 5000;

/**
 * The largest end record announced with a run's end. Every gateway process listens on the one
 * channel that announces every run's end, so a record there costs each of them its bytes (and Redis
 * one copy per subscriber, within its pub/sub output buffer limit): a larger one (big outputs) is
 * left out, and whoever waits for that run reads the row instead.
 */
export const MAX_ANNOUNCED_END_CHARS = 4096;

export class RedisRunEventStore implements RunEventStore {
  private readonly log = createLogger('RedisRunEventStore');
  private readonly listeners = new Map<string, Set<(e: RunEvent) => void>>();
  // per channel: resolves once Redis has acknowledged the SUBSCRIBE (every subscriber of the channel waits for it)
  private readonly subscribed = new Map<string, Promise<unknown>>();
  // every open subscription's catch-up, started polling by a reconnect
  private readonly resyncs = new Set<{ start(): void }>();
  private connectedOnce = false;
  // whenFinished(): the waits per run, and the one subscription to the channel that announces runs' ends
  private readonly finishedWaits = new RunEndWaits(this.log);
  private finishedSubscription: Promise<unknown> | undefined;
  private readonly finishedChannel: string;

  constructor(
    private readonly redis: Redis,
    private readonly subscriber: Redis,
    private readonly prefix: string,
    private readonly limits: RunEventLimits = DEFAULT_RUN_EVENT_LIMITS,
  ) {
    this.finishedChannel = `${prefix}run-events-finished`;
    this.redis.defineCommand('shoalAppendRunEvent', { numberOfKeys: 6, lua: APPEND });
    this.redis.defineCommand('shoalFenceRunEvents', { numberOfKeys: 1, lua: FENCE });
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.finishedChannel) return this.announced(message);
      const set = this.listeners.get(channel);
      if (!set) return;
      let e: RunEvent;
      try {
        e = JSON.parse(message) as RunEvent;
      } catch (err) {
        this.log.error({ err, channel }, 'unparseable run event');
        return;
      }
      for (const l of set) l(e);
    });
    this.subscriber.on('ready', () => {
      if (!this.connectedOnce) {
        this.connectedOnce = true;
        return;
      }
      this.log.warn({ subscriptions: this.resyncs.size }, 'reconnected to Redis: catching up on run events that may have been missed');
      // ioredis subscribes again by itself; asking again is harmless and does not rely on it
      for (const channel of this.listeners.keys())
        this.subscriber.subscribe(channel).catch((err: unknown) => this.log.warn({ err, channel }, 'could not subscribe again'));
      for (const r of this.resyncs) r.start();
      if (this.finishedSubscription) {
        this.subscriber.subscribe(this.finishedChannel).catch((err: unknown) => this.log.warn({ err }, 'could not subscribe again'));
        for (const runId of this.finishedWaits.runIds()) this.checkFinished(runId);
      }
    });
  }

  private keys(runId: string): [string, string, string, string] {
    return [
      `${this.prefix}run:${runId}:events`,
      `${this.prefix}run:${runId}:seq`,
      `${this.prefix}run-events:${runId}`,
      `${this.prefix}run:${runId}:bytes`,
    ];
  }

  async fence(runId: string, lease: string, claim: number): Promise<void> {
    const fence = (this.redis as unknown as { shoalFenceRunEvents(...a: Array<string | number>): Promise<number> }).shoalFenceRunEvents;
    const took = await fence.call(this.redis, this.leaseKey(runId), lease, claim, ACTIVE_TTL_SECONDS);
    if (took !== 1) throw new RunEventsFencedError(runId);
  }

  private leaseKey(runId: string): string {
    return `${this.prefix}run:${runId}:lease`;
  }

  async append(runId: string, body: RunEventBody, fence?: string, endRecord?: string): Promise<RunEvent | undefined> {
    return (await this.appendAll(runId, [body], fence, endRecord))[0];
  }

  async appendAll(runId: string, raws: readonly RunEventBody[], fence?: string, endRecord?: string): Promise<Array<RunEvent | undefined>> {
    if (raws.length === 0) return [];
    const bounded = raws.map((raw) => boundRunEventJson(raw, this.limits.fieldMaxBytes));
    const append = (this.redis as unknown as { shoalAppendRunEvent(...a: Array<string | number>): Promise<Array<number | null> | string> })
      .shoalAppendRunEvent;
    const timestamp = Date.now();
    const seqs = await append.call(
      this.redis,
      ...this.keys(runId),
      this.leaseKey(runId),
      this.finishedChannel,
      JSON.stringify(runId),
      timestamp,
      ACTIVE_TTL_SECONDS,
      this.limits.maxBytesPerRun,
      this.limits.finishedTtlSeconds,
      fence ?? '',
      bounded.map(({ body }) => (body.event === 'workflow_finished' ? '1' : '0')).join(''),
      endRecord !== undefined && endRecord.length <= MAX_ANNOUNCED_END_CHARS ? endRecord : '',
      ...bounded.map(({ json }) => json),
    );
    if (seqs === 'fenced') throw new RunEventsFencedError(runId);
    // what the script stored, built here rather than sent back and parsed
    return bounded.map(({ body }, i) => {
      const seq = (seqs as Array<number | null>)[i];
      return seq === null || seq === undefined
        ? undefined
        : ({ ...body, workflow_run_id: runId, task_id: runId, sequence: Number(seq), timestamp } as RunEvent);
    });
  }

  async lastSequence(runId: string): Promise<number> {
    // the stream, not the counter: a counter may outlive its events by nothing, but the stream is what replays read
    const last = await this.redis.xrevrange(this.keys(runId)[0], '+', '-', 'COUNT', 1);
    return last.length ? Number(last[0][0].split('-')[0]) : 0;
  }

  async read(runId: string, afterSeq = 0): Promise<RunEvent[]> {
    const entries = await this.redis.xrange(this.keys(runId)[0], `(${afterSeq}-0`, '+');
    return entries.map(([, fields]) => JSON.parse(fields[1]) as RunEvent);
  }

  async subscribe(runId: string, afterSeq: number, onEvent: (e: RunEvent) => void): Promise<Unsubscribe> {
    const channel = this.keys(runId)[2];
    const delivery = new OrderedDelivery(afterSeq, (after) => this.read(runId, after), onEvent);
    const listener = (e: RunEvent) => delivery.offer(e);
    let poll: NodeJS.Timeout | undefined;
    const resync = {
      start: () => {
        void delivery.catchUp().catch(() => undefined);
        poll ??= setInterval(() => void delivery.catchUp().catch(() => undefined), RESYNC_EVERY_MS);
        poll.unref();
      },
    };
    this.resyncs.add(resync);
    let set = this.listeners.get(channel);
    if (!set) {
      set = new Set();
      this.listeners.set(channel, set);
      this.subscribed.set(channel, this.subscriber.subscribe(channel));
    }
    set.add(listener);
    try {
      await this.subscribed.get(channel);
    } catch (err) {
      set.delete(listener);
      this.resyncs.delete(resync);
      clearInterval(poll);
      throw err;
    }
    const unsubscribe = () => {
      delivery.close();
      clearInterval(poll);
      this.resyncs.delete(resync);
      const s = this.listeners.get(channel);
      if (!s) return;
      s.delete(listener);
      if (s.size === 0) {
        this.listeners.delete(channel);
        this.subscribed.delete(channel);
        this.subscriber.unsubscribe(channel).catch((err: unknown) => this.log.warn({ err }, 'unsubscribe failed'));
      }
    };
    // subscribed first, then read the backlog: nothing can fall between the two
    return catchUpOrUnsubscribe(delivery, unsubscribe);
  }

  async whenFinished(runId: string, signal: AbortSignal): Promise<unknown> {
    if (signal.aborted) return undefined;
    const wait = this.finishedWaits.open(runId, signal);
    let check: NodeJS.Timeout | undefined;
    try {
      // subscribed first, then look: a run that ended before is seen here, one that ends after is announced
      this.finishedSubscription ??= this.subscriber.subscribe(this.finishedChannel).catch((err: unknown) => {
        this.finishedSubscription = undefined;
        throw err;
      });
      await this.finishedSubscription;
      if (await this.hasFinished(runId)) return undefined;
      check = setInterval(() => this.checkFinished(runId), FINISHED_CHECK_EVERY_MS);
      check.unref();
      return await wait.ended;
    } finally {
      clearInterval(check);
      wait.release();
    }
  }

  /** Whether the run's last stored event is its workflow_finished (nothing follows it). */
  private async hasFinished(runId: string): Promise<boolean> {
    const last = await this.redis.xrevrange(this.keys(runId)[0], '+', '-', 'COUNT', 1);
    return last.length > 0 && (JSON.parse(last[0][1][1]) as RunEvent).event === 'workflow_finished';
  }

  private checkFinished(runId: string): void {
    this.hasFinished(runId).then(
      (yes) => yes && this.announced(JSON.stringify(runId)),
      (err: unknown) => this.log.warn({ err, runId }, 'could not look for the end of a run'),
    );
  }

  /**
   * A run's end was announced (its id as JSON, then maybe a space and its end record as JSON): every
   * wait for it ends, with the record when there is one. The record is parsed only for a run waited for.
   */
  private announced(message: string): void {
    const space = message.indexOf(' ');
    let runId: string;
    try {
      runId = JSON.parse(space < 0 ? message : message.slice(0, space)) as string;
    } catch (err) {
      this.log.error({ err }, 'unparseable run end announcement');
      return;
    }
    this.finishedWaits.end(runId, space < 0 ? undefined : message.slice(space + 1));
  }

  async close(): Promise<void> {
    this.listeners.clear();
    this.subscribed.clear();
    this.finishedWaits.clear();
  }
}
