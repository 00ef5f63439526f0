// Standalone calls model-pool in process: a chat completion (JSON and streamed) and a workflow run's
// LLM node reach the provider without one HTTP request to the process's own model-pool routes.
import { randomBytes } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { loadDeploymentConfig } from '@shoal/model-routing';
import { createHttpApp, listen } from '@shoal/platform';
import { createTestDatabase, freePort, mockEmbedding, startMockProvider, type MockProvider, type TestDatabase } from '@shoal/testing';
import { StandaloneModule } from './standalone.module';

jest.setTimeout(60_000);

const KEY = 'sk-shoal-in-process-chat-0123456789';
let db: TestDatabase;
let mock: MockProvider;
let app: NestFastifyApplication;
let url: string;
const seen: string[] = [];
const auth = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };

beforeAll(async () => {
  db = await createTestDatabase('in_process_chat');
  mock = await startMockProvider({ models: ['mock-chat', 'mock-embed'] });
  const port = await freePort();
  url = `http://127.0.0.1:${port}`;
  const deployments = loadDeploymentConfig({
    file: {
      deployments: [
        { id: 'dep_mock', model: 'mock-chat', provider: 'openai-compatible', baseUrl: mock.url, apiKey: 'mock', weight: 1 },
        { id: 'dep_embed', model: 'mock-embed', provider: 'openai-compatible', baseUrl: mock.url, apiKey: 'mock', weight: 1 },
      ],
    },
    env: {},
  });
  app = await createHttpApp(
    StandaloneModule.register({
      databaseUrl: db.url,
      databaseConnections: 5,
      selfUrl: url,
      internalToken: randomBytes(16).toString('hex'),
      bootstrapKey: KEY,
      deployments,
      engineConcurrency: 2,
    }),
    { shutdownHooks: false },
  );
  // every request this process serves, by path
  (app.getHttpAdapter().getInstance() as FastifyInstance).addHook('onRequest', async (req) => void seen.push(req.url));
  await listen(app, { port, host: '127.0.0.1' });
});

afterAll(async () => {
  await app?.close();
  await mock?.close();
  await db?.drop();
});

const chat = (body: object) => fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: auth, body: JSON.stringify(body) });

it('answers chat completions, JSON and streamed, without a request to its own model-pool routes', async () => {
  const calls = mock.calls();
  const json = await chat({ model: 'mock-chat', messages: [{ role: 'user', content: 'hello there' }] });
  expect(json.status).toBe(200);
  expect(((await json.json()) as { choices: Array<{ message: { content: string } }> }).choices[0].message.content.length).toBeGreaterThan(
    0,
  );
  const stream = await chat({ model: 'mock-chat', stream: true, messages: [{ role: 'user', content: 'hello there' }] });
  expect(stream.status).toBe(200);
  expect((await stream.text()).trimEnd().endsWith('data: [DONE]')).toBe(true);
  const models = await fetch(`${url}/v1/models`, { headers: auth });
  expect(((await models.json()) as { data: Array<{ id: string }> }).data.map((m) => m.id)).toEqual(['mock-chat', 'mock-embed']);
  expect(mock.calls() - calls).toBe(2);
  expect(seen.filter((p) => p.startsWith('/pool/'))).toEqual([]);
  expect(seen.filter((p) => p.startsWith('/v1/chat/completions'))).toHaveLength(2);
});

it('answers embeddings through the gateway, in process', async () => {
  const res = await fetch(`${url}/v1/embeddings`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({ model: 'mock-embed', input: ['a b', 'c'] }),
  });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { model: string; data: Array<{ embedding: number[] }> };
  expect(body.model).toBe('mock-embed');
  expect(body.data.map((d) => d.embedding)).toEqual([mockEmbedding('a b'), mockEmbedding('c')]);
  expect(seen.filter((p) => p.startsWith('/pool/'))).toEqual([]);
});

it("runs a workflow's LLM node without a request to its own model-pool routes", async () => {
  const wf = (await (
    await fetch(`${url}/v1/workflows`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({
        name: 'in-process',
        graph: {
          nodes: [
            { id: 'start', data: { type: 'start', variables: [{ variable: 'q', type: 'text-input', required: true }] } },
            { id: 'llm', data: { type: 'llm', model: { name: 'mock-chat' }, prompt_template: [{ role: 'user', text: '{{#start.q#}}' }] } },
            { id: 'end', data: { type: 'end', outputs: [{ variable: 'a', value_selector: ['llm', 'text'] }] } },
          ],
          edges: [
            { source: 'start', target: 'llm' },
            { source: 'llm', target: 'end' },
          ],
        },
      }),
    })
  ).json()) as { id: string };
  const calls = mock.calls();
  const run = await fetch(`${url}/v1/workflows/${wf.id}/runs`, {
    method: 'POST',
    headers: auth,
    body: JSON.stringify({ inputs: { q: 'what is in process?' }, response_mode: 'blocking' }),
  });
  const body = (await run.json()) as { status: string; outputs: { a: string } };
  expect(body.status).toBe('succeeded');
  expect(body.outputs.a).toContain('what is in process?');
  expect(mock.calls() - calls).toBe(1);
  expect(seen.filter((p) => p.startsWith('/pool/'))).toEqual([]);
});
