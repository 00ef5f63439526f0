import { configureRootLogger } from '../logging/logger';
import { InMemoryUsageLog } from './memory.usage-log';

describe('InMemoryUsageLog (standalone stand-in)', () => {
  beforeAll(() => configureRootLogger({ service: 'test', level: 'silent' }));

  it('delivers once, redelivers what a consumer left unacknowledged after the idle time, and forgets acknowledged entries', async () => {
    let now = 1_000;
    const log = new InMemoryUsageLog(undefined, () => now);
    await log.complete('a#1', 'A');
    await log.complete('b#1', 'B');
    const first = await log.read('c1', 10, 0);
    expect(first.map((e) => e.data)).toEqual(['A', 'B']);
    expect(await log.read('c2', 10, 0)).toEqual([]);
    expect(await log.claim('c2', 500, 10)).toEqual([]);
    now += 600;
    const claimed = await log.claim('c2', 500, 10);
    expect(claimed.map((e) => e.data)).toEqual(['A', 'B']);
    await log.ack(claimed.map((e) => e.id));
    now += 600;
    expect(await log.claim('c3', 500, 10)).toEqual([]);
    expect(await log.backlog()).toBe(0);
  });

  it('wakes a waiting reader when an entry arrives, and returns empty after the block time', async () => {
    const log = new InMemoryUsageLog();
    expect(await log.read('c', 10, 10)).toEqual([]);
    const reading = log.read('c', 10, 10_000);
    await log.complete('x#1', 'X');
    expect((await reading).map((e) => e.data)).toEqual(['X']);
    await log.close();
  });

  it('reaps a stale intent once, never one with a fresh heartbeat, and stays within its bounds', async () => {
    const log = new InMemoryUsageLog({ maxEntries: 3, maxOpenIntents: 2 });
    await log.begin('old#1', 'i1', 1_000);
    await log.begin('busy#1', 'i2', 1_000);
    await log.progress('busy#1', 7, 5_000);
    expect((await log.stale(2_000, 10)).map((i) => i.key)).toEqual(['old#1']);
    expect(await log.reap('old#1', 'E', 2_000)).toBe(true);
    expect(await log.reap('old#1', 'E', 2_000)).toBe(false);
    expect(await log.reap('busy#1', 'E', 2_000)).toBe(false);
    await log.begin('c#1', 'i3', 6_000);
    await log.begin('d#1', 'i4', 6_000); // a third open intent: the oldest is forgotten
    expect((await log.stale(10_000, 10)).map((i) => i.key)).toEqual(['c#1', 'd#1']);
    for (const k of ['e', 'f', 'g']) await log.complete(`${k}#1`, k);
    expect(await log.backlog()).toBe(3); // E and e were appended first; E was dropped, the log is bounded
    expect((await log.read('c', 10, 0)).map((e) => e.data)).toEqual(['e', 'f', 'g']);
  });
});
