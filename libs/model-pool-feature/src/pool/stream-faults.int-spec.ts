// Failover and stream faults over real HTTP against the mock provider: keep-alive lines never count
// as the first token, a TTFT timeout fails over, a stream broken after its first token (stall,
// malformed chunk, cut) ends with an OpenAI-format error event and is metered as estimated; a blank
// JSON-mode stream is asked again, billed with the next;
// Retry-After is honoured, the alias's fallback chain followed, and a prompt too long for one
// deployment goes to a larger context window.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ChatCompletionsAnswer, UsageEvent } from '@shoal/contracts';
import { InMemoryHealthStore, loadDeploymentConfig } from '@shoal/model-routing';
import { InProcessPoolConfigBus, configureRootLogger } from '@shoal/platform';
import { PoolRouters } from '../pool-config/pool-routers';
import { startMockProvider, type FaultSpec, type MockProvider } from '@shoal/testing';
import { ChatCompletionsService, type ChatBody } from './chat-completions.service';
import { ProviderHttpClient } from './provider-http.client';
import type { UsageEmitter } from './usage.emitter';

jest.setTimeout(60_000);

const ctx = { tenantId: 'ten_1', apiKeyId: 'key_1', runId: null, nodeId: null, callId: 'call_1' };
const mocks: MockProvider[] = [];
const clients: ProviderHttpClient[] = [];

beforeAll(() => configureRootLogger({ service: 'test', level: 'silent' }));
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await Promise.all(mocks.map((m) => m.close()));
});

async function mock(faults?: FaultSpec): Promise<MockProvider> {
  const m = await startMockProvider({ models: ['up-model'], faults });
  mocks.push(m);
  return m;
}

interface Dep {
  id: string;
  url: string;
  model?: string;
  contextWindow?: number;
  maxConcurrency?: number;
}

