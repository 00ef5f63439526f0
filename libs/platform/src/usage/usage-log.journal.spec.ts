import { appendFileSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InMemoryUsageLog, DEFAULT_IN_MEMORY_USAGE_LOG_LIMITS } from './memory.usage-log';
import { UsageLogJournal, lineOf, recordOf, type JournalRecord } from './usage-log.journal';

const journalIn = () => path.join(mkdtempSync(path.join(tmpdir(), 'shoal-usage-journal-')), 'usage.journal');
const journalled = (file: string) => new InMemoryUsageLog(DEFAULT_IN_MEMORY_USAGE_LOG_LIMITS, Date.now, file);

it('gives back, after a crash, the intents left open (stale at once) and the entries not acknowledged', async () => {
  const file = journalIn();
  const before = journalled(file);
  await before.begin('call-1:0', '{"call":1}', 1_000);
  await before.begin('call-2:0', '{"call":2}', 1_000);
  await before.progress('call-2:0', 42, 2_000);
  await before.begin('call-3:0', '{"call":3}', 1_000);
  await before.complete('call-1:0', '{"entry":1}');
  await before.complete('call-3:0', '{"entry":3}');
  const [delivered] = await before.read('billing', 1, 0);
  expect(delivered.data).toBe('{"entry":1}');
  await before.ack([delivered.id]);
  // the process dies here: nothing is closed or flushed

  const after = journalled(file);
  const open = await after.stale(1, 10);
  expect(open).toEqual([{ key: 'call-2:0', intent: '{"call":2}', progress: 42, seenAt: 0 }]);
  expect(await after.reap('call-2:0', '{"entry":2,"estimated":true}', 1)).toBe(true);
  const entries = await after.read('billing', 10, 0);
  expect(entries.map((e) => e.data)).toEqual(['{"entry":3}', '{"entry":2,"estimated":true}']);
  // ids stay unique across the restart
  expect(new Set(entries.map((e) => e.id)).size).toBe(2);
  await after.ack(entries.map((e) => e.id));

  const third = journalled(file);
  expect(await third.backlog()).toBe(0);
  expect(await third.stale(Number.MAX_SAFE_INTEGER, 10)).toEqual([]);
});

it('redelivers an entry read but not acknowledged when the process died', async () => {
  const file = journalIn();
  const before = journalled(file);
  await before.begin('call-1:0', '{}', 1_000);
  await before.complete('call-1:0', '{"entry":1}');
  expect(await before.read('billing', 10, 0)).toHaveLength(1);
  const after = journalled(file);
  expect((await after.read('billing', 10, 0)).map((e) => e.data)).toEqual(['{"entry":1}']);
});

it('ignores a last line cut short by the crash', () => {
  for (const half of ['{"t":"b","k":"half', 'b\thalf\t5\t{"cut":', 'c\ta\t1-2\t{"x":']) {
    const file = journalIn();
    const j = new UsageLogJournal(file);
    void j.append({ t: 'b', k: 'a', i: '{}', s: 5 });
    void j.append({ t: 'c', k: 'a', id: '1-1', d: '{"x":1}' });
    j.close();
    appendFileSync(file, half);
    expect(UsageLogJournal.read(file)).toEqual({ intents: [], entries: [{ id: '1-1', data: '{"x":1}' }] });
  }
});

it('stays bounded: past its size it is rewritten to what is still open or unacknowledged', () => {
  const file = journalIn();
  const j = new UsageLogJournal(file, 4_096);
  let rewrites = 0;
  for (let i = 0; i < 2_000; i++) {
    void j.append({ t: 'b', k: `k${i}`, i: '{"padding":"xxxxxxxxxxxxxxxxxxxxxxxx"}', s: i });
    void j.append({ t: 'c', k: `k${i}` });
    if (j.full) {
      j.rewrite({ intents: [{ key: 'still-open', intent: '{}', progress: 3, seenAt: 9 }], entries: [{ id: '9-9', data: '{}' }] });
      rewrites++;
    }
  }
  j.close();
  expect(rewrites).toBeGreaterThan(10);
  expect(statSync(file).size).toBeLessThan(8_192);
  const state = UsageLogJournal.read(file);
  expect(state.intents.map((i) => i.key)).toContain('still-open');
  expect(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter(Boolean)
      .every((l) => recordOf(l) !== undefined),
  ).toBe(true);
});

it('writes each record as one line that reads back as it was, the text as it is, or as JSON when it must', () => {
  const records: JournalRecord[] = [
    { t: 'b', k: 'cal_1:1', i: '{"callId":"cal_1","note":"a\\tb"}', s: 1_733_000_000_000 },
    { t: 'p', k: 'cal_1:1', n: 42, s: 1_733_000_000_500 },
    { t: 'c', k: 'cal_1:1' },
    { t: 'c', k: 'cal_1:1', id: '1733-7', d: '{"entry":1}' },
    { t: 'e', id: '1733-8', d: '{"entry":2}' },
    { t: 'a', ids: ['1733-7', '1733-8'] },
    // what a tab-separated line cannot carry: a tab or a line break where it would split the line
    { t: 'b', k: 'tab\tkey', i: '{}', s: 1 },
    { t: 'b', k: 'k', i: '{"x":\n1}', s: 1 },
    { t: 'c', k: 'k', id: 'id\n', d: '{}' },
    { t: 'e', id: 'i', d: 'two\nlines' },
    { t: 'a', ids: ['x\ty'] },
    // a tab inside the last field is carried as it is
    { t: 'e', id: 'i', d: 'has\ta tab' },
  ];
  for (const r of records) {
    const line = lineOf(r);
    expect(line.endsWith('\n') && line.indexOf('\n') === line.length - 1).toBe(true);
    expect(recordOf(line.slice(0, -1))).toEqual(r);
  }
  expect(lineOf(records[0])).toBe(`b\tcal_1:1\t1733000000000\t${(records[0] as { i: string }).i}\n`);
  expect(lineOf(records[6]).startsWith('{')).toBe(true);
  for (const bad of ['x\tk', 'b\tk\tnot-a-number\t{}', 'p\tk\t1', 'e\tonly-id', 'bk']) expect(recordOf(bad)).toBeUndefined();
});

it('reads a journal an earlier version wrote as JSON lines', () => {
  const file = journalIn();
  const old = [
    { t: 'b', k: 'open', i: '{"call":1}', s: 10 },
    { t: 'p', k: 'open', n: 3, s: 20 },
    { t: 'b', k: 'done', i: '{"call":2}', s: 10 },
    { t: 'c', k: 'done', id: '5-1', d: '{"entry":2}' },
    { t: 'e', id: '5-2', d: '{"entry":3}' },
    { t: 'a', ids: ['5-2'] },
  ];
  appendFileSync(file, old.map((r) => `${JSON.stringify(r)}\n`).join(''));
  expect(UsageLogJournal.read(file)).toEqual({
    intents: [{ key: 'open', intent: '{"call":1}', progress: 3, seenAt: 20 }],
    entries: [{ id: '5-1', data: '{"entry":2}' }],
  });
});

it('without a journal keeps nothing across instances', async () => {
  const a = new InMemoryUsageLog();
  await a.begin('k', '{}', 1);
  expect(await new InMemoryUsageLog().stale(Number.MAX_SAFE_INTEGER, 10)).toEqual([]);
});
