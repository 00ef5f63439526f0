// DeepSeek through model-pool's public routes, as a client sees it: the `openai` SDK over real HTTP
// against the mock provider's DeepSeek behaviours (thinking, reasoning deltas, cache-hit usage, JSON
// mode's blank answer, streamed or not, strict tools on /beta, retired names, each error code),
// metered as billed.
import { Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import OpenAI from 'openai';
import { SHOAL_COST_FIELD, usageEventSchema, type UsageEvent } from '@shoal/contracts';
import { loadDeploymentConfig } from '@shoal/model-routing';
import { DEFAULT_PRICE_CATALOG, costOf, formatMoney } from '@shoal/pricing';
import {
  ApiKeysRepository,
  PlatformModule,
  USAGE_LOG,
  configureRootLogger,
  createHttpApp,
  createPrismaClient,
  internalHeaders,
  listen,
  type UsageLog,
} from '@shoal/platform';
import {
  dropRedisPrefixes,
  createTestDatabase,
  mockAnswer,
  mockTokenCount,
  startMockProvider,
  testRedisPrefix,
  testRedisUrl,
  type MockProvider,
  type TestDatabase,
} from '@shoal/testing';
import { ModelPoolModule } from '../model-pool.module';

jest.setTimeout(60_000);

const KEY = 'sk-shoal-pool-deepseek-0123456789abcdef';
const TOKEN = 'x'.repeat(32);
const prefix = testRedisPrefix('pool-deepseek');
let db: TestDatabase;
let mock: MockProvider;
let app: NestFastifyApplication;
let client: OpenAI;
let url: string;
let usageLog: UsageLog;

const CODES = [400, 401, 402, 422, 429, 500, 503];
// each deployment its own key: a bad key or an empty balance takes out every deployment sharing it
const ds = (id: string, model: string, upstreamModel: string, baseUrl: string) => ({
  id,
  model,
  provider: 'deepseek',
  baseUrl,
  apiKey: `sk-deepseek-test-${id}`,
  upstreamModel,
});

beforeAll(async () => {
  configureRootLogger({ service: 'test', level: 'silent' });
  db = await createTestDatabase('pool_deepseek');
  const prisma = createPrismaClient({ url: db.url, maxConnections: 1 });
  await new ApiKeysRepository(prisma).bootstrap(KEY);
  await prisma.$disconnect();
  mock = await startMockProvider({ models: ['deepseek-flash', 'deepseek-v4-pro', 'mock-embed'] });
  const deployments = loadDeploymentConfig({
    file: {
      deployments: [
        ds('dep_flash', 'flash', 'deepseek-flash', mock.url),
        ds('dep_pro', 'pro', 'deepseek-v4-pro', mock.url),
        ds('dep_legacy', 'deepseek-chat', 'deepseek-chat', mock.url),
        // per error code: an alias of two deployments (failover) and one of a single deployment (what
        // the caller is answered), fresh for each code since a failure cools its deployment down
        ...CODES.flatMap((c) => [
          ds(`dep_two_${c}_a`, `two-${c}`, 'deepseek-flash', mock.url),
          ds(`dep_two_${c}_b`, `two-${c}`, 'deepseek-flash', mock.url),
          ds(`dep_one_${c}`, `one-${c}`, 'deepseek-flash', mock.url),
        ]),
      ],
    },
    env: {},
  });
  // strict tool schemas go to the mock's /beta, as they go to api.deepseek.com/beta
  const beta = mock.url.replace(/\/v1$/, '/beta');
  const withBeta = { ...deployments, deployments: deployments.deployments.map((d) => ({ ...d, strictToolsBaseUrl: beta })) };
  @Module({
    imports: [
      PlatformModule.forRoot({
        database: { url: db.url, maxConnections: 2 },
        redis: { url: testRedisUrl(), prefix },
        internalToken: TOKEN,
      }),
      ModelPoolModule.register({
        deployments: withBeta,
        maxAttempts: 2,
        sse: { maxBufferedBytes: 1 << 20, stallTimeoutMs: 10_000 },
        publicApi: true,
      }),
    ],
  })
  class DeepseekPoolModule {}
  app = await createHttpApp(DeepseekPoolModule, { shutdownHooks: false });
  url = await listen(app, { port: 0, host: '127.0.0.1' });
  usageLog = app.get<UsageLog>(USAGE_LOG);
  client = new OpenAI({ baseURL: `${url}/v1`, apiKey: KEY, maxRetries: 0, logLevel: 'off' });
});

afterAll(async () => {
  await app?.close();
  await mock?.close();
  await db?.drop();
  await dropRedisPrefixes([prefix]);
});

beforeEach(async () => {
  mock.reset();
  await entries();
});

async function entries(): Promise<UsageEvent[]> {
  const got = await usageLog.read('test', 1000, 0);
  await usageLog.ack(got.map((e) => e.id));
  return got.map((e) => usageEventSchema.parse(JSON.parse(e.data)));
}
const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e as InstanceType<typeof OpenAI.APIError>,
  );
