// The SSRF suite: every way to reach a refused address is refused with an error naming the host,
// the address and its class, before a byte is sent; allowed servers (local, opened by the allowlist)
// are reached. Local HTTP servers on 127.0.0.1 and 127.0.0.2 stand for "inside" and "allowed".
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GuardedHttpClient } from './guarded-http.client';
import { OutboundAddressPolicy, parseAllowList } from './address-policy';
import type { HostResolver } from './guarded.connector';
import { OutboundAddressRefusedError, OutboundHttpError } from './outbound-http.errors';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;

interface TestServer {
  server: Server;
  port: number;
  /** The local address each accepted connection came in on. */
  connections: string[];
  requests: Array<{ url: string; method: string; headers: IncomingMessage['headers']; body: string }>;
  handler: Handler;
}

async function startServer(host: string): Promise<TestServer> {
  const s: TestServer = {
    server: null as unknown as Server,
    port: 0,
    connections: [],
    requests: [],
    handler: (_req, res) => res.end('ok'),
  };
  s.server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      s.requests.push({ url: req.url ?? '', method: req.method ?? '', headers: req.headers, body });
      s.handler(req, res, body);
    });
  });
  s.server.on('connection', (socket) => s.connections.push(socket.localAddress ?? ''));
  await new Promise<void>((resolve) => s.server.listen(0, host, resolve));
  s.port = (s.server.address() as AddressInfo).port;
  return s;
}

const TIMEOUTS = { connectMs: 5000, readMs: 10_000, writeMs: 10_000 };

function get(client: GuardedHttpClient, url: string, extra: Partial<Parameters<GuardedHttpClient['request']>[0]> = {}) {
  return client.request({
    method: 'GET',
    url,
    headers: [],
    body: null,
    timeouts: TIMEOUTS,
    maxResponseBytes: 1024 * 1024,
    sslVerify: true,
    ...extra,
  });
}

async function refusal(p: Promise<unknown>): Promise<OutboundAddressRefusedError> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(OutboundAddressRefusedError);
  return e as OutboundAddressRefusedError;
}

/** Names the tests resolve; anything else is an unknown name (never the real DNS). */
const names: Record<string, string[]> = {
  'allowed.test': ['127.0.0.2'],
  'loopback.test': ['127.0.0.1'],
  'private.test': ['10.0.0.7'],
  'metadata.test': ['169.254.169.254'],
  'cgnat.test': ['100.64.1.1'],
  'linklocal6.test': ['fe80::1'],
  'mapped.test': ['::ffff:127.0.0.1'],
  'mixed.test': ['10.0.0.1', '127.0.0.2'],
};
const fakeDns: HostResolver = async (host) => {
  const found = names[host];
  if (!found) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  return found.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
};

