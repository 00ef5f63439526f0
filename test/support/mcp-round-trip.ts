// One MCP round trip against a running Shoal (standalone or distributed): a server made with the SDK
// on 127.0.0.1 (the target must open it with SHOAL_HTTP_ALLOW), registered over REST with a secret
// header, listed in GET /v1/tools, called by a workflow's tool node; the secret in no answer.
import { startMcpTestServer } from '@shoal/testing';

const SECRET = 'mcp-e2e-header-secret-51d0';

export function mcpRoundTrip(t: () => { url: string; apiKey: string }): void {
  it('registers an MCP server, lists its tools and runs a tool node that calls it', async () => {
    const mcp = await startMcpTestServer();
    try {
      const send = async (method: string, path: string, body?: unknown) => {
        const res = await fetch(`${t().url}${path}`, {
          method,
          headers: { authorization: `Bearer ${t().apiKey}`, 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        const text = await res.text();
        return { status: res.status, text, body: JSON.parse(text) as Record<string, any> }; // eslint-disable-line @typescript-eslint/no-explicit-any
      };
      const server = await send('POST', '/v1/tools/mcp-servers', {
        name: `e2e ${Date.now()}`,
        url: mcp.url,
        headers: { 'x-token': SECRET },
      });
      expect([server.status, server.text]).toEqual([201, expect.any(String)]);
      const tools = await send('GET', '/v1/tools');
      const listed = tools.body.data.find((p: { provider_id: string }) => p.provider_id === server.body.id);
      expect(listed).toMatchObject({ status: 'ok' });
      expect(listed.tools.map((x: { name: string }) => x.name)).toContain('add');
      const wf = await send('POST', '/v1/workflows', {
        name: 'mcp e2e',
        graph: {
          nodes: [
            { id: 'start', data: { type: 'start', variables: [{ variable: 'n', label: 'n', type: 'number', required: true }] } },
            {
              id: 'sum',
              data: {
                type: 'tool',
                provider_type: 'mcp',
                provider_id: server.body.id,
                tool_name: 'add',
                tool_parameters: { a: { type: 'variable', value: ['start', 'n'] }, b: { type: 'constant', value: '40' } },
              },
            },
            { id: 'end', data: { type: 'end', outputs: [{ variable: 'sum', value_selector: ['sum', 'sum'] }] } },
          ],
          edges: [
            { source: 'start', target: 'sum' },
            { source: 'sum', target: 'end' },
          ],
        },
      });
      expect(wf.status).toBe(201);
      const run = await send('POST', `/v1/workflows/${wf.body.id}/runs`, { inputs: { n: 2 }, response_mode: 'blocking' });
      expect(run.body).toMatchObject({ status: 'succeeded', outputs: { sum: 42 } });
      expect(mcp.requests.some((h) => h['x-token'] === SECRET)).toBe(true);
      expect(server.text + tools.text + run.text).not.toContain(SECRET);
    } finally {
      await mcp.close();
    }
  }, 60_000);
}
