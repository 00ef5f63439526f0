// A WHATWG fetch for clients that want one (the MCP SDK's transport) that obeys the outbound address
// policy: every connection, each redirect hop's too, goes through the guarded connector, redirects are
// followed here (a bounded number; headers other than the protocol's dropped across origins), and the
// response body is streamed with a byte cap.
import { Agent, fetch as undiciFetch, type RequestInit as UndiciRequestInit } from 'undici';
import { OutboundAddressPolicy } from '../address-policy';
import { guardedConnector, systemResolver, type HostResolver } from '../guarded.connector';
import { OutboundHttpError } from '../outbound-http.errors';

export interface GuardedFetchOptions {
  policy: OutboundAddressPolicy;
  resolve?: HostResolver;
  connectTimeoutMs: number;
  /** Bytes one response body may have; reading past it fails the read. */
  maxResponseBytes: number;
  maxRedirects?: number;
}

export type GuardedFetch = ((url: string | URL, init?: RequestInit) => Promise<Response>) & { close(): Promise<void> };

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Headers that may follow a redirect to another origin: the protocol's own, never credentials. */
const CROSS_ORIGIN_HEADERS = new Set(['accept', 'content-type', 'mcp-protocol-version', 'last-event-id']);
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

export function guardedFetch(o: GuardedFetchOptions): GuardedFetch {
  const agent = new Agent({
    connect: guardedConnector({
      policy: o.policy,
      resolve: o.resolve ?? systemResolver,
      connectTimeoutMs: o.connectTimeoutMs,
      rejectUnauthorized: true,
    }),
  });
  const maxRedirects = o.maxRedirects ?? 5;
  const doFetch = async (input: string | URL, init: RequestInit = {}): Promise<Response> => {
    let url = new URL(String(input));
    let headers = new Headers(init.headers);
    for (let hop = 0; ; hop++) {
      if (url.protocol !== 'http:' && url.protocol !== 'https:')
        throw new OutboundHttpError('network_error', `Only http and https URLs are fetched (got ${url.protocol})`);
      let res;
      try {
        res = await undiciFetch(url, {
          ...(init as UndiciRequestInit),
          headers: [...headers.entries()],
          redirect: 'manual',
          dispatcher: agent,
        });
      } catch (e) {
        throw unwrap(e, url);
      }
      const location = res.headers.get('location');
      if (!REDIRECTS.has(res.status) || !location) return capped(res, o.maxResponseBytes, url);
      await res.body?.cancel().catch(() => undefined);
      if (hop >= maxRedirects)
        throw new OutboundHttpError('too_many_redirects', `Stopped after ${maxRedirects} redirects (at ${url.host})`);
      const next = new URL(location, url);
      if (next.origin !== url.origin)
        headers = new Headers([...headers.entries()].filter(([k]) => CROSS_ORIGIN_HEADERS.has(k.toLowerCase())));
      url = next;
    }
  };
  return Object.assign(doFetch, { close: () => agent.close() });
}

/** The connector's refusal, not undici's generic "fetch failed". */
function unwrap(e: unknown, url: URL): unknown {
  if (e instanceof Error && e.name === 'AbortError') return e;
  let cause: unknown = e;
  for (let i = 0; i < 4 && cause instanceof Error; i++) {
    if (cause instanceof OutboundHttpError) return cause;
    cause = (cause as { cause?: unknown }).cause;
  }
  const detail = cause instanceof Error ? ((cause as { code?: string }).code ?? cause.message) : 'failed';
  return new OutboundHttpError('network_error', `Request to ${url.host} failed: ${detail}`);
}

/** The response re-made as a global Response whose body fails past `max` bytes. */
function capped(res: Awaited<ReturnType<typeof undiciFetch>>, max: number, url: URL): Response {
  const init = { status: res.status, statusText: res.statusText, headers: new Headers([...res.headers.entries()]) };
  const declared = Number(res.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > max) {
    void res.body?.cancel().catch(() => undefined);
    throw new OutboundHttpError('response_too_large', `The response from ${url.host} is larger than ${max} bytes`);
  }
  if (!res.body || NULL_BODY.has(res.status)) return new Response(null, init);
  const reader = res.body.getReader();
  let size = 0;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) return controller.close();
      size += value.byteLength;
      if (size > max) {
        void reader.cancel().catch(() => undefined);
        controller.error(new OutboundHttpError('response_too_large', `The response from ${url.host} is larger than ${max} bytes`));
        return;
      }
      controller.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
  return new Response(body, init);
}
