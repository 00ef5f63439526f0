import { InMemoryUsageLog, configureRootLogger } from '@shoal/platform';
import { usageEventSchema } from '@shoal/contracts';
import { estimatedUsageOf, reapStaleIntents } from './reap-intents';
import { usageIntent } from './usage-fixtures.spec-helper';

describe('reaping the intents of dead calls', () => {
  beforeAll(() => configureRootLogger({ service: 'test', level: 'silent' }));

  it('bills a stale intent as estimated usage: the prompt estimate, the completion streamed so far, interrupted', async () => {
    const log = new InMemoryUsageLog();
    const intent = usageIntent({ startedAt: new Date(1_000).toISOString() });
    await log.begin(`${intent.callId}#1`, JSON.stringify(intent), 1_000);
    await log.progress(`${intent.callId}#1`, 37, 4_000);
    const r = await reapStaleIntents(log, 200_000, 120_000, 100);
    expect(r).toEqual({ reaped: 1, malformed: [] });
    const [e] = await log.read('billing', 10, 0);
    const event = usageEventSchema.parse(JSON.parse(e.data));
    expect(event).toMatchObject({
      callId: intent.callId,
      attempt: 1,
      tenantId: 'ten_ledger',
      promptTokens: 1000,
      completionTokens: 37,
      cost: null,
      status: 'interrupted',
      estimated: true,
      latencyMs: 3_000,
    });
  });

  it('leaves alone intents younger than the bound, and reaps each one once however often it runs', async () => {
    const log = new InMemoryUsageLog();
    const old = usageIntent();
    const young = usageIntent();
    await log.begin(`${old.callId}#1`, JSON.stringify(old), 1_000);
    await log.begin(`${young.callId}#1`, JSON.stringify(young), 150_000);
    const runs = await Promise.all([1, 2, 3].map(() => reapStaleIntents(log, 200_000, 120_000, 100)));
    expect(runs.reduce((n, r) => n + r.reaped, 0)).toBe(1);
    expect((await log.read('billing', 10, 0)).map((e) => JSON.parse(e.data).callId)).toEqual([old.callId]);
    expect((await log.stale(Number.MAX_SAFE_INTEGER, 10)).map((i) => i.key)).toEqual([`${young.callId}#1`]);
  });

  it('closes a malformed intent without a row, and says so', async () => {
    const log = new InMemoryUsageLog();
    await log.begin('junk#1', '{"callId":1}', 1_000);
    expect(await reapStaleIntents(log, 200_000, 120_000, 100)).toEqual({ reaped: 0, malformed: ['junk#1'] });
    expect(await log.read('billing', 10, 0)).toEqual([]);
    expect(estimatedUsageOf({ key: 'x', intent: 'not json', progress: 0, seenAt: 0 })).toBeUndefined();
  });
});
