// The gateway's edge under hostile or careless clients, with real Postgres, in both shapes: run
// events in Redis (distributed) and in process (standalone). Authentication happens before the
// body is read; a flood of bad keys costs no database query each; SSE readers that never read are
// cut instead of buffered for; streams are bounded per key and per run; a fully replayed finished
// run ends at once.
import http from 'node:http';
import net from 'node:net';
import { Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { newId, type RunEventBody } from '@shoal/contracts';
import {
  ApiKeysRepository,
  RUN_EVENT_STORE,
  configureRootLogger,
  createHttpApp,
  createPrismaClient,
  listen,
  PlatformModule,
  type PrismaClient,
  type RunEventStore,
} from '@shoal/platform';
import { dropRedisPrefixes, createTestDatabase, testRedisPrefix, testRedisUrl, type TestDatabase } from '@shoal/testing';
import { GatewayModule } from './gateway.module';
import { StreamSlots } from '@shoal/platform';

jest.setTimeout(120_000);

const KEY = 'sk-shoal-edge-test-0123456789abcdef';
const SSE_BUFFER = 256 * 1024;
const STREAMS = { maxPerKey: 45, maxPerRun: 32 };

type Mode = 'redis' | 'memory';

interface Harness {
  app: NestFastifyApplication;
  url: string;
  port: number;
  prisma: PrismaClient;
  events: RunEventStore;
  tenantId: string;
  workflowId: string;
  versionId: string;
  /** the server side of every connection, to see what it buffers */
  sockets: Set<net.Socket>;
  lookups: () => number;
  close(): Promise<void>;
}

async function boot(db: TestDatabase, mode: Mode, modelPoolUrl: string): Promise<Harness> {
  const prefix = testRedisPrefix('edge');
  @Module({
    imports: [
      PlatformModule.forRoot({
        database: { url: db.url, maxConnections: 5 },
        redis: mode === 'redis' ? { url: testRedisUrl(), prefix } : 'memory',
        internalToken: 'edge-internal-token-0123456789',
        auth: { failuresPerIp: 20, windowMs: 60_000 },
      }),
      GatewayModule.register({
        modelPool: { baseUrl: modelPoolUrl, internalToken: 'edge-internal-token-0123456789' },
        billing: { baseUrl: 'http://127.0.0.1:1', internalToken: 'edge-internal-token-0123456789' },
        bootstrapKey: KEY,
        blockingTimeoutMs: 5_000,
        sse: { maxBufferedBytes: SSE_BUFFER, stallTimeoutMs: 5_000 },
        streams: STREAMS,
      }),
    ],
  })
  class EdgeTestModule {}
  // X-Forwarded-For from the test (127.0.0.1) is trusted: each test speaks as its own client address
  const app = await createHttpApp(EdgeTestModule, { shutdownHooks: false, http: { trustProxy: ['127.0.0.1'] } });
  const sockets = new Set<net.Socket>();
  app.getHttpServer().on('connection', (s: net.Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  });
  const keys = app.get(ApiKeysRepository);
  let lookups = 0;
  const find = keys.findByHash.bind(keys);
  keys.findByHash = (hash: string) => {
    lookups++;
    return find(hash);
  };
  const url = await listen(app, { port: 0, host: '127.0.0.1' });
  const prisma = createPrismaClient({ url: db.url, maxConnections: 2 });
  const tenant = await prisma.tenant.findFirstOrThrow();
  const workflowId = newId('wf');
  const versionId = newId('wfv');
  await prisma.workflow.create({ data: { id: workflowId, tenantId: tenant.id, name: `edge-${mode}` } });
  await prisma.workflowVersion.create({
    data: { id: versionId, tenantId: tenant.id, workflowId, number: 1, graph: { nodes: [], edges: [] }, checksum: 'x' },
  });
  return {
    app,
    url,
    port: Number(new URL(url).port),
    prisma,
    events: app.get<RunEventStore>(RUN_EVENT_STORE),
    tenantId: tenant.id,
    workflowId,
    versionId,
    sockets,
    lookups: () => lookups,
    async close() {
      for (const s of sockets) s.destroy();
      await app.close();
      await prisma.$disconnect();
      if (mode === 'redis') {
        await dropRedisPrefixes([prefix]);
      }
    },
  };
}

const chunk = (text: string): RunEventBody => ({ event: 'text_chunk', data: { text, from_variable_selector: ['llm', 'text'] } });
const finishedEvent = (runId: string, workflowId: string): RunEventBody => ({
  event: 'workflow_finished',
  data: {
    id: runId,
    workflow_id: workflowId,
    status: 'succeeded',
    outputs: {},
    error: null,
    elapsed_time: 0.1,
    total_tokens: 0,
    total_steps: 1,
    created_at: 0,
    finished_at: 0,
  },
});

async function createRun(h: Harness, status: 'running' | 'succeeded' = 'running', lastEventSeq = 0): Promise<string> {
  const id = newId('run');
  await h.prisma.workflowRun.create({
    data: {
      id,
      tenantId: h.tenantId,
      workflowId: h.workflowId,
      workflowVersionId: h.versionId,
      status,
      inputs: {},
      lastEventSeq,
      ...(status === 'succeeded' ? { finishedAt: new Date() } : {}),
    },
  });
  return id;
}

/** A raw HTTP request whose reader never reads: what a stalled SSE client looks like to the server. */
function stalledReader(port: number, path: string, ip: string): net.Socket {
  const s = net.connect(port, '127.0.0.1');
  s.on('error', () => undefined);
  s.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${KEY}\r\nX-Forwarded-For: ${ip}\r\n\r\n`);
  s.pause();
  return s;
}

/** Sends the head of a request and `firstBytes` of its declared body; resolves with the answer's status line if one comes before the body is complete. */
function partialBody(
  port: number,
  path: string,
  headers: Record<string, string>,
  declared: number,
  firstBytes: number,
): Promise<{ status: string; body: string }> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    let answer = '';
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error('no answer before the body was complete'));
    }, 10_000);
    s.on('error', () => undefined);
    s.on('data', (d) => {
      answer += d.toString();
      const end = answer.indexOf('\r\n\r\n');
      if (end < 0) return;
      const length = Number(/content-length: (\d+)/i.exec(answer)?.[1] ?? 0);
      if (answer.length >= end + 4 + length) {
        clearTimeout(timer);
        s.destroy();
        resolve({ status: answer.split('\r\n')[0], body: answer.slice(end + 4) });
      }
    });
    const head = Object.entries({ host: 'x', 'content-type': 'application/json', 'content-length': String(declared), ...headers })
      .map(([k, v]) => `${k}: ${v}`)
      .join('\r\n');
    s.write(`POST ${path} HTTP/1.1\r\n${head}\r\n\r\n{"x":"${'a'.repeat(firstBytes)}`);
  });
}

