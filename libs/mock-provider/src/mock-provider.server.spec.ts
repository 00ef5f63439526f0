import OpenAI from 'openai';
import { mockUsageFor } from './mock-answer';
import { MockProvider, startMockProvider } from './mock-provider.server';

const messages = [
  { role: 'system' as const, content: 'You are terse.' },
  { role: 'user' as const, content: 'What is  the\ncapital of France?' },
];

function client(mock: MockProvider, apiKey = 'sk-anything'): OpenAI {
  return new OpenAI({ baseURL: mock.url, apiKey, maxRetries: 0, logLevel: 'off' });
}

async function collect(stream: AsyncIterable<OpenAI.Chat.ChatCompletionChunk>): Promise<OpenAI.Chat.ChatCompletionChunk[]> {
  const chunks: OpenAI.Chat.ChatCompletionChunk[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return chunks;
}

describe('mock provider, as seen by the openai SDK', () => {
  let mock: MockProvider;
  beforeEach(async () => {
    mock = await startMockProvider();
  });
  afterEach(() => mock.close());

  it('answers with the last user message and OpenAI-shaped usage', async () => {
    const completion = await client(mock).chat.completions.create({ model: 'mock-chat', messages });
    const expected = mockUsageFor(messages);
    expect(completion).toMatchObject({
      object: 'chat.completion',
      model: 'mock-chat',
      system_fingerprint: 'shoal-mock',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Mock answer: What is  the\ncapital of France?' },
          finish_reason: 'stop',
          logprobs: null,
        },
      ],
      usage: { prompt_tokens: 9, completion_tokens: 8, total_tokens: 17, prompt_tokens_details: { cached_tokens: 0 } },
    });
    expect(completion.choices[0].message.content).toBe(expected.answer);
    expect(completion.id).toMatch(/^chatcmpl-/);
  });

  it('streams word deltas that concatenate to the answer, with no usage unless asked', async () => {
    const chunks = await collect(await client(mock).chat.completions.create({ model: 'mock-chat', messages, stream: true }));
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe(mockUsageFor(messages).answer);
    expect(chunks[0].choices[0].delta).toEqual({ role: 'assistant', content: '' });
    expect(chunks.length).toBe(1 + mockUsageFor(messages).completion_tokens + 1);
    expect(chunks.at(-1)?.choices[0]).toMatchObject({ delta: {}, finish_reason: 'stop' });
    expect(chunks.some((c) => c.usage)).toBe(false);
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(chunks.every((c) => c.object === 'chat.completion.chunk')).toBe(true);
  });

  it('answers a repeated question otherwise when scripted, per call, usage counted on what it sent', async () => {
    mock.setAnswers(({ question, take }) => (take === 1 ? undefined : `take ${take} of ${question.length} chars`));
    const first = await client(mock).chat.completions.create({ model: 'mock-chat', messages });
    expect(first.choices[0].message.content).toBe(mockUsageFor(messages).answer);
    const chunks = await collect(
      await client(mock).chat.completions.create({ model: 'mock-chat', messages, stream: true, stream_options: { include_usage: true } }),
    );
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe(`take 2 of ${messages[1].content.length} chars`);
    expect(chunks.at(-1)?.usage?.completion_tokens).toBe(5);
    mock.setAnswers(undefined);
    const again = await client(mock).chat.completions.create({ model: 'mock-chat', messages });
    expect(again.choices[0].message.content).toBe(mockUsageFor(messages).answer);
  });

  it('ends the stream with a usage chunk when stream_options.include_usage is set', async () => {
    const chunks = await collect(
      await client(mock).chat.completions.create({ model: 'mock-chat', messages, stream: true, stream_options: { include_usage: true } }),
    );
    const last = chunks.at(-1)!;
    const { answer: _answer, finish_reason: _finish, ...usage } = mockUsageFor(messages);
    expect(last.choices).toEqual([]);
    expect(last.usage).toEqual({ ...usage, prompt_tokens_details: { cached_tokens: 0 } });
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
  });

  it('truncates to max_tokens (and max_completion_tokens) with finish_reason length', async () => {
    const c = client(mock);
    const plain = await c.chat.completions.create({ model: 'mock-chat', messages, max_tokens: 4 });
    expect(plain.choices[0]).toMatchObject({ message: { content: 'Mock answer: What is' }, finish_reason: 'length' });
    expect(plain.usage?.completion_tokens).toBe(4);

    const chunks = await collect(await c.chat.completions.create({ model: 'mock-chat', messages, max_completion_tokens: 3, stream: true }));
    expect(chunks.map((ch) => ch.choices[0]?.delta.content ?? '').join('')).toBe('Mock answer: What');
    expect(chunks.at(-1)?.choices[0].finish_reason).toBe('length');
  });

  it('lists its models, marked as the mock', async () => {
    const models = [];
    for await (const model of client(mock).models.list()) models.push(model);
    expect(models).toEqual([expect.objectContaining({ id: 'mock-chat', object: 'model', owned_by: 'shoal-mock-provider' })]);
  });

  it('answers 404 model_not_found for a model it does not serve', async () => {
    const err = await client(mock)
      .chat.completions.create({ model: 'gpt-4o', messages })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.NotFoundError);
    expect(err).toMatchObject({ status: 404, code: 'model_not_found', param: 'model', type: 'invalid_request_error' });
  });

  it('answers 400 in the OpenAI error shape for a body that is not JSON or lacks messages', async () => {
    const post = (body: string) =>
      fetch(`${mock.url}/chat/completions`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
    const notJson = await post('{"model": "mock-chat",');
    expect(notJson.status).toBe(400);
    expect(await notJson.json()).toEqual({
      error: { message: expect.any(String), type: 'invalid_request_error', param: null, code: null },
    });

    const noMessages = await post(JSON.stringify({ model: 'mock-chat' }));
    expect(noMessages.status).toBe(400);
    expect(await noMessages.json()).toEqual({
      error: {
        message: expect.stringContaining('messages'),
        type: 'invalid_request_error',
        param: 'messages',
        code: 'missing_required_parameter',
      },
    });

    const err = await client(mock)
      .chat.completions.create({ model: 'mock-chat', messages: [] })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.BadRequestError);
  });

  it('counts and logs every chat completion request, rejected ones included, until reset', async () => {
    const c = client(mock);
    await c.chat.completions.create({ model: 'mock-chat', messages });
    await collect(await c.chat.completions.create({ model: 'mock-chat', messages, stream: true }));
    await c.chat.completions.create({ model: 'nope', messages }).catch(() => undefined);
    await c.models.list();

    expect(mock.calls()).toBe(3);
    const log = mock.callLog();
    expect(log.map(({ model, stream, status }) => ({ model, stream, status }))).toEqual([
      { model: 'mock-chat', stream: false, status: 200 },
      { model: 'mock-chat', stream: true, status: 200 },
      { model: 'nope', stream: false, status: 404 },
    ]);
    expect(log[0].headers.authorization).toBe('Bearer sk-anything');
    expect(log[0].body).toMatchObject({ model: 'mock-chat', messages });

    mock.reset();
    expect(mock.calls()).toBe(0);
    expect(mock.callLog()).toEqual([]);
  });

  it('reports health without auth', async () => {
    const res = await fetch(mock.url.replace(/\/v1$/, '/health'));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok' });
  });
});

