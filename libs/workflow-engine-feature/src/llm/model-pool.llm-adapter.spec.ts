import type { ChatCompletionsAnswer, ChatCompletionsPort } from '@shoal/contracts';
import { ApiError, ModelPoolBrokeOffError } from '@shoal/platform';
import { ModelPoolLlmAdapter } from './model-pool.llm-adapter';

const req = {
  callId: 'run_1:llm:1',
  runId: 'run_1',
  nodeId: 'llm',
  model: 'mock-chat',
  messages: [{ role: 'user' as const, content: 'hi' }],
  params: {},
};
const bytes = (s: string) => Buffer.from(s);
async function* stream(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield bytes(p);
}
function port(...answers: Array<ChatCompletionsAnswer | Error>): ChatCompletionsPort & { calls: unknown[] } {
  const calls: unknown[] = [];
  return {
    calls,
    chatCompletions: async (ctx, body) => {
      calls.push({ ctx, body });
      const next = answers.shift();
      if (!next) throw new Error('no more answers');
      if (next instanceof Error) throw next;
      return next;
    },
    models: async () => [],
    embeddings: () => Promise.reject(new Error('not used')),
  };
}
const json = (status: number, body: object): ChatCompletionsAnswer => ({
  status,
  headers: {},
  kind: 'json',
  body: bytes(JSON.stringify(body)),
});
const caller = { tenantId: 'ten_1', apiKeyId: 'key_1' };

