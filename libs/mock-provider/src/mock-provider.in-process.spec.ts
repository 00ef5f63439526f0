import OpenAI from 'openai';
import { createInProcessMockProvider, IN_PROCESS_MOCK_URL } from './mock-provider.in-process';

describe('the mock provider served in process (no socket)', () => {
  const mock = createInProcessMockProvider();
  const client = new OpenAI({ baseURL: IN_PROCESS_MOCK_URL, apiKey: 'mock', fetch: mock.fetch, maxRetries: 0 });
  beforeEach(() => mock.reset());

  it('answers the openai SDK as the HTTP mock does', async () => {
    const res = await client.chat.completions.create({ model: 'mock-chat', messages: [{ role: 'user', content: 'hello there' }] });
    expect(res.choices[0]?.message.content).toBe('Mock answer: hello there');
    expect(mock.calls()).toBe(1);
  });

  it('streams chunk by chunk, with usage when asked', async () => {
    const stream = await client.chat.completions.create({
      model: 'mock-chat',
      messages: [{ role: 'user', content: 'hello there' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let chunks = 0;
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const c of stream) {
      chunks++;
      text += c.choices[0]?.delta?.content ?? '';
      usage = c.usage ?? usage;
    }
    expect(text).toBe('Mock answer: hello there');
    expect(chunks).toBeGreaterThan(2);
    expect(usage).toMatchObject({ prompt_tokens: 2, completion_tokens: 4 });
  });

  it('keeps the status, body and headers of an injected fault', async () => {
    mock.setFaults({ status: 429, retryAfter: 7, times: 1 });
    const res = await mock.fetch(`${IN_PROCESS_MOCK_URL}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mock-chat', messages: [{ role: 'user', content: 'x' }] }),
    });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('7');
    expect(((await res.json()) as { error: { type: string } }).error.type).toBeDefined();
  });
});