describe('mock provider with an API key', () => {
  let mock: MockProvider;
  beforeAll(async () => {
    mock = await startMockProvider({ apiKey: 'sk-right', models: ['mock-chat', 'mock-other'] });
  });
  afterAll(() => mock.close());

  it('rejects a wrong key with 401 and accepts the right one', async () => {
    const err = await client(mock, 'sk-wrong')
      .chat.completions.create({ model: 'mock-chat', messages })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(err).toMatchObject({ status: 401, code: 'invalid_api_key' });
    await expect(client(mock, 'sk-wrong').models.list()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);

    const ok = await client(mock, 'sk-right').chat.completions.create({ model: 'mock-other', messages });
    expect(ok.model).toBe('mock-other');
  });

  it('rejects a request without any key', async () => {
    const res = await fetch(`${mock.url}/chat/completions`, { method: 'POST', body: JSON.stringify({ model: 'mock-chat', messages }) });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
  });
});

describe('mock provider call log', () => {
  it('keeps only the most recent calls, while calls() counts them all', async () => {
    const mock = await startMockProvider({ callLogLimit: 3 });
    try {
      for (let i = 0; i < 5; i++)
        await client(mock).chat.completions.create({ model: 'mock-chat', messages: [{ role: 'user', content: `q${i}` }] });
      expect(mock.calls()).toBe(5);
      const log = mock.callLog();
      expect(log).toHaveLength(3);
      expect(log.map((c) => (c.body as { messages: Array<{ content: string }> }).messages[0].content)).toEqual(['q2', 'q3', 'q4']);
      mock.reset();
      expect([mock.calls(), mock.callLog().length]).toEqual([0, 0]);
      // and the log fills and wraps around again from empty
      for (let i = 0; i < 4; i++)
        await client(mock).chat.completions.create({ model: 'mock-chat', messages: [{ role: 'user', content: `r${i}` }] });
      expect(mock.callLog().map((c) => (c.body as { messages: Array<{ content: string }> }).messages[0].content)).toEqual([
        'r1',
        'r2',
        'r3',
      ]);
    } finally {
      await mock.close();
    }
  });
});
