import type { RunEvent, RunEventBody } from '@shoal/contracts';
import { createTestDatabase, type TestDatabase } from '@shoal/testing';
import { createPrismaClient, type PrismaClient } from '../database/prisma';
import { configureRootLogger } from '../logging/logger';
import { PostgresRunEventStore } from './postgres.run-event-store';
import { RunEventsRepository } from './run-events.repository';

// the `int` project's testTimeout is not applied per project by Jest; a generous guard, not a speed claim
jest.setTimeout(30_000);

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

describe('PostgresRunEventStore (real Postgres)', () => {
  let db: TestDatabase;
  let prisma: PrismaClient;
  let store: PostgresRunEventStore;
  const fresh = () => new PostgresRunEventStore(new RunEventsRepository(prisma));

  beforeAll(async () => {
    configureRootLogger({ service: 'test', level: 'silent' });
    db = await createTestDatabase('run-events');
    // one connection, as standalone mode runs it on PGlite
    prisma = createPrismaClient({ url: db.url, maxConnections: 1 });
  });
  afterAll(async () => {
    await prisma?.$disconnect();
    await db?.drop();
  });
  beforeEach(() => {
    store = fresh();
  });
  afterEach(() => store.close());

  it('writes the appends of many runs together, each run numbered 1..n in its own order', async () => {
    const repo = new RunEventsRepository(prisma);
    const writes = jest.spyOn(repo, 'appendRuns');
    const many = new PostgresRunEventStore(repo);
    const runs = Array.from({ length: 20 }, (_, i) => `run_many${i}`);
    // each run appends its events one after another (as a worker does); the runs run side by side
    await Promise.all(
      runs.map(async (runId) => {
        for (let i = 1; i <= 5; i++) expect((await many.append(runId, chunk(`${runId}-${i}`)))?.sequence).toBe(i);
      }),
    );
    for (const runId of runs) {
      const stored = await many.read(runId);
      expect(stored.map((e) => [e.sequence, text(e)])).toEqual([1, 2, 3, 4, 5].map((i) => [i, `${runId}-${i}`]));
    }
    // 100 events, fewer writes: appends that arrived during a write went into the next one together
    expect(writes.mock.calls.length).toBeLessThan(100);
    expect(writes.mock.calls.every(([batch]) => new Set(batch.map((b) => b.runId)).size === batch.length)).toBe(true);
    await many.close();
  });

  it("writes a run's appendAll in one statement with the other runs of its turn, numbered in order", async () => {
    const repo = new RunEventsRepository(prisma);
    const writes = jest.spyOn(repo, 'appendRuns');
    const batched = new PostgresRunEventStore(repo);
    try {
      await batched.append('run_all_b', chunk('b1'));
      const [a, b] = await Promise.all([
        batched.appendAll('run_all_a', [chunk('a1'), chunk('a2'), chunk('a3')]),
        batched.appendAll('run_all_b', [chunk('b2'), finished('run_all_b')]),
      ]);
      expect(a.map((e) => e?.sequence)).toEqual([1, 2, 3]);
      expect(b.map((e) => e?.sequence)).toEqual([2, 3]);
      expect(writes).toHaveBeenCalledTimes(2); // b1 alone, then both appendAlls together
      expect((await batched.read('run_all_a')).map(text)).toEqual(['a1', 'a2', 'a3']);
      expect((await batched.read('run_all_b')).map(text)).toEqual(['b1', 'b2', 'workflow_finished']);
    } finally {
      await batched.close();
    }
  });

  it('ends a wait for a run with the end record its workflow_finished was appended with, and at once for a run already finished', async () => {
    const wait = store.whenFinished('run_pg_wait', new AbortController().signal);
    await store.append('run_pg_wait', chunk('working'));
    await store.append('run_pg_wait', finished('run_pg_wait'), undefined, JSON.stringify({ v: 1, row: { status: 'succeeded' } }));
    await expect(wait).resolves.toEqual({ v: 1, row: { status: 'succeeded' } });
    // finished before anyone waited: the stored end is seen, without a record
    await expect(fresh().whenFinished('run_pg_wait', new AbortController().signal)).resolves.toBeUndefined();
    // a wait that runs out resolves too, the run still running
    const timeout = AbortSignal.timeout(50);
    await store.append('run_pg_open', chunk('still going'));
    await expect(store.whenFinished('run_pg_open', timeout)).resolves.toBeUndefined();
    expect(timeout.aborted).toBe(true);
  });

  it('waits for a run created in this process without looking in the database, and still sees one that finished before the wait', async () => {
    const repo = new RunEventsRepository(prisma);
    const looks = jest.spyOn(repo, 'hasFinished');
    const own = new PostgresRunEventStore(repo);
    try {
      own.created('run_pg_new');
      const wait = own.whenFinished('run_pg_new', new AbortController().signal);
      await own.append('run_pg_new', finished('run_pg_new'), undefined, JSON.stringify({ v: 1 }));
      await expect(wait).resolves.toEqual({ v: 1 });
      expect(looks).not.toHaveBeenCalled();
      // created, then finished before anyone waited: the wait looks, and sees the end
      own.created('run_pg_quick');
      await own.append('run_pg_quick', finished('run_pg_quick'));
      await expect(own.whenFinished('run_pg_quick', new AbortController().signal)).resolves.toBeUndefined();
      expect(looks).toHaveBeenCalledWith('run_pg_quick');
    } finally {
      await own.close();
    }
  });

  it('numbers concurrent appends of a run 1..n in call order, each stamped with the run id', async () => {
    const all = await Promise.all(Array.from({ length: 30 }, (_, i) => store.append('run_pg_a', chunk(`c${i}`))));
    expect(all.map((e) => e?.sequence)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
    expect(all[0]).toMatchObject({ event: 'text_chunk', workflow_run_id: 'run_pg_a', task_id: 'run_pg_a', data: { text: 'c0' } });
    expect((await store.read('run_pg_a', 28)).map(text)).toEqual(['c28', 'c29']);
  });

  it('replays a run from a new store on the same database, as after a restart', async () => {
    await store.append('run_pg_b', chunk('before'));
    const last = await store.append('run_pg_b', finished('run_pg_b'));
    await store.close();

    store = fresh(); // what a restarted process has: nothing in memory
    const replay = await store.read('run_pg_b');
    expect(replay.map(text)).toEqual(['before', 'workflow_finished']);
    expect(replay[1]).toEqual(last);
    const got: RunEvent[] = [];
    const unsubscribe = await store.subscribe('run_pg_b', 1, (e) => got.push(e));
    unsubscribe();
    expect(got.map((e) => e.sequence)).toEqual([2]);
    // and the run's numbering continues where it stopped
    expect((await store.append('run_pg_b', chunk('after')))?.sequence).toBe(3);
  });

  it('delivers the backlog and then live events to a subscriber, each once and in order', async () => {
    await store.append('run_pg_c', chunk('c1'));
    const got: number[] = [];
    const unsubscribe = await store.subscribe('run_pg_c', 0, (e) => got.push(e.sequence));
    await store.append('run_pg_c', chunk('c2'));
    await store.append('run_pg_c', finished('run_pg_c'));
    await new Promise((r) => setImmediate(r));
    unsubscribe();
    expect(got).toEqual([1, 2, 3]);
  });

  it('deletes whole runs whose last event is older than the retention period', async () => {
    const repo = new RunEventsRepository(prisma);
    const old = new Date(Date.now() - 10 * 24 * 3600_000);
    await repo.append('run_pg_old', JSON.stringify(chunk('old')), old);
    await repo.append('run_pg_mixed', JSON.stringify(chunk('old')), old);
    await repo.append('run_pg_mixed', JSON.stringify(chunk('new')), new Date());
    expect(await fresh().prune()).toBe(1);
    expect(await store.read('run_pg_old')).toEqual([]);
    expect((await store.read('run_pg_mixed')).map(text)).toEqual(['old', 'new']);
  });

  it('bounds what a run keeps: large fields truncated with the marker, the log stopped at its byte cap, workflow_finished always kept', async () => {
    const bounded = new PostgresRunEventStore(new RunEventsRepository(prisma), { fieldMaxBytes: 1024, maxBytesPerRun: 8 * 1024 });
    try {
      const big = await bounded.append('run_pg_cap', chunk('x'.repeat(5000)));
      expect(big?.event === 'text_chunk' && big.data.text).toBe(`${'x'.repeat(1024)}…[truncated 3976 bytes]`);
      let stored = 1;
      while ((await bounded.append('run_pg_cap', chunk('y'.repeat(900)))) !== undefined) stored++;
      expect(stored).toBeLessThan(10);
      const end = await bounded.append('run_pg_cap', finished('run_pg_cap'));
      // no gap in the numbering: the dropped chunks took no sequence number
      expect(end?.sequence).toBe(stored + 1);
      expect(await bounded.lastSequence('run_pg_cap')).toBe(stored + 1);
      expect((await bounded.read('run_pg_cap')).map((e) => e.sequence)).toEqual(Array.from({ length: stored + 1 }, (_, i) => i + 1));
    } finally {
      await bounded.close();
    }
  });
});
