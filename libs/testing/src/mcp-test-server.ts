// An MCP server for tests, made with the SDK's server side (McpServer + StreamableHTTPServerTransport,
// stateless) on a local port: tools `echo`, `add` (structured output), `profile` (JSON text), `fail`
// (an error result), `slow`, `big`, `chart` (an image, a binary resource and a text resource: the
// bytes are MCP_TEST_PNG and MCP_TEST_PDF), `images` (count images of bytes bytes each); it records
// the headers each request carried.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { z } from 'zod';

export interface McpTestServer {
  url: string;
  /** Headers of every HTTP request received, in order. */
  requests: IncomingHttpHeaders[];
  /** tools/call requests received, by tool name. */
  calls: Array<{ name: string; args: Record<string, unknown> }>;
  close(): Promise<void>;
}

/** A PNG signature and a few bytes: what `chart` returns as its image. */
export const MCP_TEST_PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0xff, 0x00]);
/** What `chart` returns as its binary resource (`file:///reports/q3.pdf`). */
export const MCP_TEST_PDF = Buffer.from('%PDF-1.4\n% not a real report\n\u00ff\u00fe');

function buildServer(calls: McpTestServer['calls']): McpServer {
  const server = new McpServer({ name: 'shoal-test', version: '1.0.0' });
  const record = (name: string, args: Record<string, unknown>) => calls.push({ name, args });
  server.registerTool('echo', { description: 'Echoes its text', inputSchema: { text: z.string() } }, async (args) => {
    record('echo', args);
    return { content: [{ type: 'text', text: `echo: ${args.text}` }] };
  });
  server.registerTool(
    'add',
    { description: 'Adds two numbers', inputSchema: { a: z.number(), b: z.number() }, outputSchema: { sum: z.number() } },
    async (args) => {
      record('add', args);
      return { content: [{ type: 'text', text: String(args.a + args.b) }], structuredContent: { sum: args.a + args.b } };
    },
  );
  server.registerTool('profile', { description: 'A JSON object as text', inputSchema: { name: z.string() } }, async (args) => {
    record('profile', args);
    return { content: [{ type: 'text', text: JSON.stringify({ name: args.name, active: true }) }] };
  });
  server.registerTool('fail', { description: 'Always an error result', inputSchema: {} }, async () => ({
    content: [{ type: 'text', text: 'the tool broke on purpose' }],
    isError: true,
  }));
  server.registerTool('slow', { description: 'Answers after ms milliseconds', inputSchema: { ms: z.number() } }, async (args) => {
    await new Promise((r) => setTimeout(r, args.ms));
    return { content: [{ type: 'text', text: 'late' }] };
  });
  server.registerTool('big', { description: 'Answers with bytes characters', inputSchema: { bytes: z.number() } }, async (args) => ({
    content: [{ type: 'text', text: 'x'.repeat(args.bytes) }],
  }));
  server.registerTool('chart', { description: 'An image, a PDF and a note', inputSchema: {} }, async () => ({
    content: [
      { type: 'text', text: 'Q3 chart: ' },
      { type: 'image', data: MCP_TEST_PNG.toString('base64'), mimeType: 'image/png' },
      { type: 'resource', resource: { uri: 'file:///reports/q3.pdf', mimeType: 'application/pdf', blob: MCP_TEST_PDF.toString('base64') } },
      { type: 'resource', resource: { uri: 'file:///reports/q3.txt', mimeType: 'text/plain', text: 'sales up 12%' } },
    ],
  }));
  server.registerTool(
    'images',
    { description: 'count images of bytes bytes each', inputSchema: { count: z.number(), bytes: z.number() } },
    async (args) => ({
      content: Array.from({ length: args.count }, (_, i) => ({
        type: 'image' as const,
        data: Buffer.alloc(args.bytes, i).toString('base64'),
        mimeType: 'image/png',
      })),
    }),
  );
  return server;
}

export async function startMcpTestServer(host = '127.0.0.1'): Promise<McpTestServer> {
  const requests: IncomingHttpHeaders[] = [];
  const calls: McpTestServer['calls'] = [];
  const http: Server = createServer((req, res) => {
    requests.push(req.headers);
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST' }).end();
      return;
    }
    // stateless: a server and transport per request, as the SDK's stateless example does
    const server = buildServer(calls);
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => {
      void transport.close();
      void server.close();
    });
    server
      .connect(transport)
      .then(() => transport.handleRequest(req, res))
      .catch(() => res.writeHead(500).end());
  });
  await new Promise<void>((resolve) => http.listen(0, host, resolve));
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://${host}:${port}/mcp`,
    requests,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        http.closeAllConnections();
        http.close(() => resolve());
      }),
  };
}