it('reads a JSON answer: text, usage, finish reason, and calls with the node call id', async () => {
  const p = port(
    json(200, {
      model: 'mock-chat',
      choices: [{ message: { content: 'hello' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
    }),
  );
  const out = await new ModelPoolLlmAdapter(p, caller).chat(req);
  expect(out).toMatchObject({ text: 'hello', finishReason: 'stop', usage: { promptTokens: 3, completionTokens: 1, totalTokens: 4 } });
  expect(p.calls[0]).toMatchObject({
    ctx: { callId: 'run_1:llm:1', tenantId: 'ten_1', runId: 'run_1', nodeId: 'llm' },
    body: { stream: false },
  });
});

it('reads a stream split anywhere, passing each text delta on', async () => {
  const chunk = (o: object) => `data: ${JSON.stringify(o)}\n\n`;
  const sse =
    chunk({ model: 'mock-chat', choices: [{ delta: { content: 'hel' } }] }) +
    chunk({ model: 'mock-chat', choices: [{ delta: { content: 'lo' }, finish_reason: 'stop' }] }) +
    chunk({ model: 'mock-chat', choices: [], usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } }) +
    'data: [DONE]\n\n';
  const parts = [sse.slice(0, 7), sse.slice(7, 50), sse.slice(50)];
  const deltas: string[] = [];
  const out = await new ModelPoolLlmAdapter(port({ status: 200, headers: {}, kind: 'stream', body: stream(...parts) }), caller).chat({
    ...req,
    onChunk: (d) => deltas.push(d),
  });
  expect(deltas).toEqual(['hel', 'lo']);
  expect(out).toMatchObject({ text: 'hello', finishReason: 'stop', usage: { totalTokens: 5 } });
});

it("fails the call on model-pool's error event after the first byte", async () => {
  const sse = `data: ${JSON.stringify({ choices: [{ delta: { content: 'hal' } }] })}\n\ndata: ${JSON.stringify({ error: { message: 'The upstream stream was interrupted' } })}\n\n`;
  const adapter = new ModelPoolLlmAdapter(port({ status: 200, headers: {}, kind: 'stream', body: stream(sse) }), caller);
  await expect(adapter.chat({ ...req, onChunk: () => undefined })).rejects.toThrow('The upstream stream was interrupted');
});

it('retries the hop on a 503 under a call id of its own each time, and gives a 400 up at once with its message', async () => {
  const ok = json(200, { choices: [{ message: { content: 'ok' }, finish_reason: 'stop' }] });
  const p = port(json(503, { error: { message: 'busy' } }), json(502, { error: { message: 'bad gateway' } }), ok);
  await expect(new ModelPoolLlmAdapter(p, caller).chat(req)).resolves.toMatchObject({ text: 'ok' });
  // model-pool may have metered attempts under the first id: the same id again would be dropped as a redelivery
  expect(p.calls.map((c) => (c as { ctx: { callId: string } }).ctx.callId)).toEqual([
    'run_1:llm:1',
    'run_1:llm:1:resend-1',
    'run_1:llm:1:resend-2',
  ]);
  const bad = port(json(400, { error: { message: "Invalid 'temperature'" } }));
  await expect(new ModelPoolLlmAdapter(bad, caller).chat(req)).rejects.toThrow("Invalid 'temperature'");
  expect(bad.calls).toHaveLength(1);
});

it('refuses parameters outside what providers accept before calling', async () => {
  const p = port();
  await expect(new ModelPoolLlmAdapter(p, caller).chat({ ...req, params: { temperature: 7 } })).rejects.toThrow('temperature');
  expect(p.calls).toHaveLength(0);
});

describe('model-pool unreachable', () => {
  const refused = () => new ApiError('upstream_unavailable', 'The model service is unavailable; retry shortly');
  const ok = () => json(200, { choices: [{ message: { content: 'ok' }, finish_reason: 'stop' }] });

  it('keeps retrying a refused connection past the hop retries, within the outage budget', async () => {
    jest.useFakeTimers();
    try {
      const p = port(refused(), refused(), refused(), refused(), ok());
      const answer = new ModelPoolLlmAdapter(p, { ...caller, outageRetryMs: 60_000 }).chat(req);
      await jest.advanceTimersByTimeAsync(20_000);
      await expect(answer).resolves.toMatchObject({ text: 'ok' });
      expect(p.calls).toHaveLength(5);
    } finally {
      jest.useRealTimers();
    }
  });

  it('waits out model-pool refusing calls it cannot meter (nothing reached a provider), within the outage budget', async () => {
    const notMade = (): ChatCompletionsAnswer => ({
      ...json(503, { error: { message: 'Usage metering is unavailable, so the call was not made; retry shortly' } }),
      headers: { 'x-shoal-call-not-made': 'metering', 'retry-after': '1' },
    });
    jest.useFakeTimers();
    try {
      const p = port(notMade(), notMade(), notMade(), notMade(), ok());
      const answer = new ModelPoolLlmAdapter(p, { ...caller, outageRetryMs: 60_000 }).chat(req);
      await jest.advanceTimersByTimeAsync(30_000);
      await expect(answer).resolves.toMatchObject({ text: 'ok' });
      // more tries than the hop's own retries, each under a call id of its own
      expect(p.calls).toHaveLength(5);
      expect(new Set(p.calls.map((c) => (c as { ctx: { callId: string } }).ctx.callId)).size).toBe(5);
    } finally {
      jest.useRealTimers();
    }
    const spent = port(notMade(), notMade(), notMade(), notMade());
    await expect(new ModelPoolLlmAdapter(spent, { ...caller, outageRetryMs: 1 }).chat(req)).rejects.toThrow('metering is unavailable');
  });

  it('gives up once the outage budget is spent', async () => {
    const p = port(refused(), refused(), refused(), refused());
    await expect(new ModelPoolLlmAdapter(p, { ...caller, outageRetryMs: 1 }).chat(req)).rejects.toThrow('unavailable');
  });

  it('never sends again a call model-pool broke off (it may have reached the provider), and says so', async () => {
    const p = port(new ModelPoolBrokeOffError(), ok());
    const onHopBroken = jest.fn();
    await expect(new ModelPoolLlmAdapter(p, { ...caller, onHopBroken }).chat(req)).rejects.toThrow('broke off');
    expect(p.calls).toHaveLength(1);
    expect(onHopBroken).toHaveBeenCalledTimes(1);
  });

  it('reports a stream that breaks mid-answer as the hop broken', async () => {
    async function* broken(): AsyncGenerator<Uint8Array> {
      yield bytes('data: {"choices":[{"delta":{"content":"half"}}]}\n\n');
      throw new Error('other side closed');
    }
    const p = port({ status: 200, headers: {}, kind: 'stream', body: broken() });
    const onHopBroken = jest.fn();
    await expect(new ModelPoolLlmAdapter(p, { ...caller, onHopBroken }).chat({ ...req, onChunk: () => undefined })).rejects.toThrow(
      'other side closed',
    );
    expect(onHopBroken).toHaveBeenCalledTimes(1);
  });
});

it('sends tools, few-shot tool calls, image parts and a response format as OpenAI takes them, and reads the calls back', async () => {
  const p = port(
    json(200, {
      choices: [
        {
          message: {
            content: null,
            tool_calls: [{ id: 'call_9', type: 'function', function: { name: 'extract_parameters', arguments: '{"a":1}' } }],
          },
          finish_reason: 'tool_calls',
        },
      ],
      usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 },
    }),
  );
  const out = await new ModelPoolLlmAdapter(p, caller).chat({
    ...req,
    messages: [
      { role: 'assistant', content: 'example', toolCalls: [{ id: 'ex', name: 'extract_parameters', arguments: '{}' }] },
      { role: 'tool', content: 'ok', toolCallId: 'ex' },
      { role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://img.example/a.png', detail: 'low' } }] },
    ],
    tools: [{ name: 'extract_parameters', description: 'd', parameters: { type: 'object' } }],
    responseFormat: { type: 'json_schema', name: 'structured_output', schema: { type: 'object' } },
  });
  expect(out).toMatchObject({
    text: '',
    finishReason: 'tool_calls',
    toolCalls: [{ id: 'call_9', name: 'extract_parameters', arguments: '{"a":1}' }],
  });
  expect((p.calls[0] as { body: unknown }).body).toMatchObject({
    messages: [
      {
        role: 'assistant',
        content: 'example',
        tool_calls: [{ id: 'ex', type: 'function', function: { name: 'extract_parameters', arguments: '{}' } }],
      },
      { role: 'tool', content: 'ok', tool_call_id: 'ex' },
      { role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://img.example/a.png', detail: 'low' } }] },
    ],
    tools: [{ type: 'function', function: { name: 'extract_parameters', description: 'd', parameters: { type: 'object' } } }],
    response_format: { type: 'json_schema', json_schema: { name: 'structured_output', schema: { type: 'object' } } },
  });
});