describe('GuardedHttpClient: the SSRF suite', () => {
  let inside: TestServer; // 127.0.0.1: never opened
  let allowed: TestServer; // 127.0.0.2: opened by the allowlist
  let client: GuardedHttpClient;
  const allow = parseAllowList('127.0.0.2/32');
  const policy = new OutboundAddressPolicy(allow.ok ? allow.value : undefined);

  beforeAll(async () => {
    inside = await startServer('127.0.0.1');
    allowed = await startServer('127.0.0.2');
    client = new GuardedHttpClient({ policy, resolve: fakeDns });
  });
  afterAll(async () => {
    await client.close();
    inside.server.close();
    allowed.server.close();
  });
  beforeEach(() => {
    inside.requests.length = 0;
    inside.connections.length = 0;
    allowed.handler = (_req, res) => res.end('ok');
  });
  afterEach(() => {
    // nothing refused ever reached the inside server
    expect(inside.connections).toEqual([]);
  });

  it('reaches a server the allowlist opens, by address and by a name resolving to it', async () => {
    const byAddress = await get(client, `http://127.0.0.2:${allowed.port}/a`);
    expect(byAddress).toMatchObject({ status: 200, url: `http://127.0.0.2:${allowed.port}/a` });
    expect(Buffer.from(byAddress.body).toString()).toBe('ok');
    const byName = await get(client, `http://allowed.test:${allowed.port}/b`);
    expect(byName.status).toBe(200);
    expect(allowed.requests.at(-1)?.headers.host).toBe(`allowed.test:${allowed.port}`);
  });

  it.each([
    ['http://127.0.0.1:PORT/', '127.0.0.1', 'loopback'],
    ['http://10.0.0.1/', '10.0.0.1', 'private'],
    ['http://172.16.5.4/', '172.16.5.4', 'private'],
    ['http://192.168.0.1/', '192.168.0.1', 'private'],
    ['http://169.254.169.254/latest/meta-data/', '169.254.169.254', 'cloud metadata'],
    ['http://169.254.10.10/', '169.254.10.10', 'link-local'],
    ['http://100.64.0.1/', '100.64.0.1', 'carrier-grade NAT'],
    ['http://100.100.100.200/', '100.100.100.200', 'cloud metadata'],
    ['http://224.0.0.1/', '224.0.0.1', 'multicast'],
    ['http://0.0.0.0:PORT/', '0.0.0.0', 'unspecified'],
    ['http://[::1]:PORT/', '::1', 'loopback'],
    ['http://[::]:PORT/', '::', 'unspecified'],
    ['http://[fe80::1]/', 'fe80::1', 'link-local'],
    ['http://[fc00::1]/', 'fc00::1', 'private'],
    ['http://[fd00:ec2::254]/', 'fd00:ec2::254', 'cloud metadata'],
    ['http://[ff02::1]/', 'ff02::1', 'multicast'],
    ['http://[::ffff:127.0.0.1]:PORT/', '::ffff:7f00:1', 'loopback'],
    ['http://[::ffff:169.254.169.254]/', '::ffff:a9fe:a9fe', 'cloud metadata'],
    ['http://[64:ff9b::7f00:1]/', '64:ff9b::7f00:1', 'IPv4-embedding IPv6'],
    // the URL parser reads these IPv4 spellings as 127.0.0.1; so does the guard
    ['http://2130706433:PORT/', '127.0.0.1', 'loopback'],
    ['http://0x7f.1:PORT/', '127.0.0.1', 'loopback'],
    ['http://0x7f000001:PORT/', '127.0.0.1', 'loopback'],
    ['http://0177.0.0.1:PORT/', '127.0.0.1', 'loopback'],
    ['http://127.1:PORT/', '127.0.0.1', 'loopback'],
    ['https://127.0.0.1:PORT/', '127.0.0.1', 'loopback'],
  ])('refuses the literal address %s', async (url, address, cls) => {
    const e = await refusal(get(client, url.replace('PORT', String(inside.port))));
    expect({ address: e.address, class: e.addressClass, code: e.code }).toEqual({ address, class: cls, code: 'address_refused' });
    expect(e.message).toContain(`it is a ${cls} address`);
    expect(e.message).toContain('SHOAL_HTTP_ALLOW');
  });

  it.each([
    ['loopback.test', '127.0.0.1', 'loopback'],
    ['private.test', '10.0.0.7', 'private'],
    ['metadata.test', '169.254.169.254', 'cloud metadata'],
    ['cgnat.test', '100.64.1.1', 'carrier-grade NAT'],
    ['linklocal6.test', 'fe80::1', 'link-local'],
    ['mapped.test', '::ffff:127.0.0.1', 'loopback'],
  ])('refuses %s, a name that resolves to %s', async (host, address, cls) => {
    const e = await refusal(get(client, `http://${host}:${inside.port}/`));
    expect([e.host, e.address, e.addressClass]).toEqual([host, address, cls]);
    expect(e.message).toContain(`Refused to connect to ${host} (${address})`);
  });

  it('refuses localhost through the system resolver', async () => {
    const system = new GuardedHttpClient({ policy });
    try {
      const e = await refusal(get(system, `http://localhost:${inside.port}/`));
      expect(e.addressClass).toBe('loopback');
    } finally {
      await system.close();
    }
  });

  it('connects to an allowed address of a name that also resolves to a refused one, never to the refused one', async () => {
    const res = await get(client, `http://mixed.test:${allowed.port}/`);
    expect(res.status).toBe(200);
  });

  it('refuses a redirect from an allowed server to 127.0.0.1, and to the metadata address', async () => {
    allowed.handler = (req, res) => {
      res.statusCode = 302;
      res.setHeader('location', req.url === '/meta' ? 'http://169.254.169.254/latest/' : `http://127.0.0.1:${inside.port}/secret`);
      res.end();
    };
    const e = await refusal(get(client, `http://127.0.0.2:${allowed.port}/`));
    expect([e.address, e.addressClass]).toEqual(['127.0.0.1', 'loopback']);
    const m = await refusal(get(client, `http://127.0.0.2:${allowed.port}/meta`));
    expect(m.addressClass).toBe('cloud metadata');
  });

  it('refuses a redirect to a name that resolves inside, and a redirect to another scheme', async () => {
    allowed.handler = (req, res) => {
      res.statusCode = 307;
      res.setHeader('location', req.url === '/file' ? 'file:///etc/passwd' : `http://loopback.test:${inside.port}/`);
      res.end();
    };
    expect((await refusal(get(client, `http://127.0.0.2:${allowed.port}/`))).host).toBe('loopback.test');
    await expect(get(client, `http://127.0.0.2:${allowed.port}/file`)).rejects.toMatchObject({ code: 'bad_redirect' });
  });

  it('follows allowed redirects, a bounded number of hops, dropping Authorization when the origin changes', async () => {
    allowed.handler = (req, res) => {
      const n = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('n') ?? '0');
      if (req.url?.startsWith('/loop')) {
        res.statusCode = 302;
        res.setHeader('location', `/loop?n=${n + 1}`);
        return res.end();
      }
      if (req.url === '/start') {
        res.statusCode = 301;
        res.setHeader('location', `http://allowed.test:${allowed.port}/end`);
        return res.end();
      }
      res.end(`at ${req.url}`);
    };
    const res = await get(client, `http://127.0.0.2:${allowed.port}/start`, { headers: [['Authorization', 'Bearer sk-secret-value']] });
    expect(Buffer.from(res.body).toString()).toBe('at /end');
    expect(res.url).toBe(`http://allowed.test:${allowed.port}/end`);
    expect(allowed.requests.at(-2)?.headers.authorization).toBe('Bearer sk-secret-value');
    expect(allowed.requests.at(-1)?.headers.authorization).toBeUndefined();
    const loop = new GuardedHttpClient({ policy, resolve: fakeDns, maxRedirects: 3 });
    try {
      await expect(get(loop, `http://127.0.0.2:${allowed.port}/loop`)).rejects.toMatchObject({ code: 'too_many_redirects' });
    } finally {
      await loop.close();
    }
  });

  it('keeps method and body through a 307, and continues a POST as a body-less GET after a 303', async () => {
    allowed.handler = (req, res, body) => {
      if (req.url === '/307' || req.url === '/303') {
        res.statusCode = Number(req.url.slice(1));
        res.setHeader('location', '/landed');
        return res.end();
      }
      res.end(`${req.method} ${body}`);
    };
    const post = (path: string) =>
      get(client, `http://127.0.0.2:${allowed.port}${path}`, {
        method: 'POST',
        headers: [['Content-Type', 'text/plain']],
        body: new TextEncoder().encode('payload'),
      });
    expect(Buffer.from((await post('/307')).body).toString()).toBe('POST payload');
    expect(Buffer.from((await post('/303')).body).toString()).toBe('GET ');
    expect(allowed.requests.at(-1)?.headers['content-type']).toBeUndefined();
  });

  it('checks the address it connects to, once per connection: a rebinding name cannot slip in between', async () => {
    let calls = 0;
    // the first answer is an allowed address, every later one is loopback
    const rebinding: HostResolver = async () => [{ address: calls++ === 0 ? '127.0.0.2' : '127.0.0.1', family: 4 }];
    const rebound = new GuardedHttpClient({ policy, resolve: rebinding });
    allowed.handler = (_req, res) => {
      res.setHeader('connection', 'close');
      res.end('first');
    };
    allowed.connections.length = 0;
    try {
      const first = await get(rebound, `http://rebind.test:${allowed.port}/`);
      expect(Buffer.from(first.body).toString()).toBe('first');
      expect(allowed.connections).toEqual(['127.0.0.2']);
      expect(calls).toBe(1);
      const e = await refusal(get(rebound, `http://rebind.test:${allowed.port}/`));
      expect([e.host, e.address]).toEqual(['rebind.test', '127.0.0.1']);
      expect(calls).toBe(2);
    } finally {
      await rebound.close();
    }
  });

  it('stops reading past the size cap, whether the length is declared or not', async () => {
    allowed.handler = (req, res) => {
      if (req.url === '/chunked') {
        res.write('x'.repeat(600));
        res.end('y'.repeat(600));
      } else res.end('z'.repeat(2000));
    };
    await expect(get(client, `http://127.0.0.2:${allowed.port}/declared`, { maxResponseBytes: 1000 })).rejects.toMatchObject({
      code: 'response_too_large',
    });
    await expect(get(client, `http://127.0.0.2:${allowed.port}/chunked`, { maxResponseBytes: 1000 })).rejects.toMatchObject({
      code: 'response_too_large',
    });
    expect((await get(client, `http://127.0.0.2:${allowed.port}/declared`, { maxResponseBytes: 2000 })).body.length).toBe(2000);
  });

  it('times out a server that never answers, naming the phase', async () => {
    allowed.handler = () => undefined; // never responds
    const e = await get(client, `http://127.0.0.2:${allowed.port}/`, { timeouts: { connectMs: 1000, readMs: 200, writeMs: 100 } }).catch(
      (err: unknown) => err,
    );
    expect(e).toBeInstanceOf(OutboundHttpError);
    expect(e).toMatchObject({ code: 'timeout', message: expect.stringContaining('waiting for the response') });
  });

  it('reports a name that does not resolve', async () => {
    await expect(get(client, 'http://nowhere.test/')).rejects.toMatchObject({
      code: 'dns_failed',
      message: expect.stringContaining('nowhere.test'),
    });
  });
});
