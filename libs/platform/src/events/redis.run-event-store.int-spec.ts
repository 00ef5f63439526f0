import net from 'node:net';
import type { RunEvent, RunEventBody } from '@shoal/contracts';
import { testRedisPrefix, testRedisUrl } from '@shoal/testing';
import { configureRootLogger } from '../logging/logger';
import { createRedis, type Redis } from '../redis/redis';
import { MAX_ANNOUNCED_END_CHARS, RedisRunEventStore } from './redis.run-event-store';
import { DEFAULT_RUN_EVENT_LIMITS } from './run-event-limits';
import { RunEventsFencedError } from './run-event-store';

const chunk = (text: string): RunEventBody => ({ event: 'text_chunk', data: { text, from_variable_selector: ['llm', 'text'] } });
const finished = (runId: string): RunEventBody => ({
  event: 'workflow_finished',
  data: {
    id: runId,
    workflow_id: 'wf_1',
    status: 'succeeded',
    outputs: { answer: 'ok "quoted" \u00e9\u{1F600}' },
    error: null,
    elapsed_time: 0.5,
    total_tokens: 13,
    total_steps: 3,
    created_at: 1,
    finished_at: 2,
  },
});
const text = (e: RunEvent) => (e.event === 'text_chunk' ? e.data.text : e.event);

/** Resolves when the subscriber has seen `sequence`; rejects (as a guard only) if it never does. */
function collector(target: number, guardMs = 20_000) {
  const got: RunEvent[] = [];
  let done!: () => void;
  const reached = new Promise<void>((resolve, reject) => {
    done = resolve;
    setTimeout(
      () => reject(new Error(`never saw sequence ${target}; got ${got.length} events, last ${got.at(-1)?.sequence}`)),
      guardMs,
    ).unref();
  });
  const onEvent = (e: RunEvent) => {
    got.push(e);
    if (e.sequence === target) done();
  };
  return { got, onEvent, reached };
}

/** A TCP proxy to Redis whose client-to-server direction can be held, to order commands across connections. */
async function holdableProxy(target: URL) {
  let holding = false;
  const held: Array<() => void> = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 6379), target.hostname);
    sockets.add(client).add(upstream);
    client.on('data', (chunk) => (holding ? held.push(() => upstream.write(chunk)) : upstream.write(chunk)));
    upstream.on('data', (chunk) => client.write(chunk));
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `redis://127.0.0.1:${port}`,
    hold: () => {
      holding = true;
    },
    release: () => {
      holding = false;
      held.splice(0).forEach((f) => f());
    },
    close: () =>
      new Promise<void>((r) => {
        sockets.forEach((s) => s.destroy());
        server.close(() => r());
      }),
  };
}

// the `int` project's testTimeout is not applied per project by Jest; a generous guard, not a speed claim
jest.setTimeout(30_000);

