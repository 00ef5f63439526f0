// postJson against a real HTTP server on a local port: the non-streamed provider call, its answer
// gathered by undici's dispatch, its errors as the classifier reads them.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Secret, type Deployment } from '@shoal/model-routing';
import { MalformedProviderAnswerError } from './json-answer';
import { ProviderHttpClient, ProviderHttpError } from './provider-http.client';

let server: Server;
let base: string;
let handle: (req: IncomingMessage, res: ServerResponse, body: string) => void;
let requests = 0;
const clients: ProviderHttpClient[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    requests++;
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => handle(req, res, body));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close(100)));
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});

const deployment = (apiKey = 'sk-test-key'): Deployment =>
  ({ id: 'dep', model: 'm', provider: 'openai-compatible', baseUrl: base, apiKey: new Secret(apiKey), weight: 1 }) as unknown as Deployment;
const client = (maxAnswerBytes?: number) => {
  const c = new ProviderHttpClient(new Map(), maxAnswerBytes);
  clients.push(c);
  return c;
};
const call = (c: ProviderHttpClient, signal?: AbortSignal, d = deployment()) =>
  c.postJson(d, `${base}/chat/completions`, JSON.stringify({ model: 'm', messages: [] }), signal);
const rejection = async (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );

describe('ProviderHttpClient.postJson', () => {
  it('sends the body with the key, and gathers an answer sent in pieces', async () => {
    const text = JSON.stringify({
      id: 'chatcmpl-1',
      model: 'up',
      choices: [{ message: { content: 'héllo' } }],
      usage: { total_tokens: 3 },
    });
    let seen: { auth?: string; body?: string } = {};
    handle = (req, res, body) => {
      seen = { auth: req.headers.authorization, body };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(text.slice(0, 10));
      setTimeout(() => res.end(text.slice(10)), 20);
    };
    const answer = await call(client());
    expect(seen).toEqual({ auth: 'Bearer sk-test-key', body: '{"model":"m","messages":[]}' });
    expect(answer.bytes.toString()).toBe(text);
    expect(answer.parsed).toEqual(JSON.parse(text));
  });

  it("throws a provider's error status as ProviderHttpError with its headers and OpenAI error", async () => {
    handle = (_req, res) => {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': '7' });
      res.end(JSON.stringify({ error: { message: 'Rate limit reached', type: 'rate_limit_error', code: 'rate_limit' } }));
    };
    const err = await rejection(call(client()));
    expect(err).toBeInstanceOf(ProviderHttpError);
    expect(err).toMatchObject({
      status: 429,
      headers: { 'retry-after': '7' },
      error: { code: 'rate_limit' },
      message: 'Rate limit reached',
    });
  });

  it('reads no more of an error body than is worth reading', async () => {
    handle = (_req, res) => {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end('x'.repeat(2 * 1024 * 1024));
    };
    const err = (await rejection(call(client()))) as ProviderHttpError;
    expect(err).toBeInstanceOf(ProviderHttpError);
    expect(err.status).toBe(500);
    expect(err.message).toBe('x'.repeat(500));
  });

  it('cuts an answer past its bound and fails it as malformed; and one that is not a JSON object', async () => {
    handle = (_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: 'x', pad: 'y'.repeat(4096) }));
    };
    expect(await rejection(call(client(1024)))).toBeInstanceOf(MalformedProviderAnswerError);
    handle = (_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html>bad gateway</html>');
    };
    expect(await rejection(call(client()))).toBeInstanceOf(MalformedProviderAnswerError);
    // and the client goes on calling
    handle = (_req, res) => res.end('{"id":"ok"}');
    expect((await call(client(1024))).parsed).toEqual({ id: 'ok' });
  });

  it("stops a call when its signal aborts, with the signal's reason, and makes none with a signal already aborted", async () => {
    // the provider holds its answer until the test is over: only the abort can end the call
    const held: ServerResponse[] = [];
    handle = (_req, res) => held.push(res);
    const hangUp = new AbortController();
    const pending = rejection(call(client(), hangUp.signal));
    while (held.length === 0) await new Promise((r) => setTimeout(r, 5));
    hangUp.abort();
    expect(await pending).toMatchObject({ name: 'AbortError' });
    for (const res of held) res.end();
    const before = requests;
    const gone = new AbortController();
    gone.abort(new Error('gone before the call'));
    expect(await rejection(call(client(), gone.signal))).toMatchObject({ message: 'gone before the call' });
    expect(requests).toBe(before);
  });

  it('fails a call aborted while it waits for a connection at once, and never sends it', async () => {
    const held: ServerResponse[] = [];
    handle = (_req, res) => held.push(res);
    const c = client();
    const before = requests;
    // every connection the pool may open to the origin is busy
    const busy = Array.from({ length: 256 }, () => call(c));
    while (held.length < 256) await new Promise((r) => setTimeout(r, 5));
    const hangUp = new AbortController();
    const queued = rejection(call(c, hangUp.signal));
    hangUp.abort();
    expect(await queued).toMatchObject({ name: 'AbortError' });
    handle = (_req, res) => res.end('{"id":"ok"}');
    for (const res of held) res.end('{"id":"held"}');
    await Promise.all(busy);
    // a connection came free: the aborted call still did not go out
    await call(c);
    expect(requests - before).toBe(257);
  });

  it('calls a deployment without a key without Authorization', async () => {
    let auth: string | undefined = 'unset';
    handle = (req, res) => {
      auth = req.headers.authorization;
      res.end('{"id":"ok"}');
    };
    await call(client(), undefined, deployment(''));
    expect(auth).toBeUndefined();
  });
});
