// The pass-through provider path against real HTTP servers (the mock provider, and a bare Node
// server where a test needs to see the socket): JSON and streaming answers passed through with the
// alias as their model, usage read for metering, provider errors mapped, failover, and a client
// that leaves stopping the provider call.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChatCompletionsAnswer, UsageEvent } from '@shoal/contracts';
import { InMemoryHealthStore, loadDeploymentConfig } from '@shoal/model-routing';
import { ApiError, InProcessPoolConfigBus, configureRootLogger } from '@shoal/platform';
import { startMockProvider, type MockProvider } from '@shoal/testing';
import { PoolRouters } from '../pool-config/pool-routers';
import { ChatCompletionsService, type ChatBody } from './chat-completions.service';
import { ProviderHttpClient } from './provider-http.client';
import type { UsageEmitter } from './usage.emitter';

jest.setTimeout(60_000);

let good: MockProvider;
let failing: MockProvider;
const clients: ProviderHttpClient[] = [];
const ctx = { tenantId: 'ten_1', apiKeyId: 'key_1', runId: null, nodeId: null, callId: 'call_1' };

beforeAll(async () => {
  configureRootLogger({ service: 'test', level: 'silent' });
  good = await startMockProvider({ models: ['up-model'] });
  failing = await startMockProvider({ models: ['up-model'], faults: { status: 503 } });
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await good.close();
  await failing.close();
});

function service(deployments: Array<{ id: string; baseUrl: string; model?: string }>) {
  const config = loadDeploymentConfig({
    file: {
      deployments: deployments.map((d) => ({
        id: d.id,
        model: d.model ?? 'alias-chat',
        provider: 'openai-compatible',
        baseUrl: d.baseUrl,
        apiKey: 'mock',
        upstreamModel: 'up-model',
        weight: 1,
      })),
    },
    env: {},
  });
  // what each metered attempt ends as, in the shape of the usage entry (pricing is usage.emitter's own test)
  const events: Array<Partial<UsageEvent>> = [];
  const free = { input: '0', output: '0', total: '0', currency: 'USD' };
  const usage = {
    begin: async (c: { callId: string }, a: { model: string; deployment: { id: string; upstreamModel: string }; stream: boolean }) => ({
      progress: () => undefined,
      price: () => free,
      discard: async () => undefined,
      complete: async (u: { promptTokens: number; completionTokens: number }, status: UsageEvent['status']) => {
        events.push({
          callId: c.callId,
          deploymentId: a.deployment.id,
          model: a.model,
          upstreamModel: a.deployment.upstreamModel,
          stream: a.stream,
          status,
          promptTokens: u.promptTokens,
          completionTokens: u.completionTokens,
        });
        return free;
      },
    }),
  } as unknown as UsageEmitter;
  const router = new PoolRouters(
    { seed: config, reader: null, bus: new InProcessPoolConfigBus(), secrets: null, pollMs: 60_000 },
    new InMemoryHealthStore(),
  );
  const provider = new ProviderHttpClient();
  clients.push(provider);
  return { chat: new ChatCompletionsService(provider, router, usage, { maxAttempts: 3 }), events };
}

const body = (over: Partial<ChatBody> = {}): ChatBody => ({
  model: 'alias-chat',
  messages: [{ role: 'user', content: 'hello there' }],
  ...over,
});
const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');
async function drain(answer: ChatCompletionsAnswer): Promise<string> {
  if (answer.kind === 'json') return text(answer.body);
  let out = '';
  for await (const chunk of answer.body) out += text(chunk);
  return out;
}
const dataEvents = (sse: string) =>
  sse
    .split('\n\n')
    .filter((e) => e.startsWith('data: '))
    .map((e) => e.slice(6));

it('passes a JSON answer through with the alias as its model, and meters the provider-reported usage', async () => {
  const { chat, events } = service([{ id: 'dep_a', baseUrl: good.url }]);
  const answer = await chat.chatCompletions(ctx, body(), new AbortController().signal);
  expect(answer.kind).toBe('json');
  expect(answer.headers['x-shoal-deployment']).toBe('dep_a');
  const completion = JSON.parse(await drain(answer));
  expect(completion.model).toBe('alias-chat');
  expect(completion.choices[0].message.content.length).toBeGreaterThan(0);
  // the provider was asked for its own model name
  expect((good.callLog().at(-1)?.body as { model: string }).model).toBe('up-model');
  expect(events).toHaveLength(1);
  expect(events[0]).toMatchObject({
    callId: 'call_1',
    status: 'succeeded',
    stream: false,
    model: 'alias-chat',
    upstreamModel: 'up-model',
    promptTokens: completion.usage.prompt_tokens,
    completionTokens: completion.usage.completion_tokens,
  });
  expect(completion.usage.completion_tokens).toBeGreaterThan(0);
});