describe('RedisRunEventStore (real Redis)', () => {
  const prefix = testRedisPrefix('run-events');
  let redis: Redis;
  let subscriber: Redis;
  let store: RedisRunEventStore;
  let runN = 0;
  const newRun = () => `run_${++runN}_${Math.random().toString(36).slice(2, 8)}`;

  beforeAll(async () => {
    configureRootLogger({ service: 'test', level: 'silent' });
    redis = createRedis(testRedisUrl());
    subscriber = createRedis(testRedisUrl());
    store = new RedisRunEventStore(redis, subscriber, prefix, { ...DEFAULT_RUN_EVENT_LIMITS, finishedTtlSeconds: 600 });
    await Promise.all([redis.ping(), subscriber.ping()]);
  });

  afterAll(async () => {
    await store.close();
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    if (keys.length) await redis.del(...keys);
    await Promise.allSettled([redis.quit(), subscriber.quit()]);
  });

  it("fences appends: once another lease is the run's, the old one appends nothing; unfenced appends still go", async () => {
    const runId = 'run_fence';
    await store.fence(runId, 'host:1:lease-a', 1);
    expect(await store.append(runId, chunk('a1'), 'host:1:lease-a')).toMatchObject({ sequence: 1 });
    await store.fence(runId, 'host:2:lease-b', 2);
    await expect(store.append(runId, chunk('a2'), 'host:1:lease-a')).rejects.toBeInstanceOf(RunEventsFencedError);
    // a lease that is only a suffix of the current one is not it
    await expect(store.append(runId, chunk('a3'), 'lease-b')).rejects.toBeInstanceOf(RunEventsFencedError);
    expect(await store.append(runId, chunk('b1'), 'host:2:lease-b')).toMatchObject({ sequence: 2 });
    expect(await store.append(runId, chunk('gateway'))).toMatchObject({ sequence: 3 });
    expect((await store.read(runId)).map((e) => (e.data as { text: string }).text)).toEqual(['a1', 'b1', 'gateway']);
  });

  it('refuses the fence of an older claim: a worker frozen between its claim and its fence cannot take the stream back', async () => {
    const runId = 'run_fence_order';
    await store.fence(runId, 'host:2:newer', 2);
    await expect(store.fence(runId, 'host:1:older', 1)).rejects.toBeInstanceOf(RunEventsFencedError);
    await expect(store.append(runId, chunk('stale'), 'host:1:older')).rejects.toBeInstanceOf(RunEventsFencedError);
    expect(await store.append(runId, chunk('owner'), 'host:2:newer')).toMatchObject({ sequence: 1 });
    // a later claim still takes over
    await store.fence(runId, 'host:3:latest', 3);
    await expect(store.append(runId, chunk('late'), 'host:2:newer')).rejects.toBeInstanceOf(RunEventsFencedError);
    expect((await store.read(runId)).map((e) => (e.data as { text: string }).text)).toEqual(['owner']);
  });

  it('numbers 200 concurrent appends to one run exactly 1..200, stream order = sequence order', async () => {
    const runId = newRun();
    const appended = (await Promise.all(Array.from({ length: 200 }, (_, i) => store.append(runId, chunk(`c${i}`))))).map((e) => e!);
    expect(appended.map((e) => e.sequence).sort((a, b) => a - b)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    // each append returns the event as stored: the seq it got is the one in the stream
    const entries = await redis.xrange(`${prefix}run:${runId}:events`, '-', '+');
    expect(entries.map(([id]) => id)).toEqual(Array.from({ length: 200 }, (_, i) => `${i + 1}-0`));
    const stored = entries.map(([, fields]) => JSON.parse(fields[1]) as RunEvent);
    expect(stored.map((e) => e.sequence)).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
    const bySeq = new Map(appended.map((e) => [e.sequence, text(e)]));
    expect(stored.every((e) => text(e) === bySeq.get(e.sequence))).toBe(true);
    expect(new Set(stored.map(text)).size).toBe(200);
  });

  it('appends several events in one write as one append after another would: in order, numbered on, all refused together when fenced', async () => {
    const runId = newRun();
    await store.fence(runId, 'host:1:lease-a', 1);
    expect(await store.append(runId, chunk('first'), 'host:1:lease-a')).toMatchObject({ sequence: 1 });
    const got = await store.appendAll(runId, [chunk('a'), chunk('b'), finished(runId)], 'host:1:lease-a');
    expect(got.map((e) => [e?.sequence, e && text(e)])).toEqual([
      [2, 'a'],
      [3, 'b'],
      [4, 'workflow_finished'],
    ]);
    expect(await store.read(runId)).toEqual([expect.objectContaining({ sequence: 1 }), ...got]);
    // the last one stored is final: the finished TTL, as after a lone workflow_finished
    expect(await redis.ttl(`${prefix}run:${runId}:events`)).toBeLessThanOrEqual(600);
    await store.fence(runId, 'host:2:lease-b', 2);
    await expect(store.appendAll(runId, [chunk('c'), chunk('d')], 'host:1:lease-a')).rejects.toBeInstanceOf(RunEventsFencedError);
    expect(await store.lastSequence(runId)).toBe(4);
    expect(await store.appendAll(runId, [])).toEqual([]);
  });

  it('stores events as the contract shapes them, unicode and quotes intact', async () => {
    const runId = newRun();
    const e = (await store.append(runId, finished(runId)))!;
    expect(e).toMatchObject({ ...finished(runId), workflow_run_id: runId, task_id: runId, sequence: 1 });
    expect(typeof e.timestamp).toBe('number');
    expect(await store.read(runId)).toEqual([e]);
  });

  it('reads the events after a sequence number, and nothing for an unknown run', async () => {
    const runId = newRun();
    for (let i = 1; i <= 10; i++) await store.append(runId, chunk(`c${i}`));
    expect((await store.read(runId, 7)).map((e) => e.sequence)).toEqual([8, 9, 10]);
    expect((await store.read(runId)).map((e) => e.sequence)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    expect(await store.read(runId, 10)).toEqual([]);
    expect(await store.read(newRun())).toEqual([]);
  });

  it("expires a run's stream and counter: a day after its last event while running, the finished TTL once finished", async () => {
    const runId = newRun();
    await store.append(runId, chunk('x'));
    const keys = [`${prefix}run:${runId}:events`, `${prefix}run:${runId}:seq`];
    for (const t of await Promise.all(keys.map((k) => redis.ttl(k)))) {
      expect(t).toBeGreaterThan(600);
      expect(t).toBeLessThanOrEqual(24 * 3600);
    }
    await store.append(runId, finished(runId));
    for (const t of await Promise.all(keys.map((k) => redis.ttl(k)))) {
      expect(t).toBeGreaterThan(0);
      expect(t).toBeLessThanOrEqual(600);
    }
  });

  it('gives a subscriber joining mid-stream with afterSeq=k every event after k exactly once, in order, while appends continue', async () => {
    const runId = newRun();
    for (let i = 1; i <= 50; i++) await store.append(runId, chunk(`c${i}`));
    const total = 300;
    const c = collector(total);
    // appends keep coming, 10 at a time, while the subscriber reads its backlog and goes live
    const appending = (async () => {
      for (let i = 51; i <= total; i += 10) {
        await Promise.all(Array.from({ length: 10 }, (_, j) => store.append(runId, chunk(`c${i + j}`))));
      }
    })();
    const unsubscribe = await store.subscribe(runId, 20, c.onEvent);
    await appending;
    await c.reached;
    unsubscribe();
    expect(c.got.map((e) => e.sequence)).toEqual(Array.from({ length: total - 20 }, (_, i) => i + 21));
  });

  it('keeps two runs apart, for appends and for subscribers', async () => {
    const a = newRun();
    const b = newRun();
    const ca = collector(60);
    const cb = collector(60);
    const ua = await store.subscribe(a, 0, ca.onEvent);
    const ub = await store.subscribe(b, 0, cb.onEvent);
    await Promise.all(Array.from({ length: 120 }, (_, i) => store.append(i % 2 ? a : b, chunk(`${i % 2 ? 'a' : 'b'}${i}`))));
    await Promise.all([ca.reached, cb.reached]);
    ua();
    ub();
    expect(ca.got.map((e) => e.sequence)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect(cb.got.map((e) => e.sequence)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect(ca.got.every((e) => e.workflow_run_id === a && text(e).startsWith('a'))).toBe(true);
    expect(cb.got.every((e) => e.workflow_run_id === b && text(e).startsWith('b'))).toBe(true);
    expect((await store.read(a)).every((e) => text(e).startsWith('a'))).toBe(true);
  });

  it('stops delivering after unsubscribe, and drops the channel when its last subscriber leaves', async () => {
    const runId = newRun();
    const channel = `${prefix}run-events:${runId}`;
    const first = collector(1);
    const second = collector(2);
    const u1 = await store.subscribe(runId, 0, first.onEvent);
    const u2 = await store.subscribe(runId, 0, second.onEvent);
    await store.append(runId, chunk('1'));
    await first.reached;
    u1();
    await store.append(runId, chunk('2'));
    await second.reached;
    await new Promise((r) => setImmediate(r));
    expect(first.got.map((e) => e.sequence)).toEqual([1]);
    expect(second.got.map((e) => e.sequence)).toEqual([1, 2]);
    u2();
    await subscriber.ping(); // the UNSUBSCRIBE went out before this
    const [, count] = (await redis.pubsub('NUMSUB', channel)) as [string, number];
    expect(Number(count)).toBe(0);
  });

  it("waits for runs' ends on one subscription per process: resolved by the end's announcement, at once for a run already ended, and by an abort", async () => {
    const [a, b] = [newRun(), newRun()];
    const states = new Map<string, string>();
    const track = (name: string, p: Promise<unknown>) => p.then(() => states.set(name, 'resolved'));
    const abortB = new AbortController();
    const waits = [
      track('a1', store.whenFinished(a, AbortSignal.timeout(20_000))),
      track('a2', store.whenFinished(a, AbortSignal.timeout(20_000))),
      track('b', store.whenFinished(b, abortB.signal)),
    ];
    await store.append(a, chunk('not yet'));
    await redis.ping();
    await subscriber.ping();
    expect(states.size).toBe(0);
    // no run's own channel is subscribed: the waits share the one channel that announces ends
    const numsub = (await redis.pubsub(
      'NUMSUB',
      `${prefix}run-events:${a}`,
      `${prefix}run-events:${b}`,
      `${prefix}run-events-finished`,
    )) as Array<string | number>;
    expect(numsub.filter((_, i) => i % 2 === 1).map(Number)).toEqual([0, 0, 1]);
    await store.append(a, finished(a));
    await Promise.all(waits.slice(0, 2));
    expect(states.has('b')).toBe(false);
    await store.whenFinished(a, AbortSignal.timeout(20_000));
    abortB.abort();
    await waits[2];
  });

  it("hands the end record a run's end was appended with to its waits; none for an end appended without one, an abort, or a run already ended", async () => {
    const [a, b] = [newRun(), newRun()];
    const record = { v: 1, outputs: { b: 1, a: [2, 'x y'] }, row: { status: 'succeeded' } };
    const waitA = store.whenFinished(a, AbortSignal.timeout(20_000));
    const waitB = store.whenFinished(b, AbortSignal.timeout(20_000));
    await store.append(a, chunk('not yet'), undefined, JSON.stringify({ v: 0 }));
    await store.append(a, finished(a), undefined, JSON.stringify(record));
    await store.append(b, finished(b));
    expect(await waitA).toEqual(record);
    expect(await waitB).toBeUndefined();
    // already ended: seen in the stream, not announced
    expect(await store.whenFinished(a, AbortSignal.timeout(20_000))).toBeUndefined();
    const aborted = new AbortController();
    const waitC = store.whenFinished(newRun(), aborted.signal);
    aborted.abort();
    expect(await waitC).toBeUndefined();
    // a record too large to send to every gateway is left out: the wait gets none, and reads the row
    const c = newRun();
    const waitBig = store.whenFinished(c, AbortSignal.timeout(20_000));
    await store.append(c, finished(c), undefined, JSON.stringify({ v: 1, outputs: { text: 'x'.repeat(MAX_ANNOUNCED_END_CHARS) } }));
    expect(await waitBig).toBeUndefined();
    // the event stored is the event appended: the record is not part of it
    const [stored] = (await store.read(a)).filter((e) => e.event === 'workflow_finished');
    expect(JSON.stringify(stored)).not.toContain('x y');
  });

  it('finds the end of a run whose announcement it missed (sent while its subscriber was reconnecting) by looking at the stream', async () => {
    const runId = newRun();
    let resolved = false;
    const waiting = store.whenFinished(runId, AbortSignal.timeout(20_000)).then(() => (resolved = true));
    await store.append(runId, chunk('running'));
    await redis.ping();
    await subscriber.ping();
    // the end is stored but its announcement is lost: written to the stream directly, not published
    await redis.xadd(`${prefix}run:${runId}:events`, '2-0', 'e', JSON.stringify({ ...finished(runId), sequence: 2 }));
    await subscriber.ping();
    expect(resolved).toBe(false);
    subscriber.disconnect(true);
    await waiting;
    expect(resolved).toBe(true);
  });

  // Two subscribers of one run in one process (a blocking request and an SSE stream, or two SSE
  // clients). The second finds the channel's listener set already there and reads its backlog at
  // once, although the first one's SUBSCRIBE has not been acknowledged yet. An event published in
  // between reaches neither pub/sub nor the second subscriber's backlog read; if it is the run's
  // last event (workflow_finished), the second subscriber waits forever.
  it('delivers to a second subscriber of a run that subscribed while the first SUBSCRIBE was in flight', async () => {
    const proxy = await holdableProxy(new URL(testRedisUrl()));
    const slowSubscriber = createRedis(proxy.url);
    const racePrefix = `${prefix}race:`;
    const raceStore = new RedisRunEventStore(redis, slowSubscriber, racePrefix, { ...DEFAULT_RUN_EVENT_LIMITS, finishedTtlSeconds: 600 });
    try {
      await slowSubscriber.ping();
      const runId = newRun();
      const first = collector(1, 5_000);
      const second = collector(1, 5_000);
      proxy.hold(); // the subscriber connection's SUBSCRIBE is held back
      const firstSubscribed = raceStore.subscribe(runId, 0, first.onEvent);
      const secondSubscribed = raceStore.subscribe(runId, 0, second.onEvent);
      // whatever the subscribers send on the main connection by now goes before the append (one connection, in order)
      await new Promise((r) => setImmediate(r));
      await raceStore.append(runId, finished(runId));
      proxy.release();
      const [unsubscribeFirst, unsubscribeSecond] = await Promise.all([firstSubscribed, secondSubscribed]);
      await first.reached;
      const secondOutcome = await second.reached.then(
        () => 'delivered',
        () => 'never delivered',
      );
      unsubscribeFirst();
      unsubscribeSecond();
      expect(first.got.map((e) => e.sequence)).toEqual([1]);
      expect(secondOutcome).toBe('delivered');
      expect(second.got.map((e) => e.sequence)).toEqual([1]);
    } finally {
      await raceStore.close();
      slowSubscriber.disconnect();
      await proxy.close();
    }
  });
});

describe('RedisRunEventStore bounds (real Redis)', () => {
  const prefix = testRedisPrefix('run-events-bounds');
  let redis: Redis;
  let subscriber: Redis;
  let store: RedisRunEventStore;
  const limits = { maxBytesPerRun: 20_000, fieldMaxBytes: 1000, finishedTtlSeconds: 120 };

  beforeAll(() => {
    redis = createRedis(testRedisUrl());
    subscriber = createRedis(testRedisUrl(), { lazyConnect: true });
    store = new RedisRunEventStore(redis, subscriber, prefix, limits);
  });
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    await Promise.allSettled([redis.quit(), Promise.resolve(subscriber.disconnect())]);
  });

  it('truncates large fields, caps a run by bytes without gaps, always stores workflow_finished, and then shortens the TTL to the finished one', async () => {
    const runId = 'run_bounded';
    const first = (await store.append(runId, chunk('z'.repeat(5000))))!;
    expect(text(first)).toBe(`${'z'.repeat(1000)}…[truncated 4000 bytes]`);
    for (let i = 0; i < 100; i++) await store.append(runId, chunk('w'.repeat(900)));
    const seqs = (await store.read(runId)).map((e) => e.sequence);
    expect(seqs.length).toBeLessThan(25);
    expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    expect(await redis.ttl(`${prefix}run:${runId}:events`)).toBeGreaterThan(3600);
    const fin = (await store.append(runId, finished(runId)))!;
    expect(fin.sequence).toBe(seqs.length + 1);
    expect(await store.lastSequence(runId)).toBe(fin.sequence);
    for (const k of ['events', 'seq', 'bytes']) {
      const ttl = await redis.ttl(`${prefix}run:${runId}:${k}`);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(limits.finishedTtlSeconds);
    }
  });

  it('caps a batch appended in one write event by event: those past the cap are dropped, a final one is stored, numbers stay gapless', async () => {
    const runId = 'run_bounded_batch';
    const got = await store.appendAll(runId, [...Array.from({ length: 40 }, () => chunk('w'.repeat(900))), finished(runId)]);
    const stored = got.filter((e) => e !== undefined);
    expect(stored.length).toBeLessThan(25);
    expect(got.at(-1)).toMatchObject({ event: 'workflow_finished', sequence: stored.length });
    expect((await store.read(runId)).map((e) => e.sequence)).toEqual(stored.map((_, i) => i + 1));
    expect(await redis.ttl(`${prefix}run:${runId}:events`)).toBeLessThanOrEqual(limits.finishedTtlSeconds);
  });
});
