// Metering at the call site: every provider attempt opens a usage intent before the provider is
// contacted and closes it with its priced usage; an attempt the provider refused leaves no entry;
// the cost travels back to the engine (a call for a run) and never to a public client.
import { Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { SHOAL_COST_FIELD, usageEventSchema, type UsageEvent } from '@shoal/contracts';
import { loadDeploymentConfig } from '@shoal/model-routing';
import { DEFAULT_PRICE_CATALOG, DEFAULT_PRICES, costOf, formatMoney } from '@shoal/pricing';
import {
  PRICE_FEED,
  USAGE_LOG,
  configureRootLogger,
  createHttpApp,
  internalHeaders,
  listen,
  PlatformModule,
  type PriceFeed,
  type UsageLog,
} from '@shoal/platform';
import { mockAnswer, mockTokenCount, startMockProvider, type MockProvider } from '@shoal/testing';
import { ModelPoolModule } from '../model-pool.module';

jest.setTimeout(60_000);

const TOKEN = 'pool-internal-token-0123456789';
let mock: MockProvider;
let app: NestFastifyApplication;
let url: string;
let usageLog: UsageLog;
/** open intents seen at the moment each provider request left model-pool */
const openAtContact: string[][] = [];
let n = 0;

beforeAll(async () => {
  configureRootLogger({ service: 'test', level: 'silent' });
  mock = await startMockProvider();
  const deployments = loadDeploymentConfig({
    file: {
      deployments: ['dep_a', 'dep_b'].map((id) => ({
        id,
        model: 'mock-chat',
        provider: 'openai-compatible',
        baseUrl: mock.url,
        apiKey: 'mock',
        weight: 1,
      })),
    },
    env: {},
  });
  // a fetch that notes which intents are open when the provider is contacted, then really calls it
  const watching = async (input: string | URL | Request, init?: RequestInit) => {
    openAtContact.push((await usageLog.stale(Number.MAX_SAFE_INTEGER, 1000)).map((i) => i.key));
    return fetch(input, init);
  };
  @Module({
    imports: [
      PlatformModule.forRoot({ redis: 'memory', internalToken: TOKEN }),
      ModelPoolModule.register({
        deployments,
        maxAttempts: 2,
        publicApi: false,
        sse: { maxBufferedBytes: 1 << 20, stallTimeoutMs: 10_000 },
        providerFetch: new Map([
          ['dep_a', watching],
          ['dep_b', watching],
        ]),
      }),
    ],
  })
  class PoolTestModule {}
  app = await createHttpApp(PoolTestModule, { shutdownHooks: false });
  url = await listen(app, { port: 0, host: '127.0.0.1' });
  usageLog = app.get<UsageLog>(USAGE_LOG);
});

afterAll(async () => {
  await app?.close();
  await mock?.close();
});

beforeEach(async () => {
  openAtContact.length = 0;
  await usageLog.ack((await usageLog.read('drain', 10_000, 0)).map((e) => e.id));
});

async function chat(content: string, opts: { runId?: string; stream?: boolean } = {}) {
  const callId = `call_meter_${++n}`;
  const res = await fetch(`${url}/pool/v1/chat/completions`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...internalHeaders(TOKEN, {
        tenantId: 'ten_meter',
        apiKeyId: null,
        runId: opts.runId ?? null,
        callId,
        nodeId: opts.runId ? 'llm' : null,
      }),
    },
    body: JSON.stringify({
      model: 'mock-chat',
      messages: [{ role: 'user', content }],
      ...(opts.stream ? { stream: true, stream_options: { include_usage: true } } : {}),
    }),
  });
  return { callId, res, text: await res.text() };
}

async function entries(): Promise<UsageEvent[]> {
  const got = await usageLog.read('test', 1000, 0);
  await usageLog.ack(got.map((e) => e.id));
  return got.map((e) => usageEventSchema.parse(JSON.parse(e.data)));
}

const costOfCall = (question: string) =>
  formatMoney(
    costOf(
      { promptTokens: mockTokenCount(question), completionTokens: mockTokenCount(mockAnswer(question)) },
      DEFAULT_PRICE_CATALOG.priceAt('mock-chat', new Date())!,
    ).total,
  );