it('streams the provider events through, drops the usage chunk the client did not ask for, and meters it', async () => {
  const { chat, events } = service([{ id: 'dep_a', baseUrl: good.url }]);
  const sse = await drain(await chat.chatCompletions(ctx, body({ stream: true }), new AbortController().signal));
  const data = dataEvents(sse);
  expect(data.at(-1)).toBe('[DONE]');
  const chunks = data.slice(0, -1).map((d) => JSON.parse(d));
  expect(chunks.every((c) => c.model === 'alias-chat')).toBe(true);
  expect(chunks.some((c) => c.usage)).toBe(false);
  expect(chunks.every((c) => c.choices.length > 0)).toBe(true);
  // the provider was asked for usage all the same
  expect((good.callLog().at(-1)?.body as { stream_options?: unknown }).stream_options).toEqual({ include_usage: true });
  expect(events[0]).toMatchObject({ status: 'succeeded', stream: true });
  expect(events[0].completionTokens).toBeGreaterThan(0);
});

it('keeps the usage chunk for a client that asked for it', async () => {
  const { chat, events } = service([{ id: 'dep_a', baseUrl: good.url }]);
  const sse = await drain(
    await chat.chatCompletions(ctx, body({ stream: true, stream_options: { include_usage: true } }), new AbortController().signal),
  );
  const chunks = dataEvents(sse)
    .slice(0, -1)
    .map((d) => JSON.parse(d));
  const last = chunks.at(-1);
  expect(last.choices).toEqual([]);
  expect(last.usage.completion_tokens).toBe(events[0].completionTokens);
  expect(last.model).toBe('alias-chat');
});

it('fails over from a deployment that answers 503 to one that works, before the first byte', async () => {
  const { chat, events } = service([
    { id: 'dep_bad', baseUrl: failing.url },
    { id: 'dep_good', baseUrl: good.url },
  ]);
  for (let i = 0; i < 4; i++) {
    const answer = await chat.chatCompletions(ctx, body({ stream: i % 2 === 0 }), new AbortController().signal);
    expect(answer.headers['x-shoal-deployment']).toBe('dep_good');
    await drain(answer);
  }
  expect(events.every((e) => e.deploymentId === 'dep_good')).toBe(true);
});

it("maps a provider's refusal of the request to an OpenAI error with the provider's status and message, without failover", async () => {
  const { chat } = service([{ id: 'dep_a', baseUrl: good.url }]);
  const calls = good.calls();
  const err = await chat
    .chatCompletions(ctx, body({ messages: [{ role: 'user', content: 42 }] }), new AbortController().signal)
    .catch((e: unknown) => e);
  expect(err).toBeInstanceOf(ApiError);
  expect((err as ApiError).status).toBe(400);
  expect((err as ApiError).opts.param).toBe('messages[0].content');
  expect(good.calls() - calls).toBe(1);
});

it('answers 503 naming the model when every deployment fails', async () => {
  const { chat } = service([{ id: 'dep_bad', baseUrl: failing.url }]);
  const err = (await chat.chatCompletions(ctx, body(), new AbortController().signal).catch((e) => e)) as ApiError;
  expect(err).toBeInstanceOf(ApiError);
  expect(err.status).toBe(503);
  expect(err.message).toContain('alias-chat');
});

describe('a provider whose stream the test controls', () => {
  let server: http.Server;
  let url: string;
  let upstreamClosed: Promise<void>;
  let mode: 'slow' | 'cut' = 'slow';
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      req.resume();
      upstreamClosed = new Promise((resolve) => res.once('close', () => resolve()));
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const chunk = (content: string) =>
        `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', created: 1, model: 'up-model', choices: [{ index: 0, delta: { content } }] })}\n\n`;
      res.write(chunk('first'));
      if (mode === 'cut') setTimeout(() => res.destroy(), 50);
      else {
        const timer = setInterval(() => res.write(chunk('more')), 20);
        res.once('close', () => clearInterval(timer));
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('stops the provider call when the client leaves, and meters it as interrupted', async () => {
    mode = 'slow';
    const { chat, events } = service([{ id: 'dep_slow', baseUrl: url }]);
    const abort = new AbortController();
    const answer = await chat.chatCompletions(ctx, body({ stream: true }), abort.signal);
    if (answer.kind !== 'stream') throw new Error('expected a stream');
    expect(text((await answer.body.next()).value as Uint8Array)).toContain('first');
    abort.abort();
    await answer.body.return?.(undefined);
    await upstreamClosed; // would hang (and time the test out) if the provider's stream kept going
    expect(events[0]).toMatchObject({ status: 'interrupted', stream: true });
  });

  it('ends a stream that breaks after its first chunk with an explicit OpenAI-format error event', async () => {
    mode = 'cut';
    const { chat, events } = service([{ id: 'dep_cut', baseUrl: url }]);
    const sse = await drain(await chat.chatCompletions(ctx, body({ stream: true }), new AbortController().signal));
    const last = JSON.parse(dataEvents(sse).at(-1) as string);
    expect(last.error).toMatchObject({ type: 'api_error', code: 'upstream_stream_interrupted' });
    expect(sse).not.toContain('[DONE]');
    expect(events[0]).toMatchObject({ status: 'interrupted' });
  });
});
