// The faults model-pool's routing tests need: keep-alive lines before the first chunk, a stall
// after N chunks, and a fault on a share of the calls.
import { MockProvider, startMockProvider } from './mock-provider.server';

describe('mock provider: pool faults', () => {
  let mock: MockProvider;
  beforeEach(async () => {
    mock = await startMockProvider({ models: ['mock-chat'] });
  });
  afterEach(() => mock.close());

  const post = (stream: boolean, signal?: AbortSignal) =>
    fetch(`${mock.url}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'mock-chat', messages: [{ role: 'user', content: 'tell me four words' }], stream }),
      signal,
    });

  it('sends keep-alive comments and blank lines before the first chunk', async () => {
    mock.setFaults({ keepAliveLines: 4 });
    const text = await (await post(true)).text();
    expect(text.startsWith(': keep-alive\n\n\n: keep-alive\n\n\n')).toBe(true);
    expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
  });

  it('stalls after N content chunks, with the socket open', async () => {
    mock.setFaults({ stallAfterChunks: 1, stallMs: 60_000 });
    const abort = new AbortController();
    const reader = (await post(true, abort.signal)).body!.getReader();
    let seen = '';
    const deadline = new Promise((r) => setTimeout(r, 500));
    const reading = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        seen += Buffer.from(value).toString('utf8');
      }
    })().catch(() => undefined);
    await Promise.race([deadline, reading]);
    abort.abort();
    const data = seen.split('\n\n').filter((e) => e.startsWith('data: '));
    expect(data).toHaveLength(2); // the role chunk, then one content chunk
    expect(seen).not.toContain('[DONE]');
  });

  it('applies a fault to an evenly spread share of the calls', async () => {
    mock.setFaults({ status: 429, retryAfter: 2, share: 0.5 });
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push((await post(false)).status);
    expect(statuses).toEqual([200, 429, 200, 429, 200, 429, 200, 429]);
  });
});
