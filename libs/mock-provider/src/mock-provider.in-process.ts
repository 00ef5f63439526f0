// The mock provider served without a socket: a `fetch` that hands each request to the mock's
// request handler in this process (light-my-request, as Fastify's inject does), streaming the
// answer back as it is written. Standalone mode serves mock-chat this way, so it opens no port.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { inject } from 'light-my-request';
import { MockProviderServer, type MockProvider, type MockProviderOptions } from './mock-provider.server';

export type InProcessMockProvider = Omit<MockProvider, 'port' | 'close'> & {
  /** Give this to the `openai` SDK (or call it like fetch); the URL's host is never dialled. */
  fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
};

/** The base URL to pair with `fetch`: `.invalid` can never resolve, so nothing leaves the process by mistake. */
export const IN_PROCESS_MOCK_URL = 'http://mock-provider.invalid/v1';

export function createInProcessMockProvider(opts: Omit<MockProviderOptions, 'port' | 'host'> = {}): InProcessMockProvider {
  const mock = new MockProviderServer(opts.apiKey, [...(opts.models ?? ['mock-chat'])], opts.faults);
  return {
    url: IN_PROCESS_MOCK_URL,
    fetch: (input, init) => dispatch(mock.listener, new Request(input, init)),
    calls: () => mock.calls(),
    callLog: () => mock.callLog(),
    reset: () => mock.reset(),
    setFaults: (faults) => mock.setFaults(faults),
    setAnswers: (script) => mock.setAnswers(script),
  };
}

async function dispatch(listener: (req: IncomingMessage, res: ServerResponse) => void, request: Request): Promise<Response> {
  const url = new URL(request.url);
  const payload = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
  const res = await inject(listener, {
    method: request.method as 'GET',
    url: url.pathname + url.search,
    headers: Object.fromEntries(request.headers),
    ...(payload ? { payload } : {}),
    payloadAsStream: true,
    signal: request.signal,
  });
  const headers = new Headers();
  for (const [name, value] of Object.entries(res.headers)) {
    if (value === undefined) continue;
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, String(v));
  }
  return new Response(Readable.toWeb(res.stream()) as ReadableStream<Uint8Array>, { status: res.statusCode, headers });
}
