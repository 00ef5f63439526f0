import { applyStreamedText, type RunEventBody } from '@shoal/contracts';
import { ChunkEmitter } from './text-chunk.emitter';

const SEL: [string, string] = ['llm', 'text'];

/** Runs an attempt that streams `pieces` after earlier attempts sent `before`; returns what it emitted. */
async function attempt(before: string, pieces: string[]): Promise<RunEventBody[]> {
  const events: RunEventBody[] = [];
  const emitter = new ChunkEmitter({ emit: (e) => void events.push(e) }, before);
  for (const p of pieces) emitter.write(p, SEL);
  emitter.finish();
  await emitter.settle();
  return events;
}

/** What a client that joins chunks and applies replaces holds after both attempts. */
const clientText = (before: string, events: RunEventBody[]) => events.reduce(applyStreamedText, before);

describe('ChunkEmitter on a resumed run', () => {
  it('sends nothing when the new text is the same as what was sent', async () => {
    const events = await attempt('X a1a2', ['X ', 'a1', 'a2']);
    expect(events).toEqual([]);
  });

  it('sends only the rest, as ordinary chunks, when the new text goes on past what was sent', async () => {
    const events = await attempt('X a1', ['X ', 'a1', 'a2', ' Z']);
    expect(events).toEqual([
      { event: 'text_chunk', data: { text: 'a2', from_variable_selector: SEL } },
      { event: 'text_chunk', data: { text: ' Z', from_variable_selector: SEL } },
    ]);
    expect(clientText('X a1', events)).toBe('X a1a2 Z');
  });

  it('replaces the text where the new one departs from it, then continues with chunks', async () => {
    const events = await attempt('X a1a2a3', ['X ', 'a1', 'b2', 'b3', ' Z']);
    expect(events).toEqual([
      { event: 'text_replace', data: { text: 'X a1b2' } },
      { event: 'text_chunk', data: { text: 'b3', from_variable_selector: SEL } },
      { event: 'text_chunk', data: { text: ' Z', from_variable_selector: SEL } },
    ]);
    expect(clientText('X a1a2a3', events)).toBe('X a1b2b3 Z');
  });

  it('departing inside a piece replaces with the whole piece', async () => {
    const events = await attempt('hello world', ['hello', ' word', 's']);
    expect(events[0]).toEqual({ event: 'text_replace', data: { text: 'hello word' } });
    expect(clientText('hello world', events)).toBe('hello words');
  });

  it('takes back, at the end, old text left past the end of a shorter new text', async () => {
    const events = await attempt('X a1a2a3', ['X ', 'a1']);
    expect(events).toEqual([{ event: 'text_replace', data: { text: 'X a1' } }]);
    expect(clientText('X a1a2a3', events)).toBe('X a1');
  });

  it('takes everything back when the new attempt streams nothing', async () => {
    const events = await attempt('X a1', []);
    expect(events).toEqual([{ event: 'text_replace', data: { text: '' } }]);
    expect(clientText('X a1', events)).toBe('');
  });

  it('sends plain chunks and no replace when nothing was sent before', async () => {
    const events = await attempt('', ['a', 'b']);
    expect(events.map((e) => e.event)).toEqual(['text_chunk', 'text_chunk']);
    expect(clientText('', events)).toBe('ab');
    expect(await attempt('', [])).toEqual([]);
  });

  it('a client holds the new text whatever the two attempts streamed', async () => {
    // every split of random texts over a small alphabet: prefixes, departures and shorter texts all occur
    let seed = 7;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n);
    const text = () => Array.from({ length: rnd(12) }, () => 'ab'[rnd(2)]).join('');
    for (let i = 0; i < 500; i++) {
      const before = text();
      const now = text();
      const pieces: string[] = [];
      for (let at = 0; at < now.length;) {
        const n = 1 + rnd(3);
        pieces.push(now.slice(at, at + n));
        at += n;
      }
      const events = await attempt(before, pieces);
      expect(clientText(before, events)).toBe(now);
      expect(events.filter((e) => e.event === 'text_replace').length).toBeLessThanOrEqual(1);
    }
  });
});

describe('ChunkEmitter when the event store fails mid-stream', () => {
  it('leaves no unhandled rejection before settle() (which ends the process), and settle() rejects with the store’s error', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const down = new Error('the event store is down');
      const emitter = new ChunkEmitter({ emit: () => Promise.reject(down) });
      emitter.write('a', SEL);
      emitter.write('b', SEL);
      // the node is still streaming: several turns pass before it settles its chunks
      for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
      expect(unhandled).toEqual([]);
      await expect(emitter.settle()).rejects.toBe(down);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
  });
});
