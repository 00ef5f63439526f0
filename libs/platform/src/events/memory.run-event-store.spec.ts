import { messageReplaceOf, textReplaceOf, type RunEvent, type RunEventBody } from '@shoal/contracts';
import { InMemoryRunEventStore } from './memory.run-event-store';

const chunk = (text: string): RunEventBody => ({ event: 'text_chunk', data: { text, from_variable_selector: ['llm', 'text'] } });
const finished = (runId: string): RunEventBody => ({
  event: 'workflow_finished',
  data: {
    id: runId,
    workflow_id: 'wf_1',
    status: 'succeeded',
    outputs: {},
    error: null,
    elapsed_time: 0.1,
    total_tokens: 0,
    total_steps: 3,
    created_at: 0,
    finished_at: 0,
  },
});

describe('InMemoryRunEventStore', () => {
  let store: InMemoryRunEventStore;
  beforeEach(() => {
    store = new InMemoryRunEventStore();
  });
  afterEach(() => store.close());

  it("numbers a run's events 1..n and stamps them with the run id", async () => {
    const appended: RunEvent[] = [];
    for (let i = 0; i < 5; i++) appended.push((await store.append('run_a', chunk(`c${i}`)))!);
    expect(appended.map((e) => e.sequence)).toEqual([1, 2, 3, 4, 5]);
    expect(appended[0]).toMatchObject({ event: 'text_chunk', workflow_run_id: 'run_a', task_id: 'run_a', data: { text: 'c0' } });
    expect(typeof appended[0].timestamp).toBe('number');
  });

  it('numbers concurrent appends without gaps or repeats', async () => {
    const all = (await Promise.all(Array.from({ length: 50 }, (_, i) => store.append('run_a', chunk(`c${i}`))))).map((e) => e!);
    expect(all.map((e) => e.sequence).sort((a, b) => a - b)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it('keeps runs apart', async () => {
    await store.append('run_a', chunk('a1'));
    await store.append('run_b', chunk('b1'));
    await store.append('run_a', chunk('a2'));
    expect((await store.read('run_a')).map((e) => [e.sequence, (e.data as { text: string }).text])).toEqual([
      [1, 'a1'],
      [2, 'a2'],
    ]);
    expect((await store.read('run_b')).map((e) => e.sequence)).toEqual([1]);
    expect(await store.read('run_unknown')).toEqual([]);
  });

  it('reads the events after a sequence number', async () => {
    for (let i = 0; i < 5; i++) await store.append('run_a', chunk(`c${i}`));
    expect((await store.read('run_a', 3)).map((e) => e.sequence)).toEqual([4, 5]);
    expect(await store.read('run_a', 5)).toEqual([]);
  });

  it('gives a subscriber that resumes after N only the events after N, backlog then live, each once', async () => {
    for (let i = 1; i <= 4; i++) await store.append('run_a', chunk(`c${i}`));
    const got: number[] = [];
    const unsubscribe = await store.subscribe('run_a', 2, (e) => got.push(e.sequence));
    expect(got).toEqual([3, 4]);
    await store.append('run_a', chunk('c5'));
    await store.append('run_a', finished('run_a'));
    await new Promise((r) => setImmediate(r)); // let the delivery chain run
    expect(got).toEqual([3, 4, 5, 6]);
    unsubscribe();
    await store.append('run_a', chunk('after'));
    await new Promise((r) => setImmediate(r));
    expect(got).toEqual([3, 4, 5, 6]);
  });

  it('delivers appends racing the subscription exactly once and in order', async () => {
    for (let i = 1; i <= 3; i++) await store.append('run_a', chunk(`c${i}`));
    const got: number[] = [];
    const done = new Promise<void>((resolve) => {
      void store.subscribe('run_a', 0, (e) => {
        got.push(e.sequence);
        if (e.event === 'workflow_finished') resolve();
      });
    });
    // appended while the subscriber's backlog read is in flight
    const racing = Promise.all([store.append('run_a', chunk('c4')), store.append('run_a', chunk('c5'))]);
    await racing;
    await store.append('run_a', finished('run_a'));
    await done;
    expect(got).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('serves several subscribers of one run independently', async () => {
    const a: number[] = [];
    const b: number[] = [];
    const ua = await store.subscribe('run_a', 0, (e) => a.push(e.sequence));
    await store.append('run_a', chunk('1'));
    const ub = await store.subscribe('run_a', 0, (e) => b.push(e.sequence));
    await store.append('run_a', chunk('2'));
    await new Promise((r) => setImmediate(r));
    expect(a).toEqual([1, 2]);
    expect(b).toEqual([1, 2]);
    ua();
    ub();
  });
});

describe('InMemoryRunEventStore bounds', () => {
  const limits = { maxBytesPerRun: 20_000, fieldMaxBytes: 1000, finishedTtlSeconds: 60, maxFinishedBytes: 50_000, maxActiveRuns: 100 };

  it('truncates a long string field to its prefix plus the documented marker, and a large object to a marker', async () => {
    const store = new InMemoryRunEventStore(limits);
    const e = (await store.append('run_t', chunk('é'.repeat(2000))))!;
    const text = (e.data as { text: string }).text;
    expect(text.startsWith('é'.repeat(500))).toBe(true);
    expect(text).toMatch(/…\[truncated 3000 bytes\]$/);
    const big = (await store.append('run_t', {
      event: 'node_finished',
      data: {
        id: 'n',
        node_id: 'llm',
        node_type: 'llm',
        title: 't',
        index: 1,
        predecessor_node_id: null,
        inputs: { list: Array.from({ length: 500 }, (_, i) => i) },
        created_at: 0,
        status: 'succeeded',
        outputs: { text: 'ok' },
        error: null,
        elapsed_time: 0,
        execution_metadata: null,
        finished_at: 0,
      },
    }))!;
    // the innermost value too large is what is replaced, with its JSON size
    expect((big.data as { inputs: unknown }).inputs).toEqual({
      list: { __truncated: true, bytes: JSON.stringify(Array.from({ length: 500 }, (_, i) => i)).length },
    });
    expect((big.data as { outputs: unknown }).outputs).toEqual({ text: 'ok' });
  });

  it("keeps a replace's text whole: it is the client's whole answer, and cut it would be a wrong one", async () => {
    const store = new InMemoryRunEventStore(limits);
    const long = 'é'.repeat(2000);
    const e = (await store.append('run_r', textReplaceOf(long)))!;
    expect(e.data).toEqual({ text: long });
    const m = (await store.append('run_r', messageReplaceOf({ id: 'm', message_id: 'm', conversation_id: 'c', created_at: 0 }, long)))!;
    expect((m.data as { answer: string }).answer).toBe(long);
  });

  it('stops storing a run past its byte cap, without gaps in the sequence, and always stores workflow_finished', async () => {
    const store = new InMemoryRunEventStore(limits);
    const stored = [];
    for (let i = 0; i < 100; i++) stored.push(await store.append('run_c', chunk('x'.repeat(900))));
    const kept = stored.filter((e) => e !== undefined);
    expect(kept.length).toBeLessThan(25);
    expect(kept.map((e) => e!.sequence)).toEqual(kept.map((_, i) => i + 1));
    const fin = await store.append('run_c', finished('run_c'));
    expect(fin?.sequence).toBe(kept.length + 1);
    expect((await store.read('run_c')).at(-1)?.event).toBe('workflow_finished');
  });

  it('forgets finished runs by total bytes (least recently used first) and by age, never runs still going', async () => {
    let now = 1_000_000;
    const store = new InMemoryRunEventStore(limits, () => now);
    await store.append('run_live', chunk('still going'));
    for (let r = 0; r < 10; r++) {
      for (let i = 0; i < 10; i++) await store.append(`run_${r}`, chunk('y'.repeat(900)));
      await store.append(`run_${r}`, finished(`run_${r}`));
    }
    expect(store.finishedBytes()).toBeLessThanOrEqual(limits.maxFinishedBytes);
    expect(await store.read('run_0')).toEqual([]);
    expect((await store.read('run_9')).length).toBe(11);
    now += 61_000;
    expect(await store.read('run_9')).toEqual([]);
    expect(await store.lastSequence('run_9')).toBe(0);
    expect((await store.read('run_live')).length).toBe(1);
  });
});
