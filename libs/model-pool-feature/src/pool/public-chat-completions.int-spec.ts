// model-pool's public chat routes (what the edge sends /v1/chat/completions and /v1/models to):
// API-key auth from the platform's key cache, OpenAI-shaped errors, open streams bounded per key.
import { Module } from '@nestjs/common';
import { Writable } from 'node:stream';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import OpenAI from 'openai';
import { loadDeploymentConfig } from '@shoal/model-routing';
import { ApiKeysRepository, PlatformModule, configureRootLogger, createHttpApp, createPrismaClient, listen } from '@shoal/platform';
import {
  dropRedisPrefixes,
  createTestDatabase,
  startMockProvider,
  testRedisPrefix,
  testRedisUrl,
  type MockProvider,
  type TestDatabase,
} from '@shoal/testing';
import { ModelPoolModule } from '../model-pool.module';

jest.setTimeout(60_000);

const KEY = 'sk-shoal-pool-public-0123456789abcdef';
const prefix = testRedisPrefix('pool-public');
let db: TestDatabase;
let mock: MockProvider;
let app: NestFastifyApplication;
let url: string;
const headers = (key = KEY) => ({ authorization: `Bearer ${key}`, 'content-type': 'application/json' });
const chat = (body: object, key?: string, signal?: AbortSignal) =>
  fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: headers(key), body: JSON.stringify(body), signal });
// what the service logs, from debug up
const lines: string[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(what: string, done: () => boolean, ms = 5_000): Promise<void> {
  for (const end = Date.now() + ms; !done(); await sleep(10)) if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
}

beforeAll(async () => {
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  configureRootLogger({ service: 'test', level: 'debug', destination });
  db = await createTestDatabase('pool_public');
  const prisma = createPrismaClient({ url: db.url, maxConnections: 1 });
  await new ApiKeysRepository(prisma).bootstrap(KEY);
  await prisma.$disconnect();
  mock = await startMockProvider();
  const deployments = loadDeploymentConfig({
    file: {
      deployments: [{ id: 'dep_mock', model: 'mock-chat', provider: 'openai-compatible', baseUrl: mock.url, apiKey: 'mock', weight: 1 }],
    },
    env: {},
  });
  @Module({
    imports: [
      PlatformModule.forRoot({
        database: { url: db.url, maxConnections: 2 },
        redis: { url: testRedisUrl(), prefix },
        internalToken: 'x'.repeat(32),
      }),
      ModelPoolModule.register({
        deployments,
        maxAttempts: 1,
        sse: { maxBufferedBytes: 1024 * 1024, stallTimeoutMs: 5_000 },
        publicApi: true,
        streams: { maxPerKey: 1, maxPerRun: 1 },
      }),
    ],
  })
  class PublicPoolModule {}
  app = await createHttpApp(PublicPoolModule, { shutdownHooks: false });
  url = await listen(app, { port: 0, host: '127.0.0.1' });
});

afterAll(async () => {
  await app?.close();
  await mock?.close();
  await db?.drop();
  await dropRedisPrefixes([prefix]);
});

it('answers a chat and lists the models for a valid key', async () => {
  const res = await chat({ model: 'mock-chat', messages: [{ role: 'user', content: 'hi' }] });
  expect(res.status).toBe(200);
  expect(((await res.json()) as { object: string }).object).toBe('chat.completion');
  const models = await fetch(`${url}/v1/models`, { headers: headers() });
  expect(((await models.json()) as { data: Array<{ id: string }> }).data.map((m) => m.id)).toEqual(['mock-chat']);
});

it('refuses a missing or unknown key with an OpenAI-shaped 401, before any provider call', async () => {
  const calls = mock.calls();
  const res = await chat({ model: 'mock-chat', messages: [{ role: 'user', content: 'hi' }] }, 'sk-shoal-unknown-key-0123456789');
  expect(res.status).toBe(401);
  expect(((await res.json()) as { error: { type: string } }).error.type).toEqual(expect.any(String));
  const none = await fetch(`${url}/v1/models`);
  expect(none.status).toBe(401);
  expect(mock.calls()).toBe(calls);
});

it('refuses a bad request with an OpenAI-shaped 400 naming the field', async () => {
  const res = await chat({ model: 'mock-chat', messages: [{ role: 'user', content: 'hi' }], temperature: 9 });
  expect(res.status).toBe(400);
  expect(((await res.json()) as { error: { param: string } }).error.param).toBe('temperature');
});

it('bounds the streams one key holds open, and frees the slot when a stream ends', async () => {
  mock.setFaults({ interChunkDelayMs: 200, times: 1 });
  const first = await chat({ model: 'mock-chat', stream: true, messages: [{ role: 'user', content: 'one two three four five' }] });
  expect(first.status).toBe(200);
  const second = await chat({ model: 'mock-chat', stream: true, messages: [{ role: 'user', content: 'hi' }] });
  expect(second.status).toBe(429);
  expect(((await second.json()) as { error: { message: string } }).error.message).toContain('Too many open event streams');
  await first.text();
  // the first stream ended: its slot is free again
  const third = await chat({ model: 'mock-chat', stream: true, messages: [{ role: 'user', content: 'hi' }] });
  expect(third.status).toBe(200);
  await third.text();
});

it('ends a stream broken after its first token with an error the openai SDK raises, naming what broke', async () => {
  mock.setFaults({ malformedChunkAt: 3, interChunkDelayMs: 20, times: 1 });
  const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: KEY, maxRetries: 0, logLevel: 'off' });
  const stream = await client.chat.completions.create({
    model: 'mock-chat',
    stream: true,
    messages: [{ role: 'user', content: 'one two three four five' }],
  });
  let text = '';
  const err = await (async () => {
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
  })().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(text.length).toBeGreaterThan(0);
  expect(err).toBeInstanceOf(OpenAI.APIError);
  expect(err).toMatchObject({ code: 'upstream_stream_malformed', type: 'api_error' });
});

it('takes a client that hangs up mid-call as gone, not as a failed request: nothing is logged as an error, and serving goes on', async () => {
  mock.setFaults({ latencyMs: 3_000, times: 1 });
  const calls = mock.calls();
  const hangUp = new AbortController();
  const res = chat({ model: 'mock-chat', messages: [{ role: 'user', content: 'hi' }] }, undefined, hangUp.signal);
  const settled = res.then(
    () => 'answered',
    () => 'aborted',
  );
  // the provider has the call: the client leaves while it works on it
  await until('the provider to get the call', () => mock.calls() > calls);
  const before = lines.length;
  hangUp.abort();
  expect(await settled).toBe('aborted');
  await until('the service to see the client go', () =>
    lines.slice(before).some((l) => l.includes('closed the request before its answer')),
  ).catch((e) => {
    console.log(lines.slice(before).join('\n'));
    throw e;
  });
  const after = lines.slice(before).map((l) => JSON.parse(l) as { level: string; msg: string });
  expect(after.filter((l) => l.level === 'error')).toEqual([]);
  // and the service goes on serving
  const next = await chat({ model: 'mock-chat', messages: [{ role: 'user', content: 'hi' }] });
  expect(next.status).toBe(200);
});
