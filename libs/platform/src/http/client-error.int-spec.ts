// Requests Node's HTTP parser refuses before Fastify sees them, over a real socket: each gets
// Shoal's error shape (problem+json, or OpenAI's on OpenAI routes), never Fastify's or an empty 400.
import net from 'node:net';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { startEchoApp } from './echo-app.spec-helper';

let app: NestFastifyApplication;
let port: number;

beforeAll(async () => {
  ({ app } = await startEchoApp());
  await app.listen(0, '127.0.0.1');
  port = (app.getHttpServer().address() as net.AddressInfo).port;
});
afterAll(() => app?.close());

/** Writes `raw` and reads until the server closes the connection. */
function exchange(raw: string): Promise<{ status: number; headers: string; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head, body = ''] = text.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), headers: head.toLowerCase(), body });
    });
    socket.setTimeout(20_000, () => socket.destroy(new Error('no answer')));
    socket.write(raw);
  });
}

it('answers a URL longer than the parser takes with 414 problem+json', async () => {
  const res = await exchange(`GET /things/${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
  expect(res.status).toBe(414);
  expect(res.headers).toContain('content-type: application/problem+json');
  expect(JSON.parse(res.body)).toMatchObject({
    type: 'https://shoal.dev/problems/uri-too-long',
    status: 414,
    instance: '/things/' + 'a'.repeat(192),
  });
});

it('answers headers larger than the parser takes with 431, in OpenAI’s shape on an OpenAI route', async () => {
  const rest = await exchange(`GET /things/a HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`);
  expect(rest.status).toBe(431);
  expect(JSON.parse(rest.body)).toMatchObject({ type: 'https://shoal.dev/problems/headers-too-large', status: 431 });
  const openai = await exchange(`POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(20_000)}\r\n\r\n`);
  expect(openai.status).toBe(431);
  expect(JSON.parse(openai.body)).toEqual({
    error: { message: 'The request headers are too large', type: 'invalid_request_error', param: 'headers', code: 'headers_too_large' },
  });
});

it('answers a malformed request with 400 problem+json that does not name the framework', async () => {
  const res = await exchange('GET /things/a HTTP/1.1\r\nHost: x\r\nBad Header\r\n\r\n');
  expect(res.status).toBe(400);
  expect(JSON.parse(res.body)).toMatchObject({ type: 'https://shoal.dev/problems/malformed-request' });
  expect(res.body).not.toMatch(/fastify|Client Error/i);
});
