import { testRedisPrefix, testRedisUrl } from '@shoal/testing';
import { configureRootLogger } from '../logging/logger';
import { createRedis, type Redis } from '../redis/redis';
import { RedisUsageLog } from './redis.usage-log';

// the `int` project's testTimeout is not applied per project by Jest; a generous guard, not a speed claim
jest.setTimeout(30_000);

describe('RedisUsageLog (real Redis)', () => {
  const base = testRedisPrefix('usage-log');
  let redis: Redis;
  let n = 0;
  const logs: RedisUsageLog[] = [];

  function fresh(prefix = `${base}${++n}:`): RedisUsageLog {
    const log = new RedisUsageLog(redis, prefix);
    logs.push(log);
    return log;
  }

  beforeAll(() => {
    configureRootLogger({ service: 'test', level: 'silent' });
    redis = createRedis(testRedisUrl());
  });

  afterAll(async () => {
    await Promise.all(logs.map((l) => l.close()));
    const keys = await redis.keys(`${base}*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  it('delivers each entry to one consumer of the group, and not again once acknowledged', async () => {
    const log = fresh();
    for (let i = 1; i <= 5; i++) await log.complete(`call_${i}#1`, JSON.stringify({ i }));
    const a = await log.read('a', 3, 100);
    const b = await log.read('b', 10, 100);
    expect(a.map((e) => JSON.parse(e.data).i)).toEqual([1, 2, 3]);
    expect(b.map((e) => JSON.parse(e.data).i)).toEqual([4, 5]);
    await log.ack([...a, ...b].map((e) => e.id));
    expect(await log.read('a', 10, 50)).toEqual([]);
    expect(await log.claim('c', 0, 10)).toEqual([]);
    expect(await log.backlog()).toBe(0); // acknowledged entries are deleted, so the stream stays small
  });

  it('lets another consumer claim entries a dead consumer read but never acknowledged, once they are idle', async () => {
    const log = fresh();
    for (let i = 1; i <= 3; i++) await log.complete(`call_${i}#1`, JSON.stringify({ i }));
    const taken = await log.read('dead', 10, 100);
    expect(taken).toHaveLength(3);
    // not idle long enough yet: nobody may take them
    expect(await log.claim('alive', 60_000, 10)).toEqual([]);
    await new Promise((r) => setTimeout(r, 60));
    const claimed = await log.claim('alive', 50, 10);
    expect(claimed.map((e) => e.id)).toEqual(taken.map((e) => e.id));
    await log.ack(claimed.map((e) => e.id));
    await new Promise((r) => setTimeout(r, 60));
    expect(await log.claim('other', 50, 10)).toEqual([]);
  });

  it('waits for an entry up to the block time, and wakes as soon as one is written', async () => {
    const log = fresh();
    const empty = await log.read('a', 10, 50);
    expect(empty).toEqual([]);
    expect(await log.read('a', 10, 0)).toEqual([]); // 0: do not wait at all (Redis's BLOCK 0 would wait forever)
    const reading = log.read('a', 10, 10_000);
    await new Promise((r) => setTimeout(r, 50));
    await log.complete('late#1', '{"late":true}');
    expect((await reading).map((e) => e.data)).toEqual(['{"late":true}']);
  });

  it('closes an intent with its entry in one step, and an attempt that billed nothing without one', async () => {
    const log = fresh();
    await log.begin('call_a#1', '{"intent":1}', 1_000);
    await log.begin('call_b#1', '{"intent":2}', 1_000);
    expect((await log.stale(2_000, 10)).map((i) => i.key)).toEqual(['call_a#1', 'call_b#1']);
    await log.complete('call_a#1', '{"usage":1}');
    await log.complete('call_b#1', null);
    expect(await log.stale(2_000, 10)).toEqual([]);
    expect((await log.read('a', 10, 50)).map((e) => e.data)).toEqual(['{"usage":1}']);
  });

  it('keeps a call that sends heartbeats from being reaped, and records its progress', async () => {
    const log = fresh();
    await log.begin('long#1', '{}', 1_000);
    await log.progress('long#1', 42, 5_000);
    expect(await log.stale(2_000, 10)).toEqual([]);
    expect(await log.stale(6_000, 10)).toEqual([{ key: 'long#1', intent: '{}', progress: 42, seenAt: 5_000 }]);
    // a heartbeat after the call completed does not reopen it
    await log.complete('long#1', null);
    await log.progress('long#1', 43, 7_000);
    expect(await log.stale(8_000, 10)).toEqual([]);
  });

  it('closes a stale intent for exactly one of many concurrent reapers', async () => {
    const prefix = `${base}${++n}:`;
    const reapers = Array.from({ length: 6 }, () => fresh(prefix));
    for (let i = 0; i < 20; i++) await reapers[0].begin(`dead_${i}#1`, `{"i":${i}}`, 1_000);
    const wins = await Promise.all(
      reapers.flatMap((r, w) => Array.from({ length: 20 }, (_, i) => r.reap(`dead_${i}#1`, JSON.stringify({ i, by: w }), 2_000))),
    );
    expect(wins.filter(Boolean)).toHaveLength(20);
    const entries = await reapers[0].read('billing', 1000, 50);
    expect(entries).toHaveLength(20);
    expect(new Set(entries.map((e) => JSON.parse(e.data).i)).size).toBe(20);
    expect(await reapers[0].stale(Number.MAX_SAFE_INTEGER, 100)).toEqual([]);
  });

  it('does not reap an intent whose heartbeat arrived after the reaper looked', async () => {
    const log = fresh();
    await log.begin('alive#1', '{}', 1_000);
    const [seen] = await log.stale(2_000, 10);
    expect(seen.key).toBe('alive#1');
    await log.progress('alive#1', 5, 3_000);
    expect(await log.reap('alive#1', '{"estimated":true}', 2_000)).toBe(false);
    expect(await log.read('billing', 10, 50)).toEqual([]);
  });

  it('sends what concurrent calls open and close at the same moment as one write, on an auto-pipelined connection', async () => {
    const hot = createRedis(testRedisUrl(), { enableAutoPipelining: true });
    try {
      const log = new RedisUsageLog(hot, `${base}${++n}:`);
      // the first use of each script loads it (EVALSHA, then EVAL); counted from after that
      await log.begin('warm#1', '{}', Date.now());
      await log.complete('warm#1', '{}');
      const socket = (hot as unknown as { stream: { write: (...a: unknown[]) => boolean } }).stream;
      const write = socket.write.bind(socket);
      let writes = 0;
      socket.write = (...a: unknown[]) => {
        writes++;
        return write(...a);
      };
      await Promise.all(Array.from({ length: 20 }, (_, i) => log.begin(`call_${i}#1`, `{"i":${i}}`, Date.now())));
      expect(writes).toBe(1);
      writes = 0;
      await Promise.all(Array.from({ length: 20 }, (_, i) => log.complete(`call_${i}#1`, i % 2 ? `{"i":${i}}` : null)));
      expect(writes).toBe(1);
      // each call's effect is its own: ten entries appended (the others billed nothing), no intent left open
      expect(await log.backlog()).toBe(11);
      expect(await log.stale(Date.now() + 1, 100)).toEqual([]);
    } finally {
      await hot.quit();
    }
  });
});
