// The mock's DeepSeek behaviours, driven as a client would (the openai SDK and raw fetch).
import OpenAI from 'openai';
import { MOCK_REASONING_PREFIX } from './deepseek.behaviour';
import { mockEmbedding } from './embeddings.responder';
import { MockProvider, startMockProvider } from './mock-provider.server';

describe('mock provider: DeepSeek behaviours', () => {
  let mock: MockProvider;
  let client: OpenAI;
  beforeEach(async () => {
    mock = await startMockProvider({ models: ['deepseek-flash', 'deepseek-v4-pro', 'mock-embed'] });
    client = new OpenAI({ baseURL: mock.url, apiKey: 'sk-test', maxRetries: 0, logLevel: 'off' });
  });
  afterEach(() => mock.close());

  const failure = (p: Promise<unknown>) =>
    p.then(
      () => undefined,
      (e: unknown) => e as InstanceType<typeof OpenAI.APIError>,
    );
  const post = (body: object) =>
    fetch(`${mock.url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

  it('thinks by default: reasoning_content in the message, reasoning tokens and cache hit/miss in usage', async () => {
    const res = await post({
      model: 'deepseek-flash',
      messages: [
        { role: 'system', content: 'be brief please' },
        { role: 'user', content: 'hello there' },
      ],
    });
    const body = (await res.json()) as {
      choices: Array<{ message: { content: string; reasoning_content?: string } }>;
      usage: Record<string, unknown>;
    };
    expect(body.choices[0].message.reasoning_content).toBe(`${MOCK_REASONING_PREFIX}hello there`);
    expect(body.usage).toMatchObject({
      prompt_tokens: 5,
      prompt_cache_hit_tokens: 3,
      prompt_cache_miss_tokens: 2,
      completion_tokens_details: { reasoning_tokens: 4 },
    });
  });

  it('streams reasoning_content deltas before content, and none with thinking disabled', async () => {
    const deltas = async (thinking: 'enabled' | 'disabled') => {
      const res = await post({
        model: 'deepseek-flash',
        stream: true,
        thinking: { type: thinking },
        messages: [{ role: 'user', content: 'hi' }],
      });
      return (await res.text()).split('\n').filter((l) => l.includes('reasoning_content')).length;
    };
    expect(await deltas('enabled')).toBeGreaterThan(0);
    expect(await deltas('disabled')).toBe(0);
  });

  it.each([
    [{ model: 'deepseek-chat' }, 'model'],
    [{ reasoning_effort: 'medium' }, 'reasoning_effort'],
    [{ thinking: { type: 'auto' } }, 'thinking'],
    [{ model: 'deepseek-v4-pro', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'x' } }] }] }, 'messages'],
    [{ response_format: { type: 'json_object' } }, 'messages'],
    [{ tools: [{ type: 'function', function: { name: 'f', strict: true, parameters: {} } }] }, 'tools'],
    [
      {
        messages: [
          { role: 'user', content: 'weather?' },
          { role: 'assistant', content: '', tool_calls: [{ id: 'c', type: 'function', function: { name: 'w', arguments: '{}' } }] },
          { role: 'tool', tool_call_id: 'c', content: 'sunny' },
        ],
      },
      'messages[1].reasoning_content',
    ],
  ])('answers 400 to %j naming %s', async (extra, param) => {
    const res = await post({ model: 'deepseek-flash', messages: [{ role: 'user', content: 'hi' }], ...extra });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { param: string } }).error.param).toBe(param);
  });

  it('takes strict tools on /beta, and a tool-call turn that carries its reasoning back', async () => {
    const beta = await fetch(mock.url.replace(/\/v1$/, '/beta/chat/completions'), {
      method: 'POST',
      body: JSON.stringify({
        model: 'deepseek-flash',
        messages: [{ role: 'user', content: 'hi' }],
        tools: [{ type: 'function', function: { name: 'f', strict: true, parameters: {} } }],
      }),
    });
    expect(beta.status).toBe(200);
    const turn = await post({
      model: 'deepseek-flash',
      messages: [
        { role: 'user', content: 'weather?' },
        { role: 'assistant', content: '', reasoning_content: 'call it', tool_calls: [{ id: 'c', type: 'function' }] },
        { role: 'tool', tool_call_id: 'c', content: 'sunny' },
      ],
    });
    expect(turn.status).toBe(200);
  });

  it('answers JSON mode with a JSON object, or blank when the fault asks', async () => {
    const ask = () =>
      client.chat.completions.create({
        model: 'deepseek-flash',
        messages: [{ role: 'user', content: 'answer in json' }],
        response_format: { type: 'json_object' },
      });
    mock.setFaults({ blankAnswer: true, times: 1 });
    expect((await ask()).choices[0].message.content).toBe('');
    expect(JSON.parse((await ask()).choices[0].message.content ?? '')).toEqual({ answer: 'Mock answer: answer in json' });
  });

  it('streams a whitespace-only blank answer as one content delta, when the fault names the whitespace', async () => {
    mock.setFaults({ blankAnswer: '\n\n', times: 1 });
    const ask = () =>
      client.chat.completions.create({
        model: 'deepseek-flash',
        stream: true,
        stream_options: { include_usage: true },
        messages: [{ role: 'user', content: 'answer in json' }],
        response_format: { type: 'json_object' },
        ...({ thinking: { type: 'disabled' } } as object),
      });
    const read = async () => {
      const deltas: string[] = [];
      let usage: OpenAI.CompletionUsage | null | undefined;
      for await (const chunk of await ask()) {
        const content = chunk.choices[0]?.delta.content;
        if (content) deltas.push(content);
        usage ??= chunk.usage;
      }
      return { deltas, usage };
    };
    const blank = await read();
    expect(blank.deltas).toEqual(['\n\n']);
    expect(blank.usage).toMatchObject({ prompt_tokens: 3, completion_tokens: 0, total_tokens: 3 });
    expect(JSON.parse((await read()).deltas.join(''))).toEqual({ answer: 'Mock answer: answer in json' });
    expect(() => mock.setFaults({ blankAnswer: 'not blank' })).toThrow(/whitespace only/);
  });

  it('sends keep-alive lines while "queued": comments and blank lines on a stream, empty lines before JSON', async () => {
    mock.setFaults({ keepAliveLines: 2, keepAliveIntervalMs: 1 });
    const stream = await post({ model: 'deepseek-flash', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    expect((await stream.text()).startsWith(': keep-alive\n\n\ndata: ')).toBe(true);
    mock.setFaults({ keepAliveLines: 2, keepAliveIntervalMs: 1 });
    const json = await client.chat.completions.create({ model: 'deepseek-flash', messages: [{ role: 'user', content: 'hi' }] });
    expect(json.choices[0].message.content).toBe('Mock answer: hi');
  });

  it('answers each error code on demand, as the SDK classes them', async () => {
    for (const [status, cls] of [
      [402, OpenAI.APIError],
      [422, OpenAI.UnprocessableEntityError],
      [503, OpenAI.InternalServerError],
    ] as const) {
      mock.setFaults({ status, times: 1 });
      const err = await failure(client.chat.completions.create({ model: 'deepseek-flash', messages: [{ role: 'user', content: 'hi' }] }));
      expect(err).toBeInstanceOf(cls);
      expect(err?.status).toBe(status);
    }
  });

  it('serves embeddings deterministically, with usage', async () => {
    const a = await client.embeddings.create({ model: 'mock-embed', input: ['one two', 'three'] });
    const b = await client.embeddings.create({ model: 'mock-embed', input: 'one two', encoding_format: 'float' });
    expect(a.data.map((d) => d.index)).toEqual([0, 1]);
    expect(a.data[0].embedding).toEqual(b.data[0].embedding);
    expect(a.data[0].embedding).toEqual(mockEmbedding('one two'));
    expect(a.data[0].embedding).not.toEqual(a.data[1].embedding);
    expect(a.usage).toEqual({ prompt_tokens: 3, total_tokens: 3 });
  });
});
