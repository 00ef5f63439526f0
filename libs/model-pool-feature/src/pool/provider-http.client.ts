// Calls a provider's endpoint (`/chat/completions`, `/embeddings`) over pooled keep-alive connections (one undici Pool per
// provider origin) and hands back its status, headers and body as bytes. No SDK in the way: the
// request body is built once by the caller, the answer is passed through, and only what metering
// needs is read from it (see sse-pass-through.ts). A non-2xx answer is thrown as a
// ProviderHttpError carrying what the error classifier reads (status, headers, the OpenAI error).
import { Readable } from 'node:stream';
import { Pool, type Dispatcher } from 'undici';
import type { Deployment } from '@shoal/model-routing';

/** A `fetch` that reaches a provider without the network: standalone's built-in mock, served in process. */
export type ProviderFetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface ProviderResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Readable;
}

/** The provider answered with an error status. Shaped as the classifier reads the openai SDK's errors. */
export class ProviderHttpError extends Error {
  override readonly name = 'ProviderHttpError';
  constructor(
    readonly status: number,
    readonly headers: Record<string, string | string[] | undefined>,
    /** the provider's `error` object, when its body was OpenAI-shaped JSON */
    readonly error: unknown,
    message: string,
    /** the deployment's provider kind: the classifier reads DeepSeek's codes by DeepSeek's table */
    readonly provider?: string,
  ) {
    super(message);
  }
}

// the part of an error body worth reading; the rest is discarded unread
const MAX_ERROR_BODY_BYTES = 64 * 1024;
const DEFAULT_TIMEOUT_MS = 600_000;
const CONNECT_TIMEOUT_MS = 10_000;
const CONNECTIONS_PER_ORIGIN = 256;
const MAX_CACHED_URLS = 1024;
const ACCEPT = 'application/json, text/event-stream';

interface Endpoint {
  href: string;
  origin: string;
  /** path and query */
  path: string;
}

export class ProviderHttpClient {
  private readonly pools = new Map<string, Pool>();
  private readonly urls = new Map<string, Endpoint>();

  /** `fetchByDeployment`: deployments (by id) whose provider is called through the given fetch instead of the network */
  constructor(private readonly fetchByDeployment: ReadonlyMap<string, ProviderFetch> = new Map()) {}

  /**
   * POSTs `body` to `endpoint`, one of the deployment's endpoints (see `endpointUrl`). Resolves once
   * the provider's headers are in, with a 2xx; throws ProviderHttpError for any other status, and
   * undici's (or fetch's) error for a connection failure or timeout. `signal` aborts the call, the
   * body included. A deployment without a key (Ollama, a local vLLM) is called without `Authorization`.
   */
  async post(d: Deployment, endpoint: string, body: string, signal: AbortSignal | undefined): Promise<ProviderResponse> {
    const url = this.parsed(endpoint);
    const key = d.apiKey.reveal();
    const headers: Record<string, string> = key
      ? { 'content-type': 'application/json', accept: ACCEPT, authorization: `Bearer ${key}` }
      : { 'content-type': 'application/json', accept: ACCEPT };
    const inProcess = this.fetchByDeployment.get(d.id);
    const res = inProcess ? await viaFetch(inProcess, url, headers, body, signal) : await this.viaPool(d, url, headers, body, signal);
    if (res.status >= 200 && res.status < 300) return res;
    throw await errorOf(res, d.provider);
  }

  /** The endpoint's URL, parsed once (a pool has a few endpoints; every call names one). */
  private parsed(endpoint: string): Endpoint {
    let url = this.urls.get(endpoint);
    if (!url) {
      if (this.urls.size >= MAX_CACHED_URLS) this.urls.clear();
      const u = new URL(endpoint);
      this.urls.set(endpoint, (url = { href: u.toString(), origin: u.origin, path: u.pathname + u.search }));
    }
    return url;
  }

  /** Lets calls in flight finish for up to `graceMs` (runs were drained before this), then cuts what is left. */
  async close(graceMs = 5000): Promise<void> {
    const pools = [...this.pools.values()];
    this.pools.clear();
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), graceMs)));
    const closed = Promise.allSettled(pools.map((p) => p.close()));
    if ((await Promise.race([closed, late])) === 'late') await Promise.allSettled(pools.map((p) => p.destroy()));
    clearTimeout(timer);
  }

  private async viaPool(
    d: Deployment,
    url: Endpoint,
    headers: Record<string, string>,
    body: string,
    signal: AbortSignal | undefined,
  ): Promise<ProviderResponse> {
    const timeout = d.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const key = `${url.origin}|${timeout}`;
    let pool = this.pools.get(key);
    if (!pool) {
      pool = new Pool(url.origin, {
        connections: CONNECTIONS_PER_ORIGIN,
        keepAliveTimeout: 30_000,
        // until the provider's headers; then between two body chunks (a stalled stream)
        headersTimeout: timeout,
        bodyTimeout: timeout,
        connect: { timeout: CONNECT_TIMEOUT_MS },
      });
      this.pools.set(key, pool);
    }
    const res: Dispatcher.ResponseData = await pool.request({
      method: 'POST',
      path: url.path,
      headers,
      body,
      signal,
    });
    return { status: res.statusCode, headers: res.headers, body: res.body };
  }
}

async function viaFetch(
  fetch: ProviderFetch,
  url: Endpoint,
  headers: Record<string, string>,
  body: string,
  signal: AbortSignal | undefined,
): Promise<ProviderResponse> {
  const res = await fetch(url.href, { method: 'POST', headers, body, signal });
  const out: Record<string, string> = {};
  res.headers.forEach((v, k) => (out[k] = v));
  return { status: res.status, headers: out, body: res.body ? Readable.fromWeb(res.body as never) : Readable.from([]) };
}

async function errorOf(res: ProviderResponse, provider: string): Promise<ProviderHttpError> {
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of res.body) {
      const b = chunk as Buffer;
      chunks.push(b);
      size += b.length;
      if (size >= MAX_ERROR_BODY_BYTES) break;
    }
  } catch {
    // an error body that broke off: the status says enough
  } finally {
    res.body.destroy();
  }
  const text = Buffer.concat(chunks).subarray(0, MAX_ERROR_BODY_BYTES).toString('utf8');
  let error: unknown;
  try {
    const parsed = JSON.parse(text) as { error?: unknown };
    error = parsed && typeof parsed === 'object' ? (parsed.error ?? parsed) : undefined;
  } catch {
    error = undefined;
  }
  const message =
    error && typeof error === 'object' && typeof (error as { message?: unknown }).message === 'string'
      ? (error as { message: string }).message
      : text.slice(0, 500) || `the provider answered ${res.status}`;
  return new ProviderHttpError(res.status, res.headers, error, message, provider);
}
