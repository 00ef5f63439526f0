// A streaming chat completion to a client that never reads: model-pool pulls the provider's
// stream no faster than the client takes it, and cuts the client (and the provider call) once it
// stays behind for the stall timeout, instead of buffering the whole answer for it.
import net from 'node:net';
import { Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { internalHeaders } from '@shoal/platform';
import { loadDeploymentConfig } from '@shoal/model-routing';
import { configureRootLogger, createHttpApp, listen, PlatformModule } from '@shoal/platform';
import { startMockProvider, type MockProvider } from '@shoal/testing';
import { ModelPoolModule } from '../model-pool.module';

jest.setTimeout(120_000);

const TOKEN = 'pool-internal-token-0123456789';
// a signed call context, as gateway and the engine send it
const signed = (callId: string): Record<string, string> =>
  internalHeaders(TOKEN, { tenantId: 'ten_1', apiKeyId: null, runId: null, callId, nodeId: null });
const SSE = { maxBufferedBytes: 128 * 1024, stallTimeoutMs: 2_000 };
let mock: MockProvider;
let app: NestFastifyApplication;
let port: number;
const sockets = new Set<net.Socket>();

beforeAll(async () => {
  configureRootLogger({ service: 'test', level: 'silent' });
  mock = await startMockProvider();
  const deployments = loadDeploymentConfig({
    file: {
      deployments: [{ id: 'dep_mock', model: 'mock-chat', provider: 'openai-compatible', baseUrl: mock.url, apiKey: 'mock', weight: 1 }],
    },
    env: {},
  });
  @Module({
    imports: [
      PlatformModule.forRoot({ redis: 'memory', internalToken: TOKEN }),
      ModelPoolModule.register({ deployments, maxAttempts: 1, sse: SSE, publicApi: false }),
    ],
  })
  class PoolTestModule {}
  app = await createHttpApp(PoolTestModule, { shutdownHooks: false });
  app.getHttpServer().on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  port = Number(new URL(await listen(app, { port: 0, host: '127.0.0.1' })).port);
});

afterAll(async () => {
  await app?.close();
  await mock?.close();
});

// ~6 MB of answer in 1.5 KB words: far more than the kernel's socket buffers hold
const question = Array.from({ length: 4000 }, (_, i) => `${i}${'q'.repeat(1500)}`).join(' ');
const body = JSON.stringify({ model: 'mock-chat', stream: true, messages: [{ role: 'user', content: question }] });

function request(): string {
  return `POST /pool/v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${Object.entries(
    signed(`call_${Date.now()}`),
  )
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n${body}`;
}

it('keeps what it buffers for a client that never reads bounded, and cuts that client', async () => {
  const before = new Set(sockets);
  const client = net.connect(port, '127.0.0.1');
  client.on('error', () => undefined);
  client.write(request());
  client.pause();
  // the server's side of this connection (a paused client would not notice the cut itself)
  let server: net.Socket | undefined;
  while (!server) {
    await new Promise((r) => setTimeout(r, 10));
    server = [...sockets].find((s) => !before.has(s));
  }
  let peak = 0;
  const closed = new Promise<void>((resolve) => (server.destroyed ? resolve() : server.once('close', () => resolve())));
  const sample = setInterval(
    () =>
      (peak = Math.max(
        peak,
        [...sockets].reduce((n, s) => n + s.writableLength, 0),
      )),
    20,
  );
  // generous: the stall timeout, plus the time the answer takes to start
  const cut = await Promise.race([
    closed.then(() => true),
    new Promise<boolean>((r) => setTimeout(() => r(false), 20 * SSE.stallTimeoutMs)),
  ]);
  clearInterval(sample);
  client.destroy();
  expect(cut).toBe(true);
  // without backpressure the pool pulled the whole answer (~7 MB of SSE) into the socket's buffer
  expect(peak).toBeLessThan(SSE.maxBufferedBytes + 64 * 1024);
});

it('streams the whole answer to a client that reads', async () => {
  const res = await fetch(`http://127.0.0.1:${port}/pool/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...signed(`call_r_${Date.now()}`) },
    body,
  });
  const text = await res.text();
  expect(res.status).toBe(200);
  expect(text.trimEnd().endsWith('data: [DONE]')).toBe(true);
});