const lastBody = () => mock.callLog().at(-1)?.body as Record<string, unknown>;
type DeepseekMessage = OpenAI.Chat.ChatCompletionMessage & { reasoning_content?: string };

describe('chat with thinking', () => {
  it('passes thinking and reasoning_effort through, answers reasoning_content, and meters cache hits and reasoning tokens at their rates', async () => {
    const done = await client.chat.completions.create({
      model: 'flash',
      messages: [
        { role: 'system', content: 'you are terse' },
        { role: 'user', content: 'why is the sky blue' },
      ],
      // DeepSeek's own fields, which the SDK passes on as they are
      ...({ thinking: { type: 'enabled' }, reasoning_effort: 'max' } as object),
    });
    expect(lastBody()).toMatchObject({ model: 'deepseek-flash', thinking: { type: 'enabled' }, reasoning_effort: 'max' });
    expect((done.choices[0].message as DeepseekMessage).reasoning_content).toBe('Reasoning about: why is the sky blue');
    expect(done.model).toBe('flash');
    const [e] = await entries();
    // system prompt (3 mock tokens) is the cached prefix; the reasoning (7 tokens) is part of the completion
    expect(e).toMatchObject({ promptTokens: 8, cachedPromptTokens: 3, reasoningTokens: 7, upstreamModel: 'deepseek-flash' });
    const price = DEFAULT_PRICE_CATALOG.priceAt('deepseek-flash', new Date(Date.parse(e.startedAt)))!;
    expect(e.cost!.total).toBe(formatMoney(costOf(e, price).total));
    // the cache hit is billed below the full rate
    expect(e.cost!.total).not.toBe(formatMoney(costOf({ ...e, cachedPromptTokens: 0 }, price).total));
  });

  it('streams reasoning_content deltas ahead of the content', async () => {
    const stream = await client.chat.completions.create({
      model: 'flash',
      stream: true,
      messages: [{ role: 'user', content: 'count to three' }],
    });
    const kinds: string[] = [];
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta as { content?: string | null; reasoning_content?: string } | undefined;
      if (delta?.reasoning_content) kinds.push('reasoning');
      else if (delta?.content) kinds.push('content');
    }
    expect(kinds.indexOf('content')).toBeGreaterThan(kinds.lastIndexOf('reasoning'));
    expect(kinds.filter((k) => k === 'reasoning')).toHaveLength(5);
  });

  it("sends the assistant's reasoning_content back on a tool-call turn (DeepSeek answers 400 without it)", async () => {
    const toolTurn = (withReasoning: boolean) =>
      client.chat.completions.create({
        model: 'flash',
        messages: [
          { role: 'user', content: 'weather in Paris?' },
          {
            role: 'assistant',
            content: '',
            tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'weather', arguments: '{"city":"Paris"}' } }],
            ...(withReasoning ? { reasoning_content: 'I need the weather tool' } : {}),
          } as OpenAI.Chat.ChatCompletionAssistantMessageParam,
          { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
        ],
      });
    await toolTurn(true);
    expect((lastBody().messages as Array<Record<string, unknown>>)[1].reasoning_content).toBe('I need the weather tool');
    const err = await failure(toolTurn(false));
    expect(err?.status).toBe(400);
    expect(err?.message).toContain('reasoning_content');
  });
});

