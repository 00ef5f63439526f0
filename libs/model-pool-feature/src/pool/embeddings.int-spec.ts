// `POST /v1/embeddings` and `GET /v1/models` on model-pool's public routes, driven by the `openai`
// SDK: the same routing, failover and metering as chat; OpenAI-compatible endpoints given without
// `/v1` and without a key; input bounds; the aliases a key's tenant may use.
import { Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import OpenAI from 'openai';
import { usageEventSchema, type UsageEvent } from '@shoal/contracts';
import { loadDeploymentConfig, type ModelAlias } from '@shoal/model-routing';
import { DEFAULT_PRICE_CATALOG, costOf, formatMoney } from '@shoal/pricing';
import {
  ApiKeysRepository,
  HttpChatCompletionsClient,
  PlatformModule,
  USAGE_LOG,
  configureRootLogger,
  createHttpApp,
  createPrismaClient,
  listen,
  type UsageLog,
} from '@shoal/platform';
import {
  dropRedisPrefixes,
  createTestDatabase,
  mockEmbedding,
  mockTokenCount,
  startMockProvider,
  testRedisPrefix,
  testRedisUrl,
  type MockProvider,
  type TestDatabase,
} from '@shoal/testing';
import { ModelPoolModule } from '../model-pool.module';

jest.setTimeout(60_000);

const KEY = 'sk-shoal-pool-embeddings-0123456789abcdef';
const prefix = testRedisPrefix('pool-embeddings');
let db: TestDatabase;
let mock: MockProvider;
let app: NestFastifyApplication;
let client: OpenAI;
let usageLog: UsageLog;
let readOnlyKey: string;
let baseUrl: string;

beforeAll(async () => {
  configureRootLogger({ service: 'test', level: 'silent' });
  db = await createTestDatabase('pool_embeddings');
  const prisma = createPrismaClient({ url: db.url, maxConnections: 1 });
  const keys = new ApiKeysRepository(prisma);
  const boot = await keys.bootstrap(KEY);
  if (!boot.created) throw new Error('expected a fresh tenant');
  readOnlyKey = (await keys.create(boot.tenantId, { name: 'read only', scopes: ['read'] })).secret;
  await prisma.$disconnect();
  mock = await startMockProvider({ models: ['mock-embed', 'deepseek-flash'] });
  const origin = mock.url.replace(/\/v1$/, '');
  const config = loadDeploymentConfig({
    file: {
      deployments: [
        // an OpenAI-compatible server given by its bare origin and without a key (as Ollama is)
        { id: 'dep_embed_a', model: 'embed', provider: 'openai-compatible', baseUrl: origin, upstreamModel: 'mock-embed' },
        { id: 'dep_embed_b', model: 'embed', provider: 'openai', baseUrl: mock.url, apiKey: 'sk-openai-test', upstreamModel: 'mock-embed' },
        { id: 'dep_chat', model: 'chat-only', provider: 'deepseek', baseUrl: mock.url, apiKey: 'sk-ds', upstreamModel: 'deepseek-flash' },
      ],
    },
    env: {},
  });
  // aliases of tenants: the key's own shows, another tenant's does not
  const tenantAlias = (name: string, tenantId: string): ModelAlias => ({ name, deploymentIds: ['dep_embed_b'], fallbacks: [], tenantId });
  const deployments = {
    ...config,
    models: [...config.models, tenantAlias('ours', boot.tenantId), tenantAlias('theirs', 'ten_someone_else')],
  };
  @Module({
    imports: [
      PlatformModule.forRoot({
        database: { url: db.url, maxConnections: 2 },
        redis: { url: testRedisUrl(), prefix },
        internalToken: 'x'.repeat(32),
      }),
      ModelPoolModule.register({
        deployments,
        maxAttempts: 2,
        sse: { maxBufferedBytes: 1 << 20, stallTimeoutMs: 10_000 },
        publicApi: true,
      }),
    ],
  })
  class EmbeddingsPoolModule {}
  app = await createHttpApp(EmbeddingsPoolModule, { shutdownHooks: false });
  const url = await listen(app, { port: 0, host: '127.0.0.1' });
  baseUrl = url;
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

it('answers embeddings in the OpenAI shape, one per input in order, metered and priced', async () => {
  const input = ['the quick brown fox', 'jumps'];
  const done = await client.embeddings.create({ model: 'embed', input });
  expect(done.model).toBe('embed');
  expect(done.data.map((d) => d.index)).toEqual([0, 1]);
  expect(done.data.map((d) => d.embedding)).toEqual(input.map((t) => mockEmbedding(t)));
  const tokens = input.reduce((n, t) => n + mockTokenCount(t), 0);
  expect(done.usage).toEqual({ prompt_tokens: tokens, total_tokens: tokens });
  const [e, ...more] = await entries();
  expect(more).toEqual([]);
  const price = DEFAULT_PRICE_CATALOG.priceAt('mock-embed', new Date())!;
  expect(e).toMatchObject({ model: 'embed', upstreamModel: 'mock-embed', promptTokens: tokens, completionTokens: 0, status: 'succeeded' });
  expect(e.cost!.total).toBe(formatMoney(costOf({ promptTokens: tokens, completionTokens: 0 }, price).total));
  expect(e.cost!.total).not.toBe('0');
});

it('calls a keyless OpenAI-compatible endpoint without Authorization, and a keyed one with it', async () => {
  await client.embeddings.create({ model: 'embed', input: 'one' });
  await client.embeddings.create({ model: 'embed', input: 'two' });
  // both deployments answered (weighted round robin), the bare origin reached at /v1/embeddings
  const auth = mock.callLog().map((c) => c.headers.authorization);
  expect(auth.sort()).toEqual(['Bearer sk-openai-test', undefined]);
});

it('fails over to the next deployment, and meters only the attempt that answered', async () => {
  mock.setFaults({ status: 503, times: 1 });
  const done = await client.embeddings.create({ model: 'embed', input: 'fail over' });
  expect(done.data).toHaveLength(1);
  expect(mock.calls()).toBe(2);
  expect((await entries()).map((e) => [e.attempt, e.status])).toEqual([[2, 'succeeded']]);
});

it.each([
  ['too many inputs', { input: Array.from({ length: 2049 }, () => 'x') }, 'input'],
  ['an input too long', { input: 'x'.repeat(100_001) }, 'input'],
  ['an empty list', { input: [] }, 'input'],
  ['a bad encoding format', { input: 'x', encoding_format: 'hex' }, 'encoding_format'],
])('refuses %s with a 400 naming the field, before any provider call', async (_what, body, param) => {
  const err = await failure(client.embeddings.create({ model: 'embed', ...body } as never));
  expect(err).toBeInstanceOf(OpenAI.BadRequestError);
  expect(err?.param ?? err?.message).toContain(param);
  expect(mock.calls()).toBe(0);
});

it('refuses embeddings from a DeepSeek alias (DeepSeek serves none) without calling it', async () => {
  const err = await failure(client.embeddings.create({ model: 'chat-only', input: 'x' }));
  expect(err).toBeInstanceOf(OpenAI.BadRequestError);
  expect(err?.param).toBe('model');
  expect(mock.calls()).toBe(0);
  expect(await entries()).toEqual([]);
});

it("lists the shared aliases and its tenant's own, never another tenant's", async () => {
  const models = await client.models.list();
  expect(models.data.map((m) => m.id)).toEqual(['embed', 'chat-only', 'ours']);
});

it("refuses a key without the 'chat' scope on every model route, naming the scope", async () => {
  const headers = { authorization: `Bearer ${readOnlyKey}`, 'content-type': 'application/json' };
  const models = await fetch(`${baseUrl}/v1/models`, { headers });
  const embeddings = await fetch(`${baseUrl}/v1/embeddings`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ model: 'embed', input: 'x' }),
  });
  for (const res of [models, embeddings]) {
    expect(res.status).toBe(403);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain("'chat' scope");
  }
  expect(mock.calls()).toBe(0);
});

