import { expectPlainAgrees } from './testing/schema-agreement';
import { plainUsageEvent, usageEventSchema } from './usage';

const base = () => ({
  callId: 'cal_01JDX4Z0Q3W8ABCDEF123456',
  attempt: 1,
  tenantId: 'ten_01JDX4Z0Q3W8ABCDEF123456',
  apiKeyId: 'key_01JDX4Z0Q3W8ABCDEF123456' as string | null,
  runId: null as string | null,
  nodeId: null as string | null,
  deploymentId: 'mock-chat-a',
  provider: 'openai',
  model: 'mock-chat',
  upstreamModel: 'mock-chat',
  priceOverride: null,
  stream: false,
  startedAt: '2026-12-02T01:58:00.123Z',
  promptTokens: 12,
  completionTokens: 20,
  cachedPromptTokens: 0,
  reasoningTokens: 0,
  cost: { input: '0.000012', output: '0.00004', total: '0.000052', currency: 'USD' } as unknown,
  status: 'succeeded',
  estimated: false,
  latencyMs: 3,
});

// values near every edge the schema draws, for every field
const s = (n: number) => 'x'.repeat(n);
const STRINGS = ['', 'a', s(100), s(101), s(200), s(201), null, undefined, 7, true, {}];
const COUNTS = [0, 1, 7, 1_000_000_000, 1_000_000_001, -1, 1.5, NaN, Infinity, '3', null, undefined];
const AMOUNTS = ['0', '0.000052', '1.', '-1', '1234567890123', '123456789012.123456789012', '1.1234567890123', 5, null];
const MUTATIONS: Record<string, readonly unknown[]> = {
  callId: STRINGS,
  tenantId: STRINGS,
  apiKeyId: STRINGS,
  runId: STRINGS,
  nodeId: STRINGS,
  deploymentId: STRINGS,
  provider: STRINGS,
  model: STRINGS,
  upstreamModel: STRINGS,
  traceparent: STRINGS,
  attempt: [0, 1, 2, 1000, 1001, 1.5, -1, '1', null, undefined, NaN],
  promptTokens: COUNTS,
  completionTokens: COUNTS,
  cachedPromptTokens: COUNTS,
  reasoningTokens: COUNTS,
  latencyMs: COUNTS,
  stream: [true, false, 'true', 0, null, undefined],
  estimated: [true, false, 'false', 1, null, undefined],
  status: ['succeeded', 'failed', 'interrupted', 'ok', '', null, undefined],
  priceOverride: [null, undefined, { inputPerMillion: '1', outputPerMillion: '2', currency: 'USD' }, { inputPerMillion: 1 }, 'x'],
  startedAt: [
    '2026-12-02T01:58:00.123Z',
    '2026-12-02T01:58:00Z',
    '2026-12-02T01:58:00.123456Z',
    '2026-12-02T01:58:00.123+05:30',
    '2026-12-02T01:58:00.123-24:00',
    '2026-12-02T01:58Z',
    '2026-12-02T24:00:00.000Z',
    '2026-02-29T00:00:00.000Z',
    '2024-02-29T00:00:00.000Z',
    '2026-12-02 01:58:00Z',
    '+012026-12-02T01:58:00.000Z',
    '',
    1764640680000,
    null,
    undefined,
  ],
  cost: [
    null,
    undefined,
    'x',
    {},
    ...AMOUNTS.map((input) => ({ input, output: '0', total: '0', currency: 'USD' })),
    ...AMOUNTS.map((total) => ({ input: '0', output: '0', total, currency: 'USD' })),
    { input: '0', output: '0', total: '0', currency: 'usd' },
    { input: '0', output: '0', total: '0', currency: 'EURO' },
    { input: '0', output: '0', total: '0', currency: 'EUR', extra: 1 },
  ],
  extra: ['an unknown key', undefined],
};

describe('plainUsageEvent', () => {
  it('gives what the schema gives for what model-pool writes', () => {
    const v = base();
    expect(plainUsageEvent(v)).toEqual(usageEventSchema.parse(v));
    expect(plainUsageEvent({ ...v, traceparent: '00-abc-def-01', cost: null })).toEqual(
      usageEventSchema.parse({ ...v, traceparent: '00-abc-def-01', cost: null }),
    );
  });

  it('never passes what the schema refuses, and passes the rest as the schema parses it', () => {
    const { plain, refused } = expectPlainAgrees({
      schema: usageEventSchema,
      plain: plainUsageEvent,
      base,
      mutations: MUTATIONS,
      seed: 20261202,
    });
    // both sides were tried, many times
    expect(Math.min(plain, refused)).toBeGreaterThan(2_000);
  });
});
