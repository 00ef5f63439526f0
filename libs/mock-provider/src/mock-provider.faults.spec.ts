import OpenAI from 'openai';
import { performance } from 'node:perf_hooks';
import { FaultSpec } from './fault-spec';
import { mockUsageFor, mockWordPieces } from './mock-answer';
import { MockProvider, startMockProvider } from './mock-provider.server';

const messages = [{ role: 'user' as const, content: 'tell me four words' }];
const answer = mockUsageFor(messages).answer;

describe('mock provider faults', () => {
  let mock: MockProvider;
  let client: OpenAI;
  beforeEach(async () => {
    mock = await startMockProvider({ models: ['mock-chat', 'mock-other'] });
    client = new OpenAI({ baseURL: mock.url, apiKey: 'sk-test', maxRetries: 0, logLevel: 'off' });
  });
  afterEach(() => mock.close());

  const ask = (model = 'mock-chat', headers?: Record<string, string>) => client.chat.completions.create({ model, messages }, { headers });
  const failure = (p: Promise<unknown>) =>
    p.then(
      () => undefined,
      (e: unknown) => e,
    );
  const streamText = async (stream: AsyncIterable<OpenAI.Chat.ChatCompletionChunk>, into: string[]) => {
    for await (const chunk of stream) into.push(chunk.choices[0]?.delta.content ?? '');
  };

  it('answers 429 with Retry-After and OpenAI rate-limit error the SDK recognises', async () => {
    mock.setFaults({ status: 429, retryAfter: 7 });
    const err = await failure(ask());
    expect(err).toBeInstanceOf(OpenAI.RateLimitError);
    const apiErr = err as InstanceType<typeof OpenAI.RateLimitError>;
    expect(apiErr.status).toBe(429);
    expect(apiErr.headers?.get('retry-after')).toBe('7');
    expect(apiErr.code).toBe('rate_limit_exceeded');
    expect(apiErr.message).toContain('injected by shoal-mock-provider');
  });

  it('sends a custom error body verbatim', async () => {
    mock.setFaults({ status: 503, errorBody: { error: { message: 'upstream down', type: 'custom', param: null, code: 'x' } } });
    const err = await failure(ask());
    expect(err).toBeInstanceOf(OpenAI.InternalServerError);
    expect(err).toMatchObject({ status: 503, code: 'x', type: 'custom' });
  });

  it('delays the whole response by latencyMs', async () => {
    mock.setFaults({ latencyMs: 300 });
    const started = performance.now();
    const completion = await ask();
    expect(performance.now() - started).toBeGreaterThanOrEqual(280);
    expect(completion.choices[0].message.content).toBe(answer);
  });

  it('sends stream headers, then stalls before the first chunk', async () => {
    mock.setFaults({ stallBeforeFirstTokenMs: 1500 });
    const res = await fetch(`${mock.url}/chat/completions`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ model: 'mock-chat', messages, stream: true }),
    });
    // The headers are here while no data is: a time-to-first-token timeout is what trips.
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = res.body!.getReader();
    const early = await Promise.race([reader.read().then(() => 'data'), new Promise((r) => setTimeout(() => r('nothing yet'), 100))]);
    expect(early).toBe('nothing yet');
    await reader.cancel();
  });

  it('delays the first streamed token by the stall, as the SDK sees it', async () => {
    mock.setFaults({ stallBeforeFirstTokenMs: 300 });
    const started = performance.now();
    const stream = await client.chat.completions.create({ model: 'mock-chat', messages, stream: true });
    const text: string[] = [];
    let firstAt = 0;
    for await (const chunk of stream) {
      firstAt ||= performance.now();
      text.push(chunk.choices[0]?.delta.content ?? '');
    }
    expect(firstAt - started).toBeGreaterThanOrEqual(280);
    expect(text.join('')).toBe(answer);
  });

  it('spaces chunks by interChunkDelayMs', async () => {
    mock.setFaults({ interChunkDelayMs: 60 });
    const started = performance.now();
    const text: string[] = [];
    await streamText(await client.chat.completions.create({ model: 'mock-chat', messages, stream: true }), text);
    // role + 6 words + finish + [DONE] = 9 writes, 8 gaps.
    expect(performance.now() - started).toBeGreaterThanOrEqual(8 * 60 * 0.9);
    expect(text.join('')).toBe(answer);
  });

  it('cuts the connection after N content chunks: the SDK stream throws after the partial text', async () => {
    mock.setFaults({ cutAfterChunks: 2 });
    const text: string[] = [];
    const stream = await client.chat.completions.create({ model: 'mock-chat', messages, stream: true });
    await expect(streamText(stream, text)).rejects.toThrow();
    expect(text.join('')).toBe(mockWordPieces(answer).slice(0, 2).join(''));
    expect(mock.callLog()[0].status).toBe(200);
  });

  it('still cuts when N is past the last word, so the stream never completes', async () => {
    mock.setFaults({ cutAfterChunks: 99 });
    const text: string[] = [];
    await expect(streamText(await client.chat.completions.create({ model: 'mock-chat', messages, stream: true }), text)).rejects.toThrow();
    expect(text.join('')).toBe(answer);
  });

  it('sends chunk N as invalid JSON: the SDK stream throws after the chunks before it', async () => {
    mock.setFaults({ malformedChunkAt: 3 });
    const text: string[] = [];
    const stream = await client.chat.completions.create({ model: 'mock-chat', messages, stream: true });
    await expect(streamText(stream, text)).rejects.toThrow(SyntaxError);
    expect(text.join('')).toBe(mockWordPieces(answer).slice(0, 2).join(''));
  });

  it('takes a per-request fault from the x-mock-fault header, over the server fault', async () => {
    mock.setFaults({ status: 500 });
    const err = await failure(ask('mock-chat', { 'x-mock-fault': JSON.stringify({ status: 503 } satisfies FaultSpec) }));
    expect(err).toMatchObject({ status: 503 });
    // An empty header spec means "no fault" for that request only.
    expect((await ask('mock-chat', { 'x-mock-fault': '{}' })).choices[0].message.content).toBe(answer);
    expect(await failure(ask())).toMatchObject({ status: 500 });
  });

  it('rejects an invalid x-mock-fault header with 400 naming the problem', async () => {
    const err = await failure(ask('mock-chat', { 'x-mock-fault': '{"latency": 5}' }));
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
    expect((err as Error).message).toContain('x-mock-fault');
  });

  it('applies a fault with times to the next N requests only', async () => {
    mock.setFaults({ status: 500, times: 2 });
    expect(await failure(ask())).toMatchObject({ status: 500 });
    expect(await failure(ask())).toMatchObject({ status: 500 });
    expect((await ask()).choices[0].message.content).toBe(answer);
    expect(mock.calls()).toBe(3);
    expect(mock.callLog().map((c) => c.status)).toEqual([500, 500, 200]);
  });

  it('limits a fault to onlyModels, without using up its times on other models', async () => {
    mock.setFaults({ status: 429, times: 1, onlyModels: ['mock-other'] });
    expect((await ask('mock-chat')).choices[0].message.content).toBe(answer);
    expect(await failure(ask('mock-other'))).toBeInstanceOf(OpenAI.RateLimitError);
    expect((await ask('mock-other')).model).toBe('mock-other');
  });

  it('clears server faults on reset, and takes initial faults from the options', async () => {
    const faulty = await startMockProvider({ faults: { status: 502 } });
    try {
      const c = new OpenAI({ baseURL: faulty.url, apiKey: 'k', maxRetries: 0, logLevel: 'off' });
      expect(await failure(c.chat.completions.create({ model: 'mock-chat', messages }))).toMatchObject({ status: 502 });
      faulty.reset();
      expect((await c.chat.completions.create({ model: 'mock-chat', messages })).choices[0].message.content).toBe(answer);
    } finally {
      await faulty.close();
    }
  });

  it('refuses a misspelled fault switch instead of silently ignoring it', () => {
    expect(() => mock.setFaults({ latency: 5 } as unknown as FaultSpec)).toThrow(/latency/);
  });

  it('closes promptly even while a stream is stalled', async () => {
    mock.setFaults({ stallBeforeFirstTokenMs: 60_000 });
    const stream = await client.chat.completions.create({ model: 'mock-chat', messages, stream: true });
    const reading = streamText(stream, []).then(
      () => 'ended',
      () => 'failed',
    );
    await mock.close();
    expect(await reading).toBe('failed');
    mock = await startMockProvider(); // afterEach closes it
  });
});