function service(deps: Dep[], aliases: object[] = []) {
  const config = loadDeploymentConfig({
    file: {
      deployments: deps.map((d) => ({
        id: d.id,
        model: d.model ?? 'alias-chat',
        provider: 'openai-compatible',
        baseUrl: d.url,
        apiKey: 'mock',
        upstreamModel: 'up-model',
        ...(d.contextWindow ? { contextWindow: d.contextWindow } : {}),
        ...(d.maxConcurrency ? { maxConcurrency: d.maxConcurrency } : {}),
      })),
      aliases,
    },
    env: {},
  });
  const events: Array<Partial<UsageEvent>> = [];
  const free = { input: '0', output: '0', total: '0', currency: 'USD' };
  const usage = {
    begin: async (_c: unknown, a: { deployment: { id: string } }) => ({
      progress: () => undefined,
      price: () => free,
      discard: async () => undefined,
      complete: async (
        u: { promptTokens: number; completionTokens: number },
        status: UsageEvent['status'],
        _cost: unknown,
        o?: { estimated?: boolean },
      ) => {
        events.push({
          deploymentId: a.deployment.id,
          status,
          promptTokens: u.promptTokens,
          completionTokens: u.completionTokens,
          estimated: o?.estimated ?? false,
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
  messages: [{ role: 'user', content: 'hello there, tell me something' }],
  stream: true,
  ...over,
});

async function drain(answer: ChatCompletionsAnswer): Promise<string> {
  if (answer.kind === 'json') return Buffer.from(answer.body).toString('utf8');
  let out = '';
  for await (const chunk of answer.body) out += Buffer.from(chunk).toString('utf8');
  return out;
}
const dataOf = (sse: string) =>
  sse
    .split('\n\n')
    .filter((e) => e.startsWith('data: '))
    .map((e) => e.slice(6));
const contentOf = (sse: string) =>
  dataOf(sse)
    .filter((d) => d !== '[DONE]')
    .map((d) => JSON.parse(d) as { choices?: Array<{ delta?: { content?: string } }> })
    .map((c) => c.choices?.[0]?.delta?.content ?? '')
    .join('');

describe('before the first content token', () => {
  it('keep-alive lines neither count as the first token nor reach the client', async () => {
    const m = await mock({ keepAliveLines: 6, keepAliveIntervalMs: 20 });
    const { chat } = service([{ id: 'dep_queue', url: m.url }], [{ name: 'alias-chat', ttftTimeoutMs: 5_000 }]);
    const sse = await drain(await chat.chatCompletions(ctx, body(), new AbortController().signal));
    expect(sse).not.toContain('keep-alive');
    expect(sse.startsWith('data: ')).toBe(true);
    expect(dataOf(sse).at(-1)).toBe('[DONE]');
    expect(contentOf(sse).length).toBeGreaterThan(0);
  });

  it('a deployment that sends only keep-alives past the TTFT timeout is failed over', async () => {
    const queued = await mock({ keepAliveLines: 200, keepAliveIntervalMs: 50 });
    const good = await mock();
    const { chat, events } = service(
      [
        { id: 'dep_queued', url: queued.url },
        { id: 'dep_good', url: good.url },
      ],
      [{ name: 'alias-chat', ttftTimeoutMs: 400 }],
    );
    const answer = await chat.chatCompletions(ctx, body(), new AbortController().signal);
    expect(answer.headers['x-shoal-deployment']).toBe('dep_good');
    const sse = await drain(answer);
    expect(sse).not.toContain('keep-alive');
    expect(dataOf(sse).at(-1)).toBe('[DONE]');
    expect(queued.calls()).toBe(1);
    expect(events).toEqual([expect.objectContaining({ deploymentId: 'dep_good', status: 'succeeded' })]);
  });

  it('a stream cut before its first content token fails over: the client sees one clean answer', async () => {
    const cut = await mock({ cutAfterChunks: 0 });
    const good = await mock();
    const { chat } = service([
      { id: 'dep_cut', url: cut.url },
      { id: 'dep_good', url: good.url },
    ]);
    const answer = await chat.chatCompletions(ctx, body(), new AbortController().signal);
    expect(answer.headers['x-shoal-deployment']).toBe('dep_good');
    const sse = await drain(answer);
    expect(sse).not.toContain('"error"');
    expect(dataOf(sse).filter((d) => d.includes('"role"'))).toHaveLength(1);
  });
});

describe('after the first content token', () => {
  const cases: Array<[string, FaultSpec, string]> = [
    // chunks 20 ms apart, so that the first content token reaches the client before the fault
    ['a stall past stallTimeoutMs', { stallAfterChunks: 2, stallMs: 30_000, interChunkDelayMs: 20 }, 'upstream_stream_stalled'],
    ['a malformed chunk', { malformedChunkAt: 3, interChunkDelayMs: 20 }, 'upstream_stream_malformed'],
    ['an upstream cut', { cutAfterChunks: 2, interChunkDelayMs: 20 }, 'upstream_stream_interrupted'],
  ];
  it.each(cases)('%s ends the stream with an OpenAI-format error event, never [DONE], metered as estimated', async (_name, fault, code) => {
    const m = await mock(fault);
    const spare = await mock();
    const { chat, events } = service(
      [
        { id: 'dep_faulty', url: m.url },
        { id: 'dep_spare', url: spare.url },
      ],
      [{ name: 'alias-chat', stallTimeoutMs: 300 }],
    );
    const answer = await chat.chatCompletions(ctx, body(), new AbortController().signal);
    expect(answer.headers['x-shoal-deployment']).toBe('dep_faulty');
    const sse = await drain(answer);
    const data = dataOf(sse);
    expect(JSON.parse(data.at(-1) as string)).toEqual({ error: { message: expect.any(String), type: 'api_error', param: null, code } });
    expect(sse).not.toContain('[DONE]');
    expect(contentOf(sse.slice(0, sse.lastIndexOf('data: {"error"'))).length).toBeGreaterThan(0);
    // no second answer spliced in from the spare deployment
    expect(spare.calls()).toBe(0);
    expect(events).toEqual([expect.objectContaining({ deploymentId: 'dep_faulty', status: 'interrupted', estimated: true })]);
    expect(events[0].completionTokens).toBeGreaterThan(0);
  });

  it('a stream the provider completes with its usage is metered exactly, not estimated', async () => {
    const { chat, events } = service([{ id: 'dep_a', url: (await mock()).url }]);
    await drain(await chat.chatCompletions(ctx, body(), new AbortController().signal));
    expect(events).toEqual([expect.objectContaining({ status: 'succeeded', estimated: false })]);
  });
});

describe('usage the provider never sent', () => {
  it('a JSON answer without usage is metered with an estimate, flagged estimated', async () => {
    const server = http.createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id: 'c',
          object: 'chat.completion',
          model: 'up-model',
          choices: [{ index: 0, message: { role: 'assistant', content: 'twelve chars' }, finish_reason: 'stop' }],
        }),
      );
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { chat, events } = service([{ id: 'dep_nousage', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1` }]);
      await drain(await chat.chatCompletions(ctx, body({ stream: false }), new AbortController().signal));
      expect(events).toEqual([expect.objectContaining({ status: 'succeeded', estimated: true, completionTokens: 3 })]);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});

describe('a blank JSON-mode stream', () => {
  const jsonMode = body({ response_format: { type: 'json_object' } } as Partial<ChatBody>);
  // 'hello there, tell me something': 30 characters, an estimated prompt of 8 tokens
  const promptEstimate = 8;

  it('asked again where the provider sends no usage: one row, both calls estimated, the client sees the JSON alone', async () => {
    const event = (delta: object, finish: string | null = null) =>
      `data: ${JSON.stringify({ id: 'c', object: 'chat.completion.chunk', model: 'up-model', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
    const answers = [
      [
        event({ role: 'assistant', content: '' }),
        event({ content: '\n' }),
        event({ content: '  ' }),
        event({}, 'stop'),
        'data: [DONE]\n\n',
      ],
      [
        event({ role: 'assistant', content: '' }),
        event({ content: '{"a":' }),
        event({ content: '1}' }),
        event({}, 'stop'),
        'data: [DONE]\n\n',
      ],
    ];
    let calls = 0;
    const server = http.createServer((req, res) => {
      req.resume();
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(answers[Math.min(calls++, answers.length - 1)].join(''));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { chat, events } = service([{ id: 'dep_nousage', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1` }]);
      const sse = await drain(await chat.chatCompletions(ctx, jsonMode, new AbortController().signal));
      expect(contentOf(sse)).toBe('{"a":1}');
      expect(dataOf(sse).filter((d) => d.includes('"role"'))).toHaveLength(1);
      expect(calls).toBe(2);
      // the whitespace chunks count in the estimate: the provider bills them
      expect(events).toEqual([
        { deploymentId: 'dep_nousage', status: 'succeeded', promptTokens: 2 * promptEstimate, completionTokens: 4, estimated: true },
      ]);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('whose second ask fails is billed as failed on its deployment, and the call fails over to the next', async () => {
    const blank = await mock({ status: 503, share: 0.5 }); // the second request it gets is a 503
    blank.setAnswers(() => '\n\n');
    const good = await mock();
    good.setAnswers(() => '{"ok": true}');
    const { chat, events } = service([
      { id: 'dep_blank', url: blank.url },
      { id: 'dep_good', url: good.url },
    ]);
    const answer = await chat.chatCompletions(ctx, jsonMode, new AbortController().signal);
    expect(answer.headers['x-shoal-deployment']).toBe('dep_good');
    expect(contentOf(await drain(answer))).toBe('{"ok": true}');
    expect(blank.callLog().map((c) => c.status)).toEqual([200, 503]);
    expect(events).toEqual([
      expect.objectContaining({ deploymentId: 'dep_blank', status: 'failed', completionTokens: 0, estimated: false }),
      expect.objectContaining({ deploymentId: 'dep_good', status: 'succeeded', estimated: false }),
    ]);
  });
});

describe('limits', () => {
  it('a deployment at its concurrency cap gets no more calls until a stream on it ends', async () => {
    const capped = await mock({ interChunkDelayMs: 30 });
    const other = await mock();
    const { chat } = service([
      { id: 'dep_capped', url: capped.url, maxConcurrency: 1 },
      { id: 'dep_other', url: other.url },
    ]);
    const first = await chat.chatCompletions(ctx, body(), new AbortController().signal);
    expect(first.headers['x-shoal-deployment']).toBe('dep_capped');
    // weighted round robin alone would send the next two calls one to each deployment
    for (let i = 0; i < 2; i++) {
      const next = await chat.chatCompletions(ctx, body({ stream: false }), new AbortController().signal);
      expect(next.headers['x-shoal-deployment']).toBe('dep_other');
    }
    await drain(first);
    const seen = new Set<string>();
    for (let i = 0; i < 4; i++)
      seen.add(
        (await chat.chatCompletions(ctx, body({ stream: false }), new AbortController().signal)).headers['x-shoal-deployment'] as string,
      );
    expect(seen.has('dep_capped')).toBe(true);
  });
});

describe('retries and fallbacks', () => {
  it("waits at least the provider's Retry-After before calling a lone deployment again", async () => {
    const m = await mock({ status: 429, retryAfter: 1, times: 1 });
    const { chat } = service([{ id: 'dep_a', url: m.url }]);
    const answer = await chat.chatCompletions(ctx, body({ stream: false }), new AbortController().signal);
    expect(answer.status).toBe(200);
    const log = m.callLog();
    expect(log.map((c) => c.status)).toEqual([429, 200]);
    expect(log[1].at - log[0].at).toBeGreaterThanOrEqual(1_000);
  });

  it("follows the alias's fallback chain, in order", async () => {
    const a = await mock({ status: 503 });
    const b = await mock({ status: 500 });
    const c = await mock();
    const { chat } = service(
      [
        { id: 'dep_a', url: a.url, model: 'alias-chat' },
        { id: 'dep_b', url: b.url, model: 'second' },
        { id: 'dep_c', url: c.url, model: 'third' },
      ],
      [{ name: 'alias-chat', fallbacks: ['second', 'third'] }],
    );
    const answer = await chat.chatCompletions(ctx, body(), new AbortController().signal);
    expect(answer.headers['x-shoal-deployment']).toBe('dep_c');
    expect(dataOf(await drain(answer)).at(-1)).toBe('[DONE]');
    expect([a.calls(), b.calls(), c.calls()]).toEqual([1, 1, 1]);
  });

  it('sends a prompt too long for one deployment to one with a larger context window', async () => {
    const tooLong = {
      status: 400,
      errorBody: {
        error: {
          message: "This model's maximum context length is 8192 tokens",
          type: 'invalid_request_error',
          code: 'context_length_exceeded',
        },
      },
    };
    const small = await mock(tooLong);
    const big = await mock();
    const { chat } = service(
      [
        { id: 'dep_small', url: small.url, contextWindow: 8_192 },
        { id: 'dep_big', url: big.url, model: 'long-chat', contextWindow: 128_000 },
      ],
      [{ name: 'alias-chat', fallbacks: ['long-chat'] }],
    );
    const answer = await chat.chatCompletions(ctx, body({ stream: false }), new AbortController().signal);
    expect(answer.headers['x-shoal-deployment']).toBe('dep_big');
    expect([small.calls(), big.calls()]).toEqual([1, 1]);
  });
});
