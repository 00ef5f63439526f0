import OpenAI from 'openai';
import { mockUsageFor } from './mock-answer';
import { mockScript, mockScriptedTurn } from './mock-script';
import { MockProvider, startMockProvider } from './mock-provider.server';

describe('mock script (answers written in the prompt)', () => {
  it('reads answers, tool calls and reasoning, in order, from the last system or user message that has a script', () => {
    const script = '<mock-reasoning>think first</mock-reasoning><mock-answer>{"a": 1}</mock-answer>';
    const call = '<mock-tool-call name="extract_parameters">{"city": "Paris"}</mock-tool-call>';
    const turns = mockScript([
      { role: 'system', content: 'history: <mock-answer>an earlier turn</mock-answer>' },
      { role: 'user', content: [{ type: 'text', text: `now ${script} ${call}` }] },
      { role: 'assistant', content: '<mock-answer>ignored: assistants do not script</mock-answer>' },
      { role: 'user', content: 'no script here' },
    ]);
    expect(turns).toEqual([
      { content: '{"a": 1}', reasoning: 'think first' },
      { content: '', toolCall: { id: 'call_mock_2', name: 'extract_parameters', arguments: '{"city": "Paris"}' } },
    ]);
  });

  it('answers the next turn once an earlier one is in the conversation, and repeats the last', () => {
    const user = { role: 'user', content: '<mock-answer>bad</mock-answer><mock-answer>good</mock-answer>' };
    expect(mockScriptedTurn([user])?.content).toBe('bad');
    const repair = [user, { role: 'assistant', content: 'bad' }, { role: 'user', content: 'fix it' }];
    expect(mockScriptedTurn(repair)?.content).toBe('good');
    expect(mockScriptedTurn([...repair, { role: 'assistant', content: 'good' }, { role: 'user', content: 'again' }])?.content).toBe('good');
  });

  it('leaves unscripted prompts to the usual answer', () => {
    const messages = [{ role: 'user', content: 'hello <mock-answer unclosed' }];
    expect(mockScriptedTurn(messages)).toBeNull();
    expect(mockUsageFor(messages).answer).toBe('Mock answer: hello <mock-answer unclosed');
  });

  describe('over HTTP, as the openai SDK sees it', () => {
    let mock: MockProvider;
    let client: OpenAI;
    beforeAll(async () => {
      mock = await startMockProvider();
      client = new OpenAI({ baseURL: mock.url, apiKey: 'sk-x', maxRetries: 0, logLevel: 'off' });
    });
    afterAll(() => mock.close());

    it('answers a scripted JSON text, counting its tokens', async () => {
      const messages = [{ role: 'user' as const, content: 'give <mock-answer>{"name": "Ada", "age": 36}</mock-answer>' }];
      const c = await client.chat.completions.create({ model: 'mock-chat', messages });
      expect(JSON.parse(c.choices[0].message.content ?? '')).toEqual({ name: 'Ada', age: 36 });
      expect(c.usage?.completion_tokens).toBe(4);
    });

    it('answers a scripted function call, in JSON and streamed', async () => {
      const messages = [{ role: 'user' as const, content: '<mock-tool-call name="lookup">{"q": "x"}</mock-tool-call>' }];
      const tools = [{ type: 'function' as const, function: { name: 'lookup', parameters: { type: 'object' } } }];
      const c = await client.chat.completions.create({ model: 'mock-chat', messages, tools });
      expect(c.choices[0].finish_reason).toBe('tool_calls');
      expect(c.choices[0].message.tool_calls).toEqual([
        { id: 'call_mock_1', type: 'function', function: { name: 'lookup', arguments: '{"q": "x"}' } },
      ]);
      const stream = await client.chat.completions.create({ model: 'mock-chat', messages, tools, stream: true });
      const deltas: OpenAI.Chat.ChatCompletionChunk[] = [];
      for await (const chunk of stream) deltas.push(chunk);
      const call = deltas.flatMap((d) => d.choices[0]?.delta.tool_calls ?? [])[0];
      expect(call.function).toEqual({ name: 'lookup', arguments: '{"q": "x"}' });
      expect(deltas.at(-1)?.choices[0].finish_reason).toBe('tool_calls');
    });

    it('sends scripted reasoning as reasoning_content, apart from the content', async () => {
      const messages = [{ role: 'user' as const, content: '<mock-reasoning>step one</mock-reasoning><mock-answer>42</mock-answer>' }];
      const c = await client.chat.completions.create({ model: 'mock-chat', messages });
      expect(c.choices[0].message).toMatchObject({ content: '42', reasoning_content: 'step one' });
      const stream = await client.chat.completions.create({ model: 'mock-chat', messages, stream: true });
      let reasoning = '';
      let content = '';
      for await (const chunk of stream) {
        const d = chunk.choices[0]?.delta as { content?: string; reasoning_content?: string } | undefined;
        reasoning += d?.reasoning_content ?? '';
        content += d?.content ?? '';
      }
      expect({ reasoning, content }).toEqual({ reasoning: 'step one', content: '42' });
    });

    it('still applies faults to scripted requests', async () => {
      const messages = [{ role: 'user' as const, content: '<mock-answer>ok</mock-answer>' }];
      mock.setFaults({ status: 503, times: 1 });
      await expect(client.chat.completions.create({ model: 'mock-chat', messages })).rejects.toMatchObject({ status: 503 });
      const c = await client.chat.completions.create({ model: 'mock-chat', messages });
      expect(c.choices[0].message.content).toBe('ok');
    });
  });
});
