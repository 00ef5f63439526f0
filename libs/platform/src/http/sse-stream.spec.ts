import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyReply } from 'fastify';
import { SseStream } from './sse-stream';

const limits = { maxBufferedBytes: 1024 * 1024, slowReaderMs: 10_000 } as unknown as ConstructorParameters<typeof SseStream>[1];

/** One real HTTP exchange whose response is handed to `handle` as a hijackable reply. */
async function exchange(handle: (reply: FastifyReply) => void): Promise<{ error: string | undefined; status?: number }> {
  const server = createServer((_req: IncomingMessage, res: ServerResponse) => {
    handle({ hijack: () => undefined, raw: res } as unknown as FastifyReply);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const { port } = server.address() as AddressInfo;
    return await new Promise((resolve) => {
      const req = request({ host: '127.0.0.1', port, path: '/' }, (res) => {
        res.resume();
        res.on('end', () => resolve({ error: undefined, status: res.statusCode }));
      });
      req.on('error', (err) => resolve({ error: (err as NodeJS.ErrnoException).code ?? err.message }));
      req.setTimeout(5000, () => req.destroy(new Error('hung')));
      req.end();
    });
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
}

it('sends the SSE head and events', async () => {
  const out = await exchange((reply) => {
    const sse = SseStream.open(reply, limits, { 'x-test': '1' });
    sse.write('data: {}\n\n');
    sse.end();
  });
  expect(out).toEqual({ error: undefined, status: 200 });
});

it('closes the connection when the head cannot be written, rather than leaving the client waiting', async () => {
  let thrown: unknown;
  const out = await exchange((reply) => {
    try {
      SseStream.open(reply, limits, { 'x-bad': 'line\nbreak' });
    } catch (err) {
      thrown = err;
    }
  });
  expect((thrown as { code?: string }).code).toBe('ERR_INVALID_CHAR');
  // the socket is closed at once: the client sees a reset, not a 5 s timeout
  expect(out.error).toBe('ECONNRESET');
});

it('aborts its signal once the response is closed, as an AbortError, finished or not', async () => {
  const signals: AbortSignal[] = [];
  for (let i = 0; i < 2; i++)
    await exchange((reply) => {
      const sse = SseStream.open(reply, limits);
      signals.push(sse.signal);
      expect(sse.signal.aborted).toBe(false);
      sse.write('data: {}\n\n');
      sse.end();
    });
  await new Promise((r) => setImmediate(r));
  for (const signal of signals) {
    expect(signal.aborted).toBe(true);
    expect((signal.reason as Error).name).toBe('AbortError');
  }
  // one reason shared by every stream: a close builds no error (and no stack trace) of its own
  expect(signals[0].reason).toBe(signals[1].reason);
});