interface FakePool {
  url: string;
  /** bytes of SSE the fake model-pool managed to hand to the gateway, and whether the gateway hung up */
  streamed: { bytes: number; closed: boolean };
  close(): Promise<void>;
}

/** A model-pool that streams an endless SSE answer as fast as the gateway takes it (honouring drain). */
async function fakeModelPool(): Promise<FakePool> {
  const streamed = { bytes: 0, closed: false };
  const server = http.createServer((req, res) => {
    req.resume();
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    const chunk = `data: ${JSON.stringify({ choices: [{ delta: { content: 'x'.repeat(4000) } }] })}\n\n`;
    let open = true;
    res.on('close', () => {
      open = false;
      streamed.closed = true;
    });
    const pump = () => {
      while (open && streamed.bytes < 200 * 1024 * 1024) {
        streamed.bytes += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
    };
    pump();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    streamed,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Waits (generously bounded) until `ok()`. */
async function until(ok: () => boolean, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

let db: TestDatabase;
beforeAll(async () => {
  configureRootLogger({ service: 'test', level: 'silent' });
  db = await createTestDatabase('edge');
});
afterAll(() => db?.drop());

describe.each<Mode>(['redis', 'memory'])('gateway edge (run events in %s)', (mode) => {
  let h: Harness;
  let pool: FakePool;
  beforeAll(async () => {
    pool = await fakeModelPool();
    h = await boot(db, mode, pool.url);
  });
  afterAll(async () => {
    await h?.close();
    await pool?.close();
  });

  const get = (path: string, ip: string, key: string | null = KEY, headers: Record<string, string> = {}) =>
    fetch(h.url + path, { headers: { 'x-forwarded-for': ip, ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers } });

  it('refuses a request without a valid key before reading its body, in the style of its route', async () => {
    const tenMb = 10 * 1024 * 1024;
    const problem = await partialBody(h.port, '/v1/workflows', { 'x-forwarded-for': '198.51.100.1' }, tenMb, 1024);
    expect(problem.status).toBe('HTTP/1.1 401 Unauthorized');
    expect(JSON.parse(problem.body)).toMatchObject({ type: 'https://shoal.dev/problems/unauthorized', status: 401 });
    const openai = await partialBody(
      h.port,
      '/v1/chat/completions',
      { authorization: 'Bearer sk-shoal-wrong', 'x-forwarded-for': '198.51.100.1' },
      tenMb,
      1024,
    );
    expect(openai.status).toBe('HTTP/1.1 401 Unauthorized');
    expect(JSON.parse(openai.body)).toEqual({
      error: { message: 'Invalid API key', type: 'invalid_request_error', param: null, code: 'invalid_api_key' },
    });
  });

  it('keeps a flood of unknown keys off the database: one address gets 429 with Retry-After, the valid key keeps working from its cache', async () => {
    const runId = await createRun(h);
    expect((await get(`/v1/runs/${runId}`, '198.51.100.2')).status).toBe(200);
    const before = h.lookups();
    const statuses: number[] = [];
    for (let i = 0; i < 300; i++) statuses.push((await get(`/v1/runs/${runId}`, '198.51.100.3', `sk-shoal-flood-${mode}-${i}`)).status);
    expect(statuses.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(20).every((s) => s === 429)).toBe(true);
    expect(h.lookups() - before).toBe(20);
    const limited = await get(`/v1/runs/${runId}`, '198.51.100.3', 'sk-shoal-flood-again');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers.get('content-type')).toContain('application/problem+json');
    // the valid key: still served (from the cache, no lookup), from the flooding address and any other
    expect((await get(`/v1/runs/${runId}`, '198.51.100.3')).status).toBe(200);
    expect((await get(`/v1/runs/${runId}`, '198.51.100.4')).status).toBe(200);
    expect(h.lookups() - before).toBe(20);
  });

  it('cuts SSE readers that never read once they fall behind the bound, instead of buffering the run for each', async () => {
    const runId = await createRun(h);
    const eventText = 'e'.repeat(32 * 1024);
    const readers = Array.from({ length: 30 }, (_, i) => stalledReader(h.port, `/v1/runs/${runId}/events`, `198.51.100.${100 + i}`));
    // a reader that reads keeps everything
    let goodIds = 0;
    const goodParts: string[] = [];
    const goodRes = await fetch(`${h.url}/v1/runs/${runId}/events`, {
      headers: { authorization: `Bearer ${KEY}`, 'x-forwarded-for': '198.51.100.99' },
    });
    const good = (async () => {
      const decoder = new TextDecoder();
      for await (const part of goodRes.body!) {
        const text = decoder.decode(part as Uint8Array, { stream: true });
        goodParts.push(text);
        goodIds += text.split('id: ').length - 1; // event text is all 'e': an "id: " is an event's id line
      }
      return goodParts.join('');
    })();
    await new Promise((r) => setTimeout(r, 500));
    const total = 8 * 1024 * 1024;
    let peak = 0;
    let appended = 0;
    for (let written = 0; written < total; written += eventText.length) {
      await h.events.append(runId, chunk(eventText));
      appended++;
      // paced as a worker appends: the reader that reads (in this same busy process) is not outrun
      for (let i = 0; i < 500 && goodIds < appended - 2; i++) await new Promise((r) => setTimeout(r, 5));
      if (written % (1024 * 1024) < eventText.length) {
        peak = Math.max(
          peak,
          [...h.sockets].reduce((n, s) => n + s.writableLength, 0),
        );
      }
    }
    await h.events.append(runId, finishedEvent(runId, h.workflowId));
    await new Promise((r) => setTimeout(r, 200));
    peak = Math.max(
      peak,
      [...h.sockets].reduce((n, s) => n + s.writableLength, 0),
    );
    // without backpressure each stalled reader holds nearly the whole 8 MB: 30 of them about 240 MB
    const bound = 31 * (SSE_BUFFER + 2 * eventText.length + 4096);
    expect(peak).toBeLessThan(bound);
    expect(peak).toBeLessThan((30 * total) / 10);
    const text = await good;
    expect(goodRes.status).toBe(200);
    expect(text.split('\n\n').filter((b) => b.startsWith('id: ')).length).toBe(total / eventText.length + 1);
    for (const r of readers) r.destroy();
  });

  it('limits open streams per run and per key, with a problem+json 429 beyond', async () => {
    const runA = await createRun(h);
    const runB = await createRun(h);
    const slots = h.app.get(StreamSlots);
    const keyId = (await h.prisma.apiKey.findFirstOrThrow()).id;
    expect(slots.openForKey(keyId)).toBe(0);
    const open: net.Socket[] = [];
    try {
      for (let i = 0; i < STREAMS.maxPerRun; i++) open.push(stalledReader(h.port, `/v1/runs/${runA}/events`, '198.51.100.200'));
      await until(() => slots.openForKey(keyId) >= STREAMS.maxPerRun);
      const overRun = await get(`/v1/runs/${runA}/events`, '198.51.100.200');
      expect(overRun.status).toBe(429);
      expect(overRun.headers.get('content-type')).toContain('application/problem+json');
      expect(((await overRun.json()) as { detail: string }).detail).toMatch(/run/);
      for (let i = STREAMS.maxPerRun; i < STREAMS.maxPerKey; i++)
        open.push(stalledReader(h.port, `/v1/runs/${runB}/events`, '198.51.100.200'));
      await until(() => slots.openForKey(keyId) >= STREAMS.maxPerKey);
      const overKey = await get(`/v1/runs/${runB}/events`, '198.51.100.200');
      expect(overKey.status).toBe(429);
      expect(((await overKey.json()) as { detail: string }).detail).toMatch(/API key/);
    } finally {
      for (const s of open) s.destroy();
    }
    // slots come back when the streams close
    await until(() => slots.openForKey(keyId) === 0);
    await h.events.append(runA, finishedEvent(runA, h.workflowId));
    const again = await get(`/v1/runs/${runA}/events`, '198.51.100.200');
    expect(again.status).toBe(200);
    await again.text();
  });

  it('ends the replay of a finished run at once when Last-Event-ID is at or past its last event (204: EventSource stops reconnecting)', async () => {
    const runId = await createRun(h, 'running');
    for (let i = 0; i < 3; i++) await h.events.append(runId, chunk(`c${i}`));
    const last = (await h.events.append(runId, finishedEvent(runId, h.workflowId)))!;
    await h.prisma.workflowRun.update({
      where: { id: runId },
      data: { status: 'succeeded', finishedAt: new Date(), lastEventSeq: last.sequence },
    });
    for (const id of [String(last.sequence), String(last.sequence + 5)]) {
      const res = await get(`/v1/runs/${runId}/events`, '198.51.100.201', KEY, { 'last-event-id': id });
      expect(res.status).toBe(204);
    }
    const rest = await get(`/v1/runs/${runId}/events`, '198.51.100.201', KEY, { 'last-event-id': String(last.sequence - 1) });
    expect(rest.status).toBe(200);
    const blocks = (await rest.text()).split('\n\n').filter((b) => b.startsWith('id: '));
    expect(blocks.map((b) => b.split('\n')[0])).toEqual([`id: ${last.sequence}`]);
  });

  it('relays a streamed chat completion no faster than the client reads, and cuts a client that never reads (and the upstream call)', async () => {
    pool.streamed.bytes = 0;
    pool.streamed.closed = false;
    const before = new Set(h.sockets);
    const body = JSON.stringify({ model: 'mock-chat', stream: true, messages: [{ role: 'user', content: 'hi' }] });
    const client = net.connect(h.port, '127.0.0.1');
    client.on('error', () => undefined);
    client.write(
      `POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${KEY}\r\nX-Forwarded-For: 198.51.100.210\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    );
    client.pause();
    let server: net.Socket | undefined;
    await until(() => (server = [...h.sockets].find((x) => !before.has(x))) !== undefined);
    let peak = 0;
    const sample = setInterval(() => (peak = Math.max(peak, server!.writableLength)), 20);
    // the stall timeout (5 s), generously
    await until(() => server!.destroyed && pool.streamed.closed, 60_000);
    clearInterval(sample);
    client.destroy();
    expect(peak).toBeLessThan(SSE_BUFFER + 64 * 1024);
    // without backpressure the gateway would have pulled upstream without end (up to the fake's 200 MB)
    expect(pool.streamed.bytes).toBeLessThan(50 * 1024 * 1024);
  });
});
