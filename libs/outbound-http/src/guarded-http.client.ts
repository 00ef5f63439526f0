// Outbound HTTP for user-given URLs (workflow http-request nodes): every connection goes through the
// guarded connector (the address policy on the address connected), redirects are followed here, a
// bounded number of hops each connecting through the same guard, and the response body is read
// with a byte cap, aborted past it.
import { Agent, request, type Dispatcher } from 'undici';
import { OutboundAddressPolicy } from './address-policy';
import { guardedConnector, systemResolver, type HostResolver } from './guarded.connector';
import { OutboundHttpError } from './outbound-http.errors';

export interface OutboundRequest {
  method: string;
  url: string;
  headers: Array<[string, string]>;
  body: Uint8Array | null;
  timeouts: { connectMs: number; readMs: number; writeMs: number };
  maxResponseBytes: number;
  sslVerify: boolean;
  signal?: AbortSignal;
}

export interface OutboundResponse {
  status: number;
  headers: Array<[string, string]>;
  body: Uint8Array;
  /** The URL that answered, after redirects. */
  url: string;
}

export interface GuardedHttpClientOptions {
  policy: OutboundAddressPolicy;
  resolve?: HostResolver;
  /** Hops followed before giving up (httpx, which Dify uses, follows 20; 10 is plenty). */
  maxRedirects?: number;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Headers that must not follow a redirect to another origin (httpx drops Authorization; cookies go too). */
const ORIGIN_BOUND_HEADERS = new Set(['authorization', 'cookie', 'proxy-authorization']);
const BODY_HEADERS = new Set(['content-type', 'content-length', 'transfer-encoding']);
/** Agents kept, one per (TLS verification, connect timeout); connect timeouts are whole seconds, so few exist. */
const MAX_AGENTS = 32;

export class GuardedHttpClient {
  private readonly agents = new Map<string, Agent>();
  private readonly resolve: HostResolver;
  private readonly maxRedirects: number;

  constructor(private readonly o: GuardedHttpClientOptions) {
    this.resolve = o.resolve ?? systemResolver;
    this.maxRedirects = o.maxRedirects ?? 10;
  }

  async request(req: OutboundRequest): Promise<OutboundResponse> {
    let url = parseHttpUrl(req.url);
    let { method, body } = req;
    let headers = req.headers;
    for (let hop = 0; ; hop++) {
      const res = await this.send(url, method, headers, body, req);
      const location = res.headers.location;
      if (!REDIRECTS.has(res.statusCode) || typeof location !== 'string') return this.read(res, url, req.maxResponseBytes);
      // a redirect's own body is dropped (read a little so the connection can be reused)
      await res.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
      if (hop >= this.maxRedirects)
        throw new OutboundHttpError('too_many_redirects', `Stopped after ${this.maxRedirects} redirects (at ${url.host})`);
      const next = parseHttpUrl(location, url);
      // 303, and 301/302 after anything but GET/HEAD, continue as GET without the body (as browsers and httpx do)
      if (res.statusCode === 303 || ((res.statusCode === 301 || res.statusCode === 302) && method !== 'GET' && method !== 'HEAD')) {
        if (method !== 'HEAD') method = 'GET';
        body = null;
        headers = headers.filter(([k]) => !BODY_HEADERS.has(k.toLowerCase()));
      }
      if (next.origin !== url.origin) headers = headers.filter(([k]) => !ORIGIN_BOUND_HEADERS.has(k.toLowerCase()));
      url = next;
    }
  }

  async close(): Promise<void> {
    const agents = [...this.agents.values()];
    this.agents.clear();
    await Promise.all(agents.map((a) => a.close()));
  }

  private async send(url: URL, method: string, headers: Array<[string, string]>, body: Uint8Array | null, req: OutboundRequest) {
    try {
      return await request(url, {
        method: method as Dispatcher.HttpMethod,
        headers: headers.flat(),
        body: body ?? undefined,
        dispatcher: this.agentFor(req.sslVerify, req.timeouts.connectMs),
        // undici has no write timeout: the wait for the answer's headers covers sending and waiting
        headersTimeout: req.timeouts.writeMs + req.timeouts.readMs,
        bodyTimeout: req.timeouts.readMs,
        signal: req.signal,
      });
    } catch (e) {
      throw failure(e, url);
    }
  }

  private async read(res: Dispatcher.ResponseData, url: URL, max: number): Promise<OutboundResponse> {
    const declared = Number(res.headers['content-length']);
    if (Number.isFinite(declared) && declared > max) {
      discard(res.body);
      throw tooLarge(url, max);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of res.body as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > max) {
          discard(res.body);
          throw tooLarge(url, max);
        }
        chunks.push(chunk);
      }
    } catch (e) {
      throw failure(e, url);
    }
    return { status: res.statusCode, headers: headerPairs(res.headers), body: Buffer.concat(chunks, size), url: url.href };
  }

  private agentFor(sslVerify: boolean, connectMs: number): Agent {
    const key = `${sslVerify}:${connectMs}`;
    let agent = this.agents.get(key);
    if (agent) return agent;
    if (this.agents.size >= MAX_AGENTS) {
      const [oldest, old] = this.agents.entries().next().value as [string, Agent];
      this.agents.delete(oldest);
      void old.close();
    }
    agent = new Agent({
      connect: guardedConnector({
        policy: this.o.policy,
        resolve: this.resolve,
        connectTimeoutMs: connectMs,
        rejectUnauthorized: sslVerify,
      }),
    });
    this.agents.set(key, agent);
    return agent;
  }
}

/** Stops reading a body (its socket is closed); the abort error that follows is expected, not unhandled. */
function discard(body: Dispatcher.ResponseData['body']): void {
  body.on('error', () => undefined);
  body.destroy();
}

function parseHttpUrl(text: string, base?: URL): URL {
  let url: URL;
  try {
    url = new URL(text, base);
  } catch {
    throw new OutboundHttpError(base ? 'bad_redirect' : 'network_error', `Not a valid URL: ${text.slice(0, 200)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new OutboundHttpError(base ? 'bad_redirect' : 'network_error', `Only http and https URLs are fetched (got ${url.protocol})`);
  return url;
}

function headerPairs(headers: Dispatcher.ResponseData['headers']): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const [k, v] of Object.entries(headers)) {
    if (Array.isArray(v)) for (const one of v) out.push([k, one]);
    else if (v !== undefined) out.push([k, v]);
  }
  return out;
}

function tooLarge(url: URL, max: number): OutboundHttpError {
  return new OutboundHttpError('response_too_large', `The response from ${url.host} is larger than ${max} bytes`);
}

const TIMEOUT_CODES: Readonly<Record<string, string>> = {
  UND_ERR_CONNECT_TIMEOUT: 'connecting',
  UND_ERR_HEADERS_TIMEOUT: 'waiting for the response',
  UND_ERR_BODY_TIMEOUT: 'reading the response',
};

/** Our errors and aborts as they are; undici's and the socket's as an OutboundHttpError naming the host. */
function failure(e: unknown, url: URL): unknown {
  if (e instanceof OutboundHttpError || (e instanceof Error && e.name === 'AbortError')) return e;
  const err = e as { code?: string; message?: string; cause?: { code?: string; message?: string } };
  const phase = TIMEOUT_CODES[err.code ?? ''];
  if (phase) return new OutboundHttpError('timeout', `Timed out ${phase} (${url.host})`);
  if (err.cause instanceof OutboundHttpError) return err.cause;
  const detail = err.cause?.code ?? err.code ?? err.message ?? 'failed';
  return new OutboundHttpError('network_error', `Request to ${url.host} failed: ${detail}`);
}
