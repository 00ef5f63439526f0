// MCP over the guarded fetch, against a server made with the SDK on a local port: reachable only
// through the allowlist, redirects re-checked, time and size bounded.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startMcpTestServer, type McpTestServer } from '@shoal/testing';
import { OutboundAddressPolicy, parseAllowList } from '../address-policy';
import { OutboundAddressRefusedError, OutboundHttpError } from '../outbound-http.errors';
import { McpClient } from './mcp.client';

const allow = (text: string) => {
  const parsed = parseAllowList(text);
  if (!parsed.ok) throw new Error(parsed.error);
  return new OutboundAddressPolicy(parsed.value);
};

describe('McpClient', () => {
  let server: McpTestServer;
  let redirector: Server;
  let redirectUrl: string;
  const clients: McpClient[] = [];
  const client = (policy: OutboundAddressPolicy, limits = {}) => {
    const c = new McpClient({ policy, limits });
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    server = await startMcpTestServer();
    // answers every request with a redirect to the cloud metadata address
    redirector = createServer((_req, res) => res.writeHead(307, { location: 'http://169.254.169.254/latest/meta-data/' }).end());
    await new Promise<void>((r) => redirector.listen(0, '127.0.0.1', r));
    redirectUrl = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}/mcp`;
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await server.close();
    redirector.closeAllConnections();
    await new Promise((r) => redirector.close(r));
  });

  it('lists tools with their input schemas and calls one, sending the configured headers', async () => {
    const c = client(allow('127.0.0.1'));
    const tools = await c.listTools({ url: server.url, headers: { 'x-api-key': 'k-123' } });
    expect(tools.map((t) => t.name).sort()).toEqual(['add', 'big', 'chart', 'echo', 'fail', 'images', 'profile', 'slow']);
    expect(tools.find((t) => t.name === 'add')?.inputSchema).toMatchObject({ type: 'object', properties: { a: { type: 'number' } } });
    const res = await c.callTool({ url: server.url, headers: { 'x-api-key': 'k-123' } }, 'add', { a: 2, b: 3 });
    expect(res).toMatchObject({ isError: false, structuredContent: { sum: 5 }, content: [{ type: 'text', text: '5' }] });
    expect(server.requests.at(-1)?.['x-api-key']).toBe('k-123');
  });

  it('refuses a loopback server the allowlist does not open, before connecting', async () => {
    const before = server.requests.length;
    await expect(client(allow('')).listTools({ url: server.url, headers: {} })).rejects.toThrow(OutboundAddressRefusedError);
    expect(server.requests.length).toBe(before);
  });

  it('re-checks a redirect: a hop to the metadata address is refused', async () => {
    await expect(client(allow('127.0.0.1')).listTools({ url: redirectUrl, headers: {} })).rejects.toThrow(/169\.254\.169\.254/);
  });

  it('follows a redirect to another origin without the configured headers', async () => {
    const other = await startMcpTestServer('127.0.0.2');
    const hop = createServer((req, res) => res.writeHead(307, { location: other.url }).end());
    await new Promise<void>((r) => hop.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(hop.address() as AddressInfo).port}/mcp`;
      const tools = await client(allow('127.0.0.0/8')).listTools({ url, headers: { 'x-api-key': 'k-123' } });
      expect(tools.length).toBe(8);
      expect(other.requests.length).toBeGreaterThan(0);
      expect(other.requests.every((h) => h['x-api-key'] === undefined)).toBe(true);
    } finally {
      hop.closeAllConnections();
      await new Promise((r) => hop.close(r));
      await other.close();
    }
  });

  it('bounds a call by time and a result by size', async () => {
    const quick = client(allow('127.0.0.1'), { callTimeoutMs: 300 });
    await expect(quick.callTool({ url: server.url, headers: {} }, 'slow', { ms: 3000 })).rejects.toThrow(/did not answer within 300 ms/);
    // its own client: a loaded machine may take longer than 300 ms to move 200 KB
    const small = client(allow('127.0.0.1'), { maxResponseBytes: 64 * 1024 });
    await expect(small.callTool({ url: server.url, headers: {} }, 'big', { bytes: 200_000 })).rejects.toThrow(/larger than 65536 bytes/);
  });

  it('refuses a server listing more tools than allowed', async () => {
    await expect(client(allow('127.0.0.1'), { maxTools: 3 }).listTools({ url: server.url, headers: {} })).rejects.toThrow(
      OutboundHttpError,
    );
  });
});