describe('checks made before DeepSeek is called', () => {
  it.each([
    ['an unknown reasoning effort', { model: 'flash', reasoning_effort: 'medium' }, 'reasoning_effort'],
    ['an unknown thinking type', { model: 'flash', thinking: { type: 'auto' } }, 'thinking.type'],
    ['JSON mode without the word json', { model: 'flash', response_format: { type: 'json_object' } }, 'messages'],
    [
      'an image to deepseek-v4-pro',
      { model: 'pro', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,AA' } }] }] },
      'messages[0].content[0]',
    ],
  ])('refuses %s with a 400 naming %s', async (_what, body, param) => {
    const before = mock.calls();
    const err = await failure(client.chat.completions.create({ messages: [{ role: 'user', content: 'hi' }], ...body } as never));
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect(err?.param).toBe(param);
    expect(mock.calls()).toBe(before);
    expect(await entries()).toEqual([]);
  });
});

describe('JSON mode', () => {
  const ask = () =>
    client.chat.completions.create({
      model: 'flash',
      messages: [{ role: 'user', content: 'Answer in JSON: name a colour' }],
      response_format: { type: 'json_object' },
      ...({ thinking: { type: 'disabled' } } as object),
    });

  it('asks once more after a blank answer, and bills both calls', async () => {
    mock.setFaults({ blankAnswer: true, times: 1 });
    const done = await ask();
    expect(JSON.parse(done.choices[0].message.content ?? '')).toEqual({ answer: 'Mock answer: Answer in JSON: name a colour' });
    expect(mock.calls()).toBe(2);
    const got = await entries();
    expect(got).toHaveLength(1);
    // the blank answer's prompt is billed too: twice the prompt
    expect(got[0].promptTokens).toBe(2 * 6);
  });

  it('says so after two blank answers', async () => {
    mock.setFaults({ blankAnswer: true, times: 2 });
    const err = await failure(ask());
    expect(err?.status).toBe(502);
    expect(err?.message).toContain('blank content twice');
    expect(mock.calls()).toBe(2);
    expect((await entries()).map((e) => e.status)).toEqual(['failed']);
  });
});

describe('JSON mode, streamed', () => {
  const question = 'Answer in JSON: name a colour';
  const json = JSON.stringify({ answer: mockAnswer(question) });
  const request = (jsonMode: boolean) => ({
    model: 'flash',
    stream: true as const,
    messages: [{ role: 'user' as const, content: question }],
    ...(jsonMode ? { response_format: { type: 'json_object' as const } } : {}),
    ...({ thinking: { type: 'disabled' } } as object),
  });
  const streamed = async (jsonMode: boolean) => {
    const deltas: string[] = [];
    for await (const chunk of await client.chat.completions.create(request(jsonMode))) {
      const content = chunk.choices[0]?.delta.content;
      if (content) deltas.push(content);
    }
    return deltas;
  };

  it('asks once more after a whitespace-only answer: the client gets the JSON alone, one usage row bills both calls', async () => {
    mock.setFaults({ blankAnswer: '\n\n', times: 1 });
    const deltas = await streamed(true);
    // nothing of the blank stream reached the client: the content is the JSON, not "\n\n" then the JSON
    expect(deltas.join('')).toBe(json);
    expect(mock.calls()).toBe(2);
    const got = await entries();
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({
      attempt: 1,
      status: 'succeeded',
      estimated: false,
      // the blank answer's prompt is billed too (6 mock tokens a call), its whitespace no completion tokens
      promptTokens: 2 * mockTokenCount(question),
      completionTokens: mockTokenCount(json),
    });
  });

  it('tells a run what both calls cost, in the usage chunk, as the ledger bills them', async () => {
    mock.setFaults({ blankAnswer: '\n\n', times: 1 });
    const res = await fetch(`${url}/pool/v1/chat/completions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...internalHeaders(TOKEN, { tenantId: 'ten_blank', apiKeyId: null, runId: 'run_blank', callId: 'call_blank_run', nodeId: 'llm' }),
      },
      body: JSON.stringify(request(true)),
    });
    expect(res.status).toBe(200);
    const chunks = (await res.text())
      .split('\n\n')
      .filter((l) => l.startsWith('data: {'))
      .map((l) => JSON.parse(l.slice(6)) as { choices: Array<{ delta?: { content?: string } }>; [k: string]: unknown });
    expect(chunks.map((c) => c.choices[0]?.delta?.content ?? '').join('')).toBe(json);
    const [e] = await entries();
    expect(e.promptTokens).toBe(2 * mockTokenCount(question));
    const price = DEFAULT_PRICE_CATALOG.priceAt('deepseek-flash', new Date(Date.parse(e.startedAt)))!;
    expect(e.cost!.total).toBe(formatMoney(costOf(e, price).total));
    const withCost = chunks.filter((c) => SHOAL_COST_FIELD in c);
    expect(withCost).toHaveLength(1);
    expect(withCost[0][SHOAL_COST_FIELD]).toEqual({ amount: e.cost!.total, currency: 'USD' });
    // more than the second call alone would have cost
    const second = { ...e, promptTokens: mockTokenCount(question), cachedPromptTokens: 0 };
    expect(Number(e.cost!.total)).toBeGreaterThan(Number(formatMoney(costOf(second, price).total)));
  });

  it('answers 502 saying so after two blank answers, before a byte of either is sent, metered with both calls', async () => {
    mock.setFaults({ blankAnswer: true, times: 2 });
    const err = await failure(streamed(true));
    expect(err).toBeInstanceOf(OpenAI.APIError);
    expect(err?.status).toBe(502);
    expect(err?.message).toContain('JSON-mode request (response_format: json_object) with blank content twice');
    expect(mock.calls()).toBe(2);
    const got = await entries();
    expect(got.map((e) => [e.attempt, e.status, e.promptTokens, e.completionTokens])).toEqual([
      [1, 'failed', 2 * mockTokenCount(question), 0],
    ]);
  });

  it('passes a whitespace answer outside JSON mode on as it came, asking nothing again', async () => {
    mock.setFaults({ blankAnswer: '\n\n', times: 1 });
    expect(await streamed(false)).toEqual(['\n\n']);
    expect(mock.calls()).toBe(1);
    expect((await entries()).map((e) => [e.status, e.promptTokens])).toEqual([['succeeded', mockTokenCount(question)]]);
  });
});

describe('queued requests', () => {
  it('reads a JSON answer DeepSeek preceded with keep-alive empty lines while the request was queued', async () => {
    mock.setFaults({ keepAliveLines: 3, keepAliveIntervalMs: 5, times: 1 });
    const done = await client.chat.completions.create({
      model: 'flash',
      messages: [{ role: 'user', content: 'queued' }],
      ...({ thinking: { type: 'disabled' } } as object),
    });
    expect(done.choices[0].message.content).toBe('Mock answer: queued');
    expect((await entries()).map((e) => [e.promptTokens, e.status])).toEqual([[1, 'succeeded']]);
  });
});

describe('models and endpoints', () => {
  it('sends strict tool schemas to the beta base URL, and the rest to the base URL', async () => {
    const tools = (strict: boolean): OpenAI.Chat.ChatCompletionTool[] => [
      { type: 'function', function: { name: 'f', strict, parameters: { type: 'object', properties: {}, additionalProperties: false } } },
    ];
    await client.chat.completions.create({ model: 'flash', messages: [{ role: 'user', content: 'hi' }], tools: tools(true) });
    await client.chat.completions.create({ model: 'flash', messages: [{ role: 'user', content: 'hi' }], tools: tools(false) });
    expect(mock.calls()).toBe(2);
  });

  it('sends a retired name as the model serving it now, in the thinking mode it implied, and prices it as that model', async () => {
    const done = await client.chat.completions.create({ model: 'deepseek-chat', messages: [{ role: 'user', content: 'hi' }] });
    expect(done.choices[0].message.content).toBe('Mock answer: hi');
    expect(lastBody()).toMatchObject({ model: 'deepseek-flash', thinking: { type: 'disabled' } });
    const [e] = await entries();
    expect(e).toMatchObject({ upstreamModel: 'deepseek-flash' });
    expect(e.cost!.total).not.toBe('0');
  });

  it('lists the aliases the key may use', async () => {
    const models = await client.models.list();
    const perCode = CODES.flatMap((c) => [`two-${c}`, `one-${c}`]);
    expect(models.data.map((m) => m.id)).toEqual(['flash', 'pro', 'deepseek-chat', ...perCode]);
  });
});

describe("each DeepSeek error code's effect", () => {
  const ask = (model: string) => client.chat.completions.create({ model, messages: [{ role: 'user', content: 'hi' }] });

  it.each([
    [400, OpenAI.BadRequestError, 400, 1],
    [422, OpenAI.BadRequestError, 400, 1],
  ])('%i: the caller is at fault: answered %p (%i) at once, no other deployment tried', async (status, cls, clientStatus, calls) => {
    mock.setFaults({ status });
    const err = await failure(ask(`two-${status}`));
    expect(err).toBeInstanceOf(cls);
    expect(err?.status).toBe(clientStatus);
    expect(err?.message).toContain(`DeepSeek ${status}`);
    expect(mock.calls()).toBe(calls);
  });

  it.each([
    [401, 502],
    [402, 502],
    [429, 429],
    [500, 502],
    [503, 503],
  ])('%i: fails over to the other deployment, which answers', async (status) => {
    mock.setFaults({ status, times: 1 });
    const done = await ask(`two-${status}`);
    expect(done.choices[0].message.content).toBe('Mock answer: hi');
    expect(mock.calls()).toBe(2);
  });

  it.each([
    [401, 502],
    [402, 502],
    [429, 429],
    [500, 502],
    [503, 503],
  ])('%i on every deployment: the caller is answered %i, never a 401/402 about its own key', async (status, clientStatus) => {
    mock.setFaults({ status, retryAfter: 1 });
    const err = await failure(ask(`one-${status}`));
    expect(err?.status).toBe(clientStatus);
  });
});