it('opens the intent before the provider is contacted and closes it with the usage priced here', async () => {
  const { callId, res } = await chat('how much is this?');
  expect(res.status).toBe(200);
  expect(openAtContact).toEqual([[`${callId}#1`]]);
  const [e, ...more] = await entries();
  expect(more).toEqual([]);
  expect(e).toMatchObject({
    callId,
    attempt: 1,
    tenantId: 'ten_meter',
    promptTokens: mockTokenCount('how much is this?'),
    completionTokens: mockTokenCount(mockAnswer('how much is this?')),
    status: 'succeeded',
    estimated: false,
    cost: { total: costOfCall('how much is this?'), currency: 'USD' },
  });
  expect(await usageLog.stale(Number.MAX_SAFE_INTEGER, 10)).toEqual([]);
});

it('gives the cost to a call made for a run, in the completion and in the last chunk of a stream, and never to a public client', async () => {
  const q = 'price me for the run';
  const forRun = await chat(q, { runId: 'run_meter' });
  expect(JSON.parse(forRun.text)[SHOAL_COST_FIELD]).toEqual({ amount: costOfCall(q), currency: 'USD' });

  const streamed = await chat(q, { runId: 'run_meter', stream: true });
  const chunks = streamed.text
    .split('\n\n')
    .filter((l) => l.startsWith('data: {'))
    .map((l) => JSON.parse(l.slice(6)) as Record<string, unknown>);
  const withCost = chunks.filter((c) => SHOAL_COST_FIELD in c);
  expect(withCost).toHaveLength(1);
  expect(withCost[0].usage).toBeDefined();
  expect(withCost[0][SHOAL_COST_FIELD]).toEqual({ amount: costOfCall(q), currency: 'USD' });

  const publicCall = await chat(q);
  expect(publicCall.text).not.toContain(SHOAL_COST_FIELD);
  const publicStream = await chat(q, { stream: true });
  expect(publicStream.text).not.toContain(SHOAL_COST_FIELD);
  // and every one of the four calls was metered at the same cost
  expect((await entries()).map((e) => e.cost?.total)).toEqual([costOfCall(q), costOfCall(q), costOfCall(q), costOfCall(q)]);
});

it('leaves no entry for an attempt the provider refused, and numbers the attempt that answered', async () => {
  const before = mock.calls();
  mock.setFaults({ status: 503, times: 1 });
  const { callId, res } = await chat('fail over please');
  expect(res.status).toBe(200);
  expect(mock.calls() - before).toBe(2);
  const got = await entries();
  expect(got.map((e) => [e.callId, e.attempt, e.status])).toEqual([[callId, 2, 'succeeded']]);
  expect(await usageLog.stale(Number.MAX_SAFE_INTEGER, 10)).toEqual([]);
});

it('tells a run what a stream broken midway still cost, in its error event, as it bills it', async () => {
  mock.setFaults({ cutAfterChunks: 2, times: 1 });
  const q = 'one two three four five six seven eight';
  const { text } = await chat(q, { runId: 'run_meter', stream: true });
  const events = text
    .split('\n\n')
    .filter((l) => l.startsWith('data: {'))
    .map((l) => JSON.parse(l.slice(6)) as Record<string, unknown>);
  const failure = events.find((e) => 'error' in e)!;
  expect(failure).toBeDefined();
  const [e] = await entries();
  // the provider never sent usage: Shoal's estimate, flagged as such
  expect(e).toMatchObject({ status: 'interrupted', estimated: true, promptTokens: Math.ceil(q.length / 4), completionTokens: 2 });
  expect((failure.error as Record<string, unknown>)[SHOAL_COST_FIELD]).toEqual({ amount: e.cost!.total, currency: 'USD' });
  expect(e.cost!.total).not.toBe('0');
});

it('prices with the catalog billing publishes, as soon as it is published', async () => {
  const feed = app.get<PriceFeed>(PRICE_FEED);
  await feed.publish([{ model: 'mock-chat', inputPerMillion: '1000000', outputPerMillion: '0', effectiveFrom: '2020-01-01T00:00:00Z' }]);
  try {
    const q = 'four tokens long';
    await chat(q);
    const [e] = await entries();
    expect(e.cost).toEqual({ input: String(mockTokenCount(q)), output: '0', total: String(mockTokenCount(q)), currency: 'USD' });
  } finally {
    await feed.publish(DEFAULT_PRICES);
  }
});
