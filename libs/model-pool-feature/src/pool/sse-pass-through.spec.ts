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

describe('JSON mode', () => {
  const delta = (d: object) => chunk({ id: 'c', model: 'up-model', choices: [{ index: 0, delta: d }] });
  const pushed = (sse: SsePassThrough, ...events: string[]) => events.map((e) => sse.push(Buffer.from(e))).join('');

  it('counts whitespace-only content as content, but not as the answer begun; the first other character begins it', () => {
    const sse = new SsePassThrough({ alias: 'up-model', clientWantsUsage: true, jsonMode: true });
    // passed through all the same: what is held back is the caller's (readToFirstContent's) decision
    expect(pushed(sse, delta({ role: 'assistant', content: '' }), delta({ content: '\n\n' }), delta({ content: ' \t' }))).toBe(
      delta({ role: 'assistant', content: '' }) + delta({ content: '\n\n' }) + delta({ content: ' \t' }),
    );
    expect([sse.contentChunks, sse.answerBegun]).toEqual([2, false]);
    pushed(sse, delta({ content: ' {' }));
    expect([sse.contentChunks, sse.answerBegun]).toEqual([3, true]);
    // once begun, whitespace inside the answer counts as it always did
    pushed(sse, delta({ content: '\n' }));
    expect([sse.contentChunks, sse.answerBegun]).toEqual([4, true]);
  });

  it.each([
    ['reasoning_content', [{ content: null, reasoning_content: 'Let me think' }]],
    ['tool_calls', [{ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'f', arguments: '{}' } }] }]],
    ['content in a second choice', [{ content: ' ' }, { content: 'x' }]],
  ])('%s begins the answer', (_what, deltas: object[]) => {
    const sse = new SsePassThrough({ alias: 'up-model', clientWantsUsage: true, jsonMode: true });
    pushed(sse, chunk({ id: 'c', model: 'up-model', choices: deltas.map((d, index) => ({ index, delta: d })) }));
    expect(sse.answerBegun).toBe(true);
  });

  it('outside JSON mode any non-empty content begins the answer, as before', () => {
    const sse = new SsePassThrough({ alias: 'up-model', clientWantsUsage: true });
    pushed(sse, delta({ role: 'assistant', content: '' }));
    expect(sse.answerBegun).toBe(false);
    pushed(sse, delta({ content: '\n' }));
    expect([sse.contentChunks, sse.answerBegun]).toEqual([1, true]);
  });

  it('reset forgets the last stream (partial event, model name, usage, counts) and takes the next one its mode', () => {
    const sse = new SsePassThrough({ alias: 'my-alias', clientWantsUsage: true });
    const half = content('a');
    pushed(sse, content('x') + usage + 'data: [DONE]\n\n', half.slice(0, 20));
    expect([sse.contentChunks, sse.answerBegun, sse.sawDone, sse.dataEvents]).toEqual([1, true, true, 2]);
    sse.reset({ jsonMode: true });
    expect([sse.contentChunks, sse.answerBegun, sse.sawDone, sse.sawFinish, sse.dataEvents, sse.usage, sse.jsonMode]).toEqual([
      0,
      false,
      false,
      false,
      0,
      undefined,
      true,
    ]);
    // the half event of the last stream is gone, keep-alives are dropped again, and another model name is renamed
    const other = chunk({ id: 'd', model: 'other-model', choices: [{ index: 0, delta: { content: '\n' } }] });
    expect(sse.push(Buffer.from(': keep-alive\n\n' + other))).toBe(other.replace('other-model', 'my-alias'));
    expect([sse.contentChunks, sse.answerBegun]).toEqual([1, false]);
    expect(sse.flush()).toBe('');
  });
});
