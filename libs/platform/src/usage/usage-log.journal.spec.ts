import { appendFileSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { InMemoryUsageLog, DEFAULT_IN_MEMORY_USAGE_LOG_LIMITS } from './memory.usage-log';
import { UsageLogJournal } from './usage-log.journal';

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
  const file = journalIn();
  const j = new UsageLogJournal(file);
  j.append({ t: 'b', k: 'a', i: '{}', s: 5 });
  j.append({ t: 'c', k: 'a', id: '1-1', d: '{"x":1}' });
  j.close();
  appendFileSync(file, '{"t":"b","k":"half');
  expect(UsageLogJournal.read(file)).toEqual({ intents: [], entries: [{ id: '1-1', data: '{"x":1}' }] });
});

it('stays bounded: past its size it is rewritten to what is still open or unacknowledged', () => {
  const file = journalIn();
  const j = new UsageLogJournal(file, 4_096);
  let rewrites = 0;
  for (let i = 0; i < 2_000; i++) {
    j.append({ t: 'b', k: `k${i}`, i: '{"padding":"xxxxxxxxxxxxxxxxxxxxxxxx"}', s: i });
    j.append({ t: 'c', k: `k${i}` });
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
      .every((l) => JSON.parse(l)),
  ).toBe(true);
});

it('without a journal keeps nothing across instances', async () => {
  const a = new InMemoryUsageLog();
  await a.begin('k', '{}', 1);
  expect(await new InMemoryUsageLog().stale(Number.MAX_SAFE_INTEGER, 10)).toEqual([]);
});
