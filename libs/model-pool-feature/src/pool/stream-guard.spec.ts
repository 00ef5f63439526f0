import { SsePassThrough } from './sse-pass-through';
import { StreamCutError, StreamStalledError, nextWithin, readToFirstContent, streamErrorCode, streamErrorEvent } from './stream-guard';

const chunk = (delta: object, finish: string | null = null) =>
  `data: ${JSON.stringify({ id: 'c', model: 'm', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;

async function* bytes(...parts: string[]): AsyncGenerator<Uint8Array> {
  for (const p of parts) yield Buffer.from(p);
}

describe('readToFirstContent', () => {
  it('holds role-only chunks back and drops keep-alives until the first content token', async () => {
    const sse = new SsePassThrough({ alias: 'm', clientWantsUsage: false });
    const it = bytes(
      ': keep-alive\n\n',
      '\n\n',
      chunk({ role: 'assistant', content: '' }),
      ': keep-alive\n\n',
      chunk({ content: 'Hi' }),
      chunk({ content: '!' }),
    );
    const first = await readToFirstContent(it, sse);
    expect(first).toEqual({
      held: chunk({ role: 'assistant', content: '' }) + ': keep-alive\n\n' + chunk({ content: 'Hi' }),
      blankJsonAnswer: false,
    });
    // the rest is still to be read
    expect(Buffer.from((await it.next()).value as Uint8Array).toString()).toBe(chunk({ content: '!' }));
  });

  it('an empty answer that says it is done is complete; one that just stops was cut', async () => {
    const done = new SsePassThrough({ alias: 'm', clientWantsUsage: false });
    const empty = await readToFirstContent(bytes(chunk({ role: 'assistant' }), chunk({}, 'stop'), 'data: [DONE]\n\n'), done);
    // outside JSON mode an empty answer passes on as it came
    expect(empty).toEqual({ held: expect.stringContaining('[DONE]'), blankJsonAnswer: false });
    const cut = new SsePassThrough({ alias: 'm', clientWantsUsage: false });
    await expect(readToFirstContent(bytes(chunk({ role: 'assistant' })), cut)).rejects.toBeInstanceOf(StreamCutError);
  });
});

describe('readToFirstContent in JSON mode', () => {
  const json = () => new SsePassThrough({ alias: 'm', clientWantsUsage: false, jsonMode: true });
  const role = chunk({ role: 'assistant', content: '' });
  const stop = chunk({}, 'stop');

  it.each([
    ['newlines', ['\n\n']],
    ['spaces and tabs over several deltas', [' ', '  \t', '\r\n']],
    ['nothing at all', []],
  ])('holds back content of only whitespace (%s) and reports the complete stream as a blank answer', async (_what, deltas) => {
    const sse = json();
    const start = await readToFirstContent(bytes(role, ...deltas.map((d) => chunk({ content: d })), stop, 'data: [DONE]\n\n'), sse);
    expect(start.blankJsonAnswer).toBe(true);
    expect(sse.answerBegun).toBe(false);
    // the whitespace deltas are still counted for a completion estimate
    expect(sse.contentChunks).toBe(deltas.length);
  });

  it('reads a blank answer through its usage chunk, so the blank call is metered as the provider reported it', async () => {
    const reported: unknown[] = [];
    const sse = new SsePassThrough({ alias: 'm', clientWantsUsage: true, jsonMode: true, onUsage: (u) => (reported.push(u), undefined) });
    const usage = `data: ${JSON.stringify({ id: 'c', model: 'm', choices: [], usage: { prompt_tokens: 4, completion_tokens: 1, total_tokens: 5 } })}\n\n`;
    const start = await readToFirstContent(bytes(role, chunk({ content: '\n' }), stop, usage, 'data: [DONE]\n\n'), sse);
    expect(start.blankJsonAnswer).toBe(true);
    expect(reported).toEqual([{ prompt_tokens: 4, completion_tokens: 1, total_tokens: 5 }]);
  });

  it('sends held-back whitespace on, in order, once real content follows it', async () => {
    const sse = json();
    const it = bytes(role, chunk({ content: '\n' }), chunk({ content: ' ' }), chunk({ content: '{' }), chunk({ content: '"a":1}' }), stop);
    const start = await readToFirstContent(it, sse);
    expect(start).toEqual({
      held: role + chunk({ content: '\n' }) + chunk({ content: ' ' }) + chunk({ content: '{' }),
      blankJsonAnswer: false,
    });
    expect(Buffer.from((await it.next()).value as Uint8Array).toString()).toBe(chunk({ content: '"a":1}' }));
  });

  it('a chunk whose whitespace is escaped in its JSON (a \\n, a \\u0020) is blank; one with a character besides is content', async () => {
    const raw = (content: string) => `data: {"id":"c","model":"m","choices":[{"index":0,"delta":{"content":"${content}"}}]}\n\n`;
    const sse = json();
    const it = bytes(raw('\\n\\n'), raw('\\u0020\\t'), raw('\\n{'), raw('}'));
    const start = await readToFirstContent(it, sse);
    expect(start.held).toBe(raw('\\n\\n') + raw('\\u0020\\t') + raw('\\n{'));
  });

  it.each([
    ['reasoning_content', { content: null, reasoning_content: 'Thinking' }],
    ['tool_calls', { tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'f', arguments: '' } }] }],
  ])('counts %s as the first content: it is not held back', async (_what, delta) => {
    const sse = json();
    const it = bytes(role, chunk({ content: '\n' }), chunk(delta), chunk({ content: '{}' }));
    const start = await readToFirstContent(it, sse);
    expect(start).toEqual({ held: role + chunk({ content: '\n' }) + chunk(delta), blankJsonAnswer: false });
  });

  it('outside JSON mode whitespace is content, as before: the first whitespace delta goes on', async () => {
    const sse = new SsePassThrough({ alias: 'm', clientWantsUsage: false });
    const it = bytes(role, chunk({ content: '\n\n' }), stop, 'data: [DONE]\n\n');
    expect(await readToFirstContent(it, sse)).toEqual({ held: role + chunk({ content: '\n\n' }), blankJsonAnswer: false });
  });

  it('a JSON-mode stream cut before any real content is cut, not blank', async () => {
    await expect(readToFirstContent(bytes(role, chunk({ content: '\n' })), json())).rejects.toBeInstanceOf(StreamCutError);
  });

  it('holds back no more than its bound: a flood of whitespace is passed on, not held forever', async () => {
    const sse = json();
    const ws = chunk({ content: ' '.repeat(64 * 1024) });
    async function* flood(): AsyncGenerator<Uint8Array> {
      for (;;) yield Buffer.from(ws);
    }
    const start = await readToFirstContent(flood(), sse);
    expect(start.blankJsonAnswer).toBe(false);
    expect(start.held.length).toBeGreaterThanOrEqual(1024 * 1024);
    expect(start.held.length).toBeLessThan(1024 * 1024 + 2 * ws.length);
  });
});

describe('nextWithin', () => {
  it('throws the timeout error when a read takes too long, and passes a timely one through', async () => {
    const never: AsyncIterator<number> = { next: () => new Promise(() => undefined) };
    await expect(nextWithin(never, 20, () => new StreamStalledError(20))).rejects.toBeInstanceOf(StreamStalledError);
    const once: AsyncIterator<number> = { next: async () => ({ value: 1, done: false }) };
    await expect(nextWithin(once, 1_000, () => new StreamStalledError(1_000))).resolves.toEqual({ value: 1, done: false });
  });
});

describe('the stream error event', () => {
  it("is OpenAI's error object with a stable code, the cost of a run's call inside, and no [DONE]", () => {
    const event = streamErrorEvent(streamErrorCode(new StreamStalledError(5)), { shoal_cost: { amount: '0.1', currency: 'USD' } });
    expect(event.startsWith('data: ') && event.endsWith('\n\n')).toBe(true);
    expect(JSON.parse(event.slice(6))).toEqual({
      error: {
        message: expect.stringContaining('stalled'),
        type: 'api_error',
        param: null,
        code: 'upstream_stream_stalled',
        shoal_cost: { amount: '0.1', currency: 'USD' },
      },
    });
    expect(streamErrorCode(new Error('socket hang up'))).toBe('upstream_stream_interrupted');
  });
});
