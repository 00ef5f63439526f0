import type { Redis } from 'ioredis';
import type { RunEvent, RunEventBody } from '@shoal/contracts';
import { OrderedDelivery, catchUpOrUnsubscribe, type RunEventStore, type Unsubscribe } from './run-event-store';
import { createLogger } from '../logging/logger';

// INCR the run's sequence, XADD the event with the sequence as its stream id, PUBLISH it — atomically,
// so concurrent appenders (parallel branches, or a zombie worker) never reorder or lose an event.
const APPEND = `
local seq = redis.call('INCR', KEYS[2])
local ev = '{"workflow_run_id":' .. ARGV[1] .. ',"task_id":' .. ARGV[1] .. ',"sequence":' .. seq .. ',"timestamp":' .. ARGV[2] .. ',' .. string.sub(ARGV[3], 2)
redis.call('XADD', KEYS[1], seq .. '-0', 'e', ev)
redis.call('EXPIRE', KEYS[1], ARGV[4])
redis.call('EXPIRE', KEYS[2], ARGV[4])
redis.call('PUBLISH', KEYS[3], ev)
return ev`;

export class RedisRunEventStore implements RunEventStore {
  private readonly log = createLogger('RedisRunEventStore');
  private readonly listeners = new Map<string, Set<(e: RunEvent) => void>>();
  // per channel: resolves once Redis has acknowledged the SUBSCRIBE (every subscriber of the channel waits for it)
  private readonly subscribed = new Map<string, Promise<unknown>>();

  constructor(
    private readonly redis: Redis,
    private readonly subscriber: Redis,
    private readonly prefix: string,
    private readonly ttlSeconds = 24 * 3600,
  ) {
    this.redis.defineCommand('shoalAppendRunEvent', { numberOfKeys: 3, lua: APPEND });
    this.subscriber.on('message', (channel: string, message: string) => {
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
  }

  private keys(runId: string): [string, string, string] {
    return [`${this.prefix}run:${runId}:events`, `${this.prefix}run:${runId}:seq`, `${this.prefix}run-events:${runId}`];
  }

  async append(runId: string, body: RunEventBody): Promise<RunEvent> {
    const append = (this.redis as unknown as { shoalAppendRunEvent(...a: Array<string | number>): Promise<string> }).shoalAppendRunEvent;
    const json = await append.call(this.redis, ...this.keys(runId), JSON.stringify(runId), Date.now(), JSON.stringify(body), this.ttlSeconds);
    return JSON.parse(json) as RunEvent;
  }

  async read(runId: string, afterSeq = 0): Promise<RunEvent[]> {
    const entries = await this.redis.xrange(this.keys(runId)[0], `(${afterSeq}-0`, '+');
    return entries.map(([, fields]) => JSON.parse(fields[1]) as RunEvent);
  }

  async subscribe(runId: string, afterSeq: number, onEvent: (e: RunEvent) => void): Promise<Unsubscribe> {
    const channel = this.keys(runId)[2];
    const delivery = new OrderedDelivery(afterSeq, (after) => this.read(runId, after), onEvent);
    const listener = (e: RunEvent) => delivery.offer(e);
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
      throw err;
    }
    const unsubscribe = () => {
      delivery.close();
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

  async close(): Promise<void> {
    this.listeners.clear();
    this.subscribed.clear();
  }
}
