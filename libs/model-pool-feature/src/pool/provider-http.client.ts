// Calls a provider's endpoint (`/chat/completions`, `/embeddings`) over pooled keep-alive connections (one undici Pool per
// provider origin) and hands back its status, headers and body as bytes. No SDK in the way: the
// request body is built once by the caller, the answer is passed through, and only what metering
// needs is read from it (see sse-pass-through.ts). A non-2xx answer is thrown as a
// ProviderHttpError carrying what the error classifier reads (status, headers, the OpenAI error).
import { Readable } from 'node:stream';
import { Pool, errors as undiciErrors, type Dispatcher } from 'undici';
import type { Deployment } from '@shoal/model-routing';
import { MAX_ANSWER_BYTES, MalformedProviderAnswerError, parseJsonAnswer, readJsonAnswer, type JsonAnswer } from './json-answer';

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

  /**
   * `fetchByDeployment`: deployments (by id) whose provider is called through the given fetch instead of the network.
   * `maxAnswerBytes`: the most a JSON answer may be (tests set it lower).
   */
  constructor(
    private readonly fetchByDeployment: ReadonlyMap<string, ProviderFetch> = new Map(),
    private readonly maxAnswerBytes = MAX_ANSWER_BYTES,
  ) {}

  /**
   * POSTs `body` to `endpoint`, one of the deployment's endpoints (see `endpointUrl`). Resolves once
   * the provider's headers are in, with a 2xx; throws ProviderHttpError for any other status, and
   * undici's (or fetch's) error for a connection failure or timeout. `signal` aborts the call, the
   * body included. A deployment without a key (Ollama, a local vLLM) is called without `Authorization`.
   */
  async post(d: Deployment, endpoint: string, body: string, signal: AbortSignal | undefined): Promise<ProviderResponse> {
    const url = this.parsed(endpoint);
    const headers = headersFor(d);
    const inProcess = this.fetchByDeployment.get(d.id);
    const res = inProcess ? await viaFetch(inProcess, url, headers, body, signal) : await this.viaPool(d, url, headers, body, signal);
    if (res.status >= 200 && res.status < 300) return res;
    throw await errorOf(res, d.provider);
  }

  /**
   * POSTs `body` and reads the provider's whole JSON answer: the non-streamed calls. Over a pool, the
   * answer's bytes are gathered by a handler of undici's own dispatch, with no response stream, no
   * async iterator and no promise per chunk: that cost ~40 % of the client's CPU per call
   * (bench/README.md, "Tenth round"). Throws as `post` does (ProviderHttpError for a non-2xx,
   * undici's error for a connection failure or timeout, the signal's reason once it aborts), and
   * MalformedProviderAnswerError for an answer that is not a JSON object or is past its bound.
   */
  async postJson(d: Deployment, endpoint: string, body: string, signal: AbortSignal | undefined): Promise<JsonAnswer> {
    // the in-process provider answers with a web stream: read as `post` hands it over
    if (this.fetchByDeployment.has(d.id)) return readJsonAnswer(await this.post(d, endpoint, body, signal), this.maxAnswerBytes);
    const url = this.parsed(endpoint);
    const res = await gather(this.poolFor(d, url), url, headersFor(d), body, signal, this.maxAnswerBytes);
    if (res.status >= 200 && res.status < 300) return parseJsonAnswer(res.bytes);
    throw errorFromBody(res.status, res.headers, res.bytes, d.provider);
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
    const res: Dispatcher.ResponseData = await this.poolFor(d, url).request({
      method: 'POST',
      path: url.path,
      headers,
      body,
      signal,
    });
    return { status: res.statusCode, headers: res.headers, body: res.body };
  }

  /** The pool of keep-alive connections to the endpoint's origin, for the deployment's timeout. */
  private poolFor(d: Deployment, url: Endpoint): Pool {
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
    return pool;
  }
}

function headersFor(d: Deployment): Record<string, string> {
  const key = d.apiKey.reveal();
  return key
    ? { 'content-type': 'application/json', accept: ACCEPT, authorization: `Bearer ${key}` }
    : { 'content-type': 'application/json', accept: ACCEPT };
}

interface Gathered {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  bytes: Buffer;
}

/**
 * One POST over `pool`, its answer's bytes gathered whole: at most `maxBytes` of a 2xx (past that the
 * call is cut and fails as malformed), at most MAX_ERROR_BODY_BYTES of any other (past that the rest
 * is not read). `signal` aborts it at any point, with its reason.
 */
function gather(
  pool: Pool,
  url: Endpoint,
  headers: Record<string, string>,
  body: string,
  signal: AbortSignal | undefined,
  maxBytes: number,
): Promise<Gathered> {
  return new Promise<Gathered>((resolve, reject) => {
    const abortReason = (): unknown => signal?.reason ?? new undiciErrors.RequestAbortedError();
    if (signal?.aborted) return reject(abortReason());
    let controller: Dispatcher.DispatchController | undefined;
    // before the request has a connection (it waits in the pool's queue) there is nothing to abort
    // yet: it fails at once, and is aborted as soon as it starts, so it is never sent
    const onAbort = (): void => {
      if (controller) controller.abort(abortReason() as Error);
      else settle(() => reject(abortReason()));
    };
    let status = 0;
    let resHeaders: Gathered['headers'] = {};
    let limit = maxBytes;
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const settle = (then: () => void): void => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener('abort', onAbort);
      then();
    };
    const bytes = (): Buffer => (chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    signal?.addEventListener('abort', onAbort, { once: true });
    pool.dispatch(
      { origin: url.origin, method: 'POST', path: url.path, headers, body },
      {
        onRequestStart(c) {
          controller = c;
          if (signal?.aborted) c.abort(abortReason() as Error);
        },
        onResponseStart(_c, statusCode, h) {
          status = statusCode;
          resHeaders = h;
          // an error's body: the part worth reading
          if (statusCode < 200 || statusCode >= 300) limit = Math.min(limit, MAX_ERROR_BODY_BYTES);
        },
        onResponseData(c, chunk) {
          if (settled) return;
          if (size + chunk.length > limit) {
            if (status >= 200 && status < 300) {
              const err = new MalformedProviderAnswerError(`the provider's answer is larger than ${limit} bytes`);
              settle(() => reject(err));
              c.abort(err);
              return;
            }
            chunks.push(chunk.subarray(0, limit - size));
            size = limit;
            settle(() => resolve({ status, headers: resHeaders, bytes: bytes() }));
            c.abort(new undiciErrors.RequestAbortedError());
            return;
          }
          chunks.push(chunk);
          size += chunk.length;
        },
        onResponseEnd() {
          settle(() => resolve({ status, headers: resHeaders, bytes: bytes() }));
        },
        onResponseError(_c, err) {
          settle(() => reject(err));
        },
      },
    );
  });
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
  return errorFromBody(res.status, res.headers, Buffer.concat(chunks), provider);
}

/** A provider's error answer as the classifier reads it: its status, headers and OpenAI-shaped `error`. */
function errorFromBody(
  status: number,
  headers: Record<string, string | string[] | undefined>,
  body: Buffer,
  provider: string,
): ProviderHttpError {
  const text = body.subarray(0, MAX_ERROR_BODY_BYTES).toString('utf8');
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
      : text.slice(0, 500) || `the provider answered ${status}`;
  return new ProviderHttpError(status, headers, error, message, provider);
}
