import type { Deployment } from '../deployment';
import { classifyProviderError } from '../error.classifier';
import { dep } from '../testing/fixtures';
import { upstreamChatRequest } from './chat-request.adapter';
import { RequestRefusedError } from './request-refused.error';

const deepseek = (upstreamModel: string, extra: Partial<Deployment> = {}): Deployment => ({
  ...dep('dep_ds', 'ds', 1, 'deepseek'),
  baseUrl: 'https://api.deepseek.com',
  upstreamModel,
  ...extra,
});
const user = (content: unknown) => ({ role: 'user', content });
const refusal = (run: () => unknown): RequestRefusedError => {
  try {
    run();
  } catch (err) {
    if (err instanceof RequestRefusedError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
};

describe('upstreamChatRequest', () => {
  it('sends the deployment model, passes unknown fields (reasoning_content on a tool-call turn) through untouched', () => {
    const messages = [
      user('weather?'),
      { role: 'assistant', content: '', reasoning_content: 'I should call the tool', tool_calls: [{ id: 'c1', type: 'function' }] },
      { role: 'tool', tool_call_id: 'c1', content: 'sunny' },
    ];
    const req = upstreamChatRequest(
      { model: 'alias', messages, thinking: { type: 'enabled' }, reasoning_effort: 'max', foo: 1 },
      deepseek('deepseek-flash'),
      false,
    );
    expect(req.url).toBe('https://api.deepseek.com/chat/completions');
    expect(req.body).toEqual({
      model: 'deepseek-flash',
      messages,
      thinking: { type: 'enabled' },
      reasoning_effort: 'max',
      foo: 1,
      stream: false,
    });
  });

  it('maps retired DeepSeek names by the table, with the thinking mode the old name implied unless the caller chose one', () => {
    const chat = upstreamChatRequest({ model: 'a', messages: [user('hi')] }, deepseek('deepseek-chat'), false);
    expect(chat.body).toMatchObject({ model: 'deepseek-flash', thinking: { type: 'disabled' } });
    const reasoner = upstreamChatRequest({ model: 'a', messages: [user('hi')] }, deepseek('deepseek-reasoner'), false);
    expect(reasoner.body).toMatchObject({ model: 'deepseek-flash', thinking: { type: 'enabled' } });
    const chosen = upstreamChatRequest(
      { model: 'a', messages: [user('hi')], thinking: { type: 'enabled' } },
      deepseek('deepseek-chat'),
      false,
    );
    expect(chosen.body.thinking).toEqual({ type: 'enabled' });
    const v4 = upstreamChatRequest({ model: 'a', messages: [user('hi')] }, deepseek('deepseek-v4-flash'), false);
    expect(v4.body).toEqual({ model: 'deepseek-flash', messages: [user('hi')], stream: false });
  });

  it('asks for usage on a stream, keeping the caller stream options', () => {
    const req = upstreamChatRequest(
      { model: 'a', messages: [user('hi')], stream: true, stream_options: { x: 1 } },
      deepseek('deepseek-flash'),
      true,
    );
    expect(req.body).toMatchObject({ stream: true, stream_options: { x: 1, include_usage: true } });
  });

  it.each([
    [{ thinking: { type: 'on' } }, 'thinking.type'],
    [{ thinking: 'enabled' }, 'thinking.type'],
    [{ reasoning_effort: 'medium' }, 'reasoning_effort'],
    [{ max_tokens: 400_000 }, 'max_tokens'],
  ])('refuses DeepSeek parameter %j naming %s', (extra, param) => {
    const err = refusal(() => upstreamChatRequest({ model: 'a', messages: [user('hi')], ...extra }, deepseek('deepseek-flash'), false));
    expect(err.error.param).toBe(param);
    // read by the classifier as the client's fault: a 400, no failover, no cooldown
    expect(classifyProviderError(err)).toMatchObject({ kind: 'bad_request', failover: false, clientStatus: 400, param });
  });

  it('leaves reasoning_effort of other providers alone (OpenAI takes "medium")', () => {
    const req = upstreamChatRequest(
      { model: 'a', messages: [user('hi')], reasoning_effort: 'medium' },
      dep('d', 'gpt', 1, 'openai'),
      false,
    );
    expect(req.body.reasoning_effort).toBe('medium');
  });

  it('refuses images to deepseek-v4-pro, naming the part; deepseek-flash takes them', () => {
    const messages = [
      user([
        { type: 'text', text: 'what is it?' },
        { type: 'image_url', image_url: { url: 'data:image/png;base64,AA' } },
      ]),
    ];
    const err = refusal(() => upstreamChatRequest({ model: 'a', messages }, deepseek('deepseek-v4-pro'), false));
    expect(err.error.param).toBe('messages[0].content[1]');
    expect(err.message).toContain('deepseek-v4-pro does not take images');
    expect(upstreamChatRequest({ model: 'a', messages }, deepseek('deepseek-flash'), false).body.messages).toEqual(messages);
  });

  it('refuses JSON mode without the word "json" in the prompt, for DeepSeek and OpenAI', () => {
    for (const d of [deepseek('deepseek-flash'), dep('d', 'gpt', 1, 'openai')]) {
      const err = refusal(() =>
        upstreamChatRequest({ model: 'a', messages: [user('list three colours')], response_format: { type: 'json_object' } }, d, false),
      );
      expect(err.error).toMatchObject({ param: 'messages', code: 'json_word_missing' });
    }
    const ok = upstreamChatRequest(
      { model: 'a', messages: [user([{ type: 'text', text: 'Answer in JSON' }])], response_format: { type: 'json_object' } },
      deepseek('deepseek-flash'),
      false,
    );
    expect(ok.jsonMode).toBe(true);
  });

  it('sends strict tool schemas to the strict-tools base URL (DeepSeek beta by default), others to the base URL', () => {
    const tools = (strict: boolean) => [{ type: 'function', function: { name: 'f', strict, parameters: { type: 'object' } } }];
    const body = (strict: boolean) => ({ model: 'a', messages: [user('hi')], tools: tools(strict) });
    expect(upstreamChatRequest(body(true), deepseek('deepseek-flash'), false).url).toBe('https://api.deepseek.com/beta/chat/completions');
    expect(upstreamChatRequest(body(false), deepseek('deepseek-flash'), false).url).toBe('https://api.deepseek.com/chat/completions');
    const own = deepseek('deepseek-flash', { strictToolsBaseUrl: 'http://proxy.test/ds-beta/' });
    expect(upstreamChatRequest(body(true), own, false).url).toBe('http://proxy.test/ds-beta/chat/completions');
    expect(upstreamChatRequest(body(true), dep('d', 'gpt', 1, 'openai'), false).url).toBe('http://provider.test/v1/chat/completions');
  });
});
