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
    expect(first).toBe(chunk({ role: 'assistant', content: '' }) + ': keep-alive\n\n' + chunk({ content: 'Hi' }));
    // the rest is still to be read
    expect(Buffer.from((await it.next()).value as Uint8Array).toString()).toBe(chunk({ content: '!' }));
  });

  it('an empty answer that says it is done is complete; one that just stops was cut', async () => {
    const done = new SsePassThrough({ alias: 'm', clientWantsUsage: false });
    expect(await readToFirstContent(bytes(chunk({ role: 'assistant' }), chunk({}, 'stop'), 'data: [DONE]\n\n'), done)).toContain('[DONE]');
    const cut = new SsePassThrough({ alias: 'm', clientWantsUsage: false });
    await expect(readToFirstContent(bytes(chunk({ role: 'assistant' })), cut)).rejects.toBeInstanceOf(StreamCutError);
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
