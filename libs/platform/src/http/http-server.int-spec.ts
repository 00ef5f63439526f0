// The HTTP server every service starts (createHttpApp): its timeouts cut clients that trickle
// their request but never a long response, it trusts X-Forwarded-For only as configured, and
// /readyz names a failing dependency without its error. Real sockets, a real Fastify server.
import net from 'node:net';
import { Controller, Get, Module, Post, Req, Res } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { configureRootLogger } from '../logging/logger';
import { PlatformModule } from '../platform.module';
import { createHttpApp, listen, type HttpServerOptions } from './bootstrap';
import { SseStream } from './sse-stream';

jest.setTimeout(60_000);

@Controller('t')
class TestController {
  @Post('echo')
  echo(@Req() req: FastifyRequest) {
    return { got: req.body };
  }

  @Get('ip')
  ip(@Req() req: FastifyRequest) {
    return { ip: req.ip };
  }

  /** An SSE response that lasts `ms`, a chunk every 100 ms. */
  @Get('slow-stream')
  async slow(@Req() req: FastifyRequest<{ Querystring: { ms: string } }>, @Res() reply: FastifyReply) {
    const sse = SseStream.open(reply, { maxBufferedBytes: 1 << 20, stallTimeoutMs: 10_000 });
    const end = Date.now() + Number(req.query.ms);
    while (Date.now() < end && !sse.signal.aborted) {
      sse.write('data: tick\n\n');
      await new Promise((r) => setTimeout(r, 100));
    }
    sse.write('data: done\n\n');
    sse.end();
  }
}

async function boot(
  http: Partial<HttpServerOptions>,
  database?: string,
): Promise<{ app: NestFastifyApplication; url: string; port: number }> {
  @Module({
    imports: [
      PlatformModule.forRoot({ redis: 'memory', internalToken: 'x'.repeat(16), ...(database ? { database: { url: database } } : {}) }),
    ],
    controllers: [TestController],
  })
  class TestModule {}
  const app = await createHttpApp(TestModule, { shutdownHooks: false, http });
  const url = await listen(app, { port: 0, host: '127.0.0.1' });
  return { app, url, port: Number(new URL(url).port) };
}

/** Opens a socket, sends `head`, then one byte every `everyMs`; resolves with how long the server let it live and what it answered. */
function trickle(port: number, head: string, everyMs: number, giveUpMs: number): Promise<{ lived: number; answer: string; cut: boolean }> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const s = net.connect(port, '127.0.0.1');
    let answer = '';
    s.on('data', (d) => (answer += d.toString()));
    s.on('error', () => undefined);
    s.write(head);
    const drip = setInterval(() => s.writable && s.write('x'), everyMs);
    const giveUp = setTimeout(() => s.destroy(), giveUpMs);
    s.on('close', () => {
      clearInterval(drip);
      clearTimeout(giveUp);
      const lived = Date.now() - t0;
      resolve({ lived, answer, cut: lived < giveUpMs });
    });
  });
}

beforeAll(() => configureRootLogger({ service: 'test', level: 'silent' }));

describe('HTTP server timeouts', () => {
  const limits = { headersTimeoutMs: 500, requestTimeoutMs: 1000, keepAliveTimeoutMs: 1000, connectionTimeoutMs: 20_000 };
  let srv: Awaited<ReturnType<typeof boot>>;
  beforeAll(async () => {
    srv = await boot(limits);
  });
  afterAll(() => srv?.app.close());

  it('cuts a client that trickles its body, after the request timeout (it does not hold the connection for good)', async () => {
    const head = 'POST /t/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{"a":"';
    // a generous bound, 15x the request timeout: before, the connection stayed open as long as bytes kept coming
    const r = await trickle(srv.port, head, 100, 15 * limits.requestTimeoutMs);
    expect(r.cut).toBe(true);
    expect(r.answer).toMatch(/^HTTP\/1\.1 408/);
  });

  it('cuts a client that trickles its headers (slowloris), after the headers timeout', async () => {
    const r = await trickle(srv.port, 'GET /t/ip HTTP/1.1\r\nHost: x\r\nX-Slow: ', 100, 15 * limits.requestTimeoutMs);
    expect(r.cut).toBe(true);
  });

  it('never applies the request timeout to the response: an SSE stream lasting 4x the request timeout ends normally', async () => {
    const res = await fetch(`${srv.url}/t/slow-stream?ms=${4 * limits.requestTimeoutMs}`);
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text.endsWith('data: done\n\n')).toBe(true);
    expect(text.split('data: tick').length).toBeGreaterThan(10);
  });

  it('serves a normal request', async () => {
    const res = await fetch(`${srv.url}/t/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    expect(await res.json()).toEqual({ got: { a: 1 } });
  });
});

describe('TRUST_PROXY', () => {
  it('ignores X-Forwarded-For by default: the client IP is the peer', async () => {
    const srv = await boot({});
    try {
      const res = await fetch(`${srv.url}/t/ip`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
      expect(await res.json()).toEqual({ ip: '127.0.0.1' });
    } finally {
      await srv.app.close();
    }
  });

  it('honours X-Forwarded-For from a trusted proxy address', async () => {
    const srv = await boot({ trustProxy: ['127.0.0.1'] });
    try {
      const res = await fetch(`${srv.url}/t/ip`, { headers: { 'x-forwarded-for': '203.0.113.9' } });
      expect(await res.json()).toEqual({ ip: '203.0.113.9' });
    } finally {
      await srv.app.close();
    }
  });
});

describe('/readyz', () => {
  it('names the dependency that is down, but not its error message or host', async () => {
    const srv = await boot({}, 'postgresql://shoal_user:hunter2@127.0.0.1:1/shoal_db');
    try {
      const res = await fetch(`${srv.url}/readyz`);
      const text = await res.text();
      expect(res.status).toBe(503);
      expect(JSON.parse(text)).toEqual({ status: 'unavailable', checks: { postgres: 'failing' } });
      for (const leak of ['127.0.0.1', 'ECONNREFUSED', 'hunter2', 'shoal_user', 'shoal_db', ':1']) expect(text).not.toContain(leak);
    } finally {
      await srv.app.close();
    }
  });
});
