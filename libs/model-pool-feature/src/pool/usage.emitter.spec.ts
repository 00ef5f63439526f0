import { InMemoryPriceFeed, InMemoryUsageLog, configureRootLogger } from '@shoal/platform';
import type { Deployment } from '@shoal/model-routing';
import { usageEventSchema, usageIntentSchema } from '@shoal/contracts';
import { PriceCatalogCache } from './price-catalog.cache';
import { MAX_HEARTBEAT_LIFETIME_MS, MeteringUnavailableError, UsageEmitter } from './usage.emitter';

const deployment = {
  id: 'dep_1',
  provider: 'openai-compatible',
  upstreamModel: 'mock-chat',
  priceOverride: undefined,
} as unknown as Deployment;
const ctx = { callId: 'run_1:llm:0', tenantId: 'ten_1', apiKeyId: null, runId: 'run_1', nodeId: 'llm' };
const usage = { promptTokens: 7, completionTokens: 6, totalTokens: 13, cachedPromptTokens: 0, reasoningTokens: 0 };

describe('UsageEmitter', () => {
  beforeAll(() => configureRootLogger({ service: 'test', level: 'silent' }));
  afterEach(() => jest.useRealTimers());

  function setup() {
    const log = new InMemoryUsageLog();
    const emitter = new UsageEmitter(log, new PriceCatalogCache(new InMemoryPriceFeed()), 30_000);
    return { log, emitter };
  }

  it('keeps a long call alive with heartbeats carrying its progress, and stops them once it is closed', async () => {
    jest.useFakeTimers({ now: new Date('2026-03-01T12:00:00Z') });
    const { log, emitter } = setup();
    const meter = await emitter.begin(ctx, { model: 'mock-chat', deployment, attempt: 1, stream: true, promptTokenEstimate: 3 });
    meter.progress(5);
    await jest.advanceTimersByTimeAsync(30_000);
    const [open] = await log.stale(Number.MAX_SAFE_INTEGER, 10);
    expect(open).toMatchObject({ key: 'run_1:llm:0#1', progress: 5, seenAt: Date.parse('2026-03-01T12:00:30Z') });

    const cost = await meter.complete(usage, 'succeeded');
    expect(cost).toMatchObject({ total: '0.00000849', currency: 'USD' });
    await jest.advanceTimersByTimeAsync(120_000);
    expect(await log.stale(Number.MAX_SAFE_INTEGER, 10)).toEqual([]);
    const [entry] = await log.read('b', 10, 0);
    expect(usageEventSchema.parse(JSON.parse(entry.data))).toMatchObject({
      callId: 'run_1:llm:0',
      attempt: 1,
      cost: { input: '0.00000189', output: '0.0000066', total: '0.00000849', currency: 'USD' },
      status: 'succeeded',
      latencyMs: 30_000, // closed 30 s after it began
    });
  });

  it("writes the intent and the entry as JSON.stringify of the whole would, every field in the schema's shape", async () => {
    jest.useFakeTimers({ now: new Date('2026-03-01T12:00:00Z') });
    const { log, emitter } = setup();
    const priced = {
      ...deployment,
      priceOverride: { inputPerMillion: '1', outputPerMillion: '2', currency: 'USD' },
    } as unknown as Deployment;
    const traced = { ...ctx, apiKeyId: 'key_"quoted"\\', traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' };
    const meter = await emitter.begin(traced, {
      model: 'mock-chat',
      deployment: priced,
      attempt: 3,
      stream: false,
      promptTokenEstimate: 9,
    });
    const [open] = await log.stale(Number.MAX_SAFE_INTEGER, 10);
    const who = {
      callId: 'run_1:llm:0',
      attempt: 3,
      tenantId: 'ten_1',
      apiKeyId: 'key_"quoted"\\',
      runId: 'run_1',
      nodeId: 'llm',
      deploymentId: 'dep_1',
      provider: 'openai-compatible',
      model: 'mock-chat',
      upstreamModel: 'mock-chat',
      priceOverride: { inputPerMillion: '1', outputPerMillion: '2', currency: 'USD' },
      stream: false,
      startedAt: '2026-03-01T12:00:00.000Z',
      traceparent: traced.traceparent,
    };
    expect(open.intent).toBe(JSON.stringify({ ...who, promptTokenEstimate: 9 }));
    expect(usageIntentSchema.safeParse(JSON.parse(open.intent)).success).toBe(true);

    await jest.advanceTimersByTimeAsync(250);
    await meter.complete(usage, 'succeeded');
    const [entry] = await log.read('b', 10, 0);
    const rest = {
      promptTokens: 7,
      completionTokens: 6,
      cachedPromptTokens: 0,
      reasoningTokens: 0,
      cost: { input: '0.000007', output: '0.000012', total: '0.000019', currency: 'USD' },
      status: 'succeeded',
      estimated: false,
      latencyMs: 250,
    };
    expect(entry.data).toBe(JSON.stringify({ ...who, ...rest }));
    expect(usageEventSchema.safeParse(JSON.parse(entry.data)).success).toBe(true);
  });

  it('stops the heartbeat of an attempt never closed after its lifetime, so the reaper can bill it', async () => {
    jest.useFakeTimers({ now: new Date('2026-03-01T12:00:00Z') });
    const { log, emitter } = setup();
    await emitter.begin(ctx, { model: 'mock-chat', deployment, attempt: 2, stream: false, promptTokenEstimate: 3 });
    await jest.advanceTimersByTimeAsync(MAX_HEARTBEAT_LIFETIME_MS + 120_000);
    const [open] = await log.stale(Number.MAX_SAFE_INTEGER, 10);
    expect(Date.now() - open.seenAt).toBeGreaterThanOrEqual(90_000);
  });

  it('refuses the call when its intent cannot be recorded, marked as a call not made (a 503 the engine waits out)', async () => {
    const log = new InMemoryUsageLog();
    jest.spyOn(log, 'begin').mockRejectedValue(new Error('Connection is closed.'));
    const emitter = new UsageEmitter(log, new PriceCatalogCache(new InMemoryPriceFeed()), 30_000);
    const refused = emitter.begin(ctx, { model: 'mock-chat', deployment, attempt: 0, stream: false, promptTokenEstimate: 3 });
    await expect(refused).rejects.toBeInstanceOf(MeteringUnavailableError);
    await expect(refused).rejects.toMatchObject({ status: 503, opts: { headers: { 'x-shoal-call-not-made': 'metering' } } });
  });

  it('closes a refused attempt with no entry', async () => {
    const { log, emitter } = setup();
    const meter = await emitter.begin(ctx, { model: 'mock-chat', deployment, attempt: 1, stream: false, promptTokenEstimate: 3 });
    await meter.discard();
    await meter.complete(usage, 'succeeded'); // closed already: nothing more is written
    expect(await log.stale(Number.MAX_SAFE_INTEGER, 10)).toEqual([]);
    expect(await log.read('b', 10, 0)).toEqual([]);
  });
});
