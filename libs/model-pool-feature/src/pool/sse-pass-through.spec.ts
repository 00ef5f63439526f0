import { MAX_EVENT_BYTES, MalformedProviderStreamError, SsePassThrough } from './sse-pass-through';

const chunk = (o: object) => `data: ${JSON.stringify(o)}\n\n`;
const content = (text: string) => chunk({ id: 'c', model: 'up-model', choices: [{ index: 0, delta: { content: text } }], usage: null });
const usage = chunk({ id: 'c', model: 'up-model', choices: [], usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } });

function run(sse: SsePassThrough, input: string, pieceSize: number): string {
  const bytes = Buffer.from(input);
  let out = '';
  for (let i = 0; i < bytes.length; i += pieceSize) out += sse.push(bytes.subarray(i, i + pieceSize));
  return out + sse.flush();
}

it('passes events through whole however the bytes are split, multi-byte characters included', () => {
  const input = content('héllo 🌊') + content('wörld') + 'data: [DONE]\n\n';
  for (const size of [1, 3, 7, 1000]) {
    const sse = new SsePassThrough({ alias: 'up-model', clientWantsUsage: true });
    expect(run(sse, input, size)).toBe(input);
    expect(sse.contentChunks).toBe(2);
    expect(sse.sawDone).toBe(true);
  }
});

it('renames the model to the alias and reads the usage chunk', () => {
  const sse = new SsePassThrough({ alias: 'my-alias', clientWantsUsage: true });
  const out = run(sse, content('a') + usage, 5);
  expect(out).not.toContain('up-model');
  expect(out.match(/"model":"my-alias"/g)).toHaveLength(2);
  expect(sse.usage).toEqual({ prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 });
});

it('drops the usage-only chunk and strips usage elsewhere when the client did not ask for it', () => {
  const sse = new SsePassThrough({ alias: 'up-model', clientWantsUsage: false });
  const withUsage = chunk({
    id: 'c',
    model: 'up-model',
    choices: [{ index: 0, delta: {} }],
    usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
  });
  const out = run(sse, content('a') + withUsage + usage, 4);
  expect(out).not.toContain('"usage":{');
  expect(out.split('\n\n').filter(Boolean)).toHaveLength(2);
  expect(sse.usage).toEqual({ prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 });
});

it('reads CRLF-separated events and an unterminated last event', () => {
  const sse = new SsePassThrough({ alias: 'up-model', clientWantsUsage: true });
  const out = run(sse, content('a').replace(/\n/g, '\r\n') + 'data: [DONE]', 2);
  expect(out).toBe(content('a') + 'data: [DONE]\n\n');
});

it('refuses an event that never ends instead of buffering it without bound', () => {
  const sse = new SsePassThrough({ alias: 'up-model', clientWantsUsage: true });
  const piece = Buffer.alloc(1024 * 1024, 'a');
  expect(() => {
    for (let i = 0; i <= MAX_EVENT_BYTES / piece.length; i++) sse.push(piece);
  }).toThrow(MalformedProviderStreamError);
});

it('drops keep-alive comments and blank events before the first data event, and passes comments on after it', () => {
  const sse = new SsePassThrough({ alias: 'up-model', clientWantsUsage: true });
  expect(sse.push(Buffer.from(': keep-alive\n\n\n\n: keep-alive\n\n'))).toBe('');
  expect(sse.dataEvents).toBe(0);
  expect(sse.push(Buffer.from(content('a') + ': keep-alive\n\n'))).toBe(content('a') + ': keep-alive\n\n');
  expect(sse.dataEvents).toBe(1);
});

it('refuses a data line that is not a JSON object, and notes a finish reason', () => {
  const sse = new SsePassThrough({ alias: 'up-model', clientWantsUsage: true });
  expect(() => sse.push(Buffer.from('data: {"id":"c","choices":[{"delta":{"content":\n\n'))).toThrow(MalformedProviderStreamError);
  const ok = new SsePassThrough({ alias: 'up-model', clientWantsUsage: true });
  ok.push(Buffer.from(chunk({ id: 'c', choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] })));
  expect(ok.sawFinish).toBe(true);
});