it("refuses another tenant's alias as a model that does not exist, and serves its own", async () => {
  const theirs = await failure(client.embeddings.create({ model: 'theirs', input: 'x' }));
  expect(theirs).toBeInstanceOf(OpenAI.NotFoundError);
  expect(theirs?.message).toContain("The model 'theirs' does not exist");
  const chat = await failure(client.chat.completions.create({ model: 'theirs', messages: [{ role: 'user', content: 'x' }] }));
  expect(chat?.status).toBe(404);
  expect(mock.calls()).toBe(0);
  expect((await client.embeddings.create({ model: 'ours', input: 'x' })).model).toBe('ours');
});

it('answers embeddings and the model list over the internal routes, as the gateway and the engine reach them when distributed', async () => {
  const pool = new HttpChatCompletionsClient({ baseUrl, internalToken: 'x'.repeat(32) });
  try {
    const ctx = { tenantId: 'ten_someone_else', apiKeyId: null, runId: null, nodeId: null, callId: 'chatcmpl_internal_1' };
    const answer = await pool.embeddings(ctx, { model: 'embed', input: 'over http' }, AbortSignal.timeout(10_000));
    expect(answer.status).toBe(200);
    const body = JSON.parse(Buffer.from(answer.kind === 'json' ? answer.body : new Uint8Array()).toString('utf8')) as {
      data: Array<{ embedding: number[] }>;
    };
    expect(body.data[0].embedding).toEqual(mockEmbedding('over http'));
    // the other tenant sees its own alias, not this key's tenant's
    expect((await pool.models(ctx)).map((m) => m.id)).toEqual(['embed', 'chat-only', 'theirs']);
    const [e] = await entries();
    expect(e).toMatchObject({ callId: 'chatcmpl_internal_1', tenantId: 'ten_someone_else', status: 'succeeded' });
  } finally {
    await pool.onApplicationShutdown();
  }
});
