// The gateway's view of MCP servers' tools: listed through the guarded MCP client, cached per server
// (TTL, bounded), with the server's headers opened only for the request.
import type { OnModuleDestroy } from '@nestjs/common';
import { McpClient, McpToolsCache, type McpToolInfo } from '@shoal/outbound-http';
import { openMcpHeaders, type McpServerRecord, type SecretBox } from '@shoal/platform';

export const MCP_CATALOG = Symbol('MCP_CATALOG');

export class McpCatalog implements OnModuleDestroy {
  private readonly cache: McpToolsCache;

  constructor(
    readonly client: McpClient,
    private readonly secrets: SecretBox | null,
  ) {
    this.cache = new McpToolsCache(client);
  }

  /** The server's tools, or the reason they could not be listed. */
  async tools(server: McpServerRecord): Promise<{ tools: McpToolInfo[] } | { error: string }> {
    try {
      const headers = openMcpHeaders(server, this.secrets);
      return { tools: await this.cache.tools(server.id, { url: server.url, headers }) };
    } catch (e) {
      return { error: e instanceof Error ? e.message : String(e) };
    }
  }

  forget(serverId: string): void {
    this.cache.forget(serverId);
  }

  onModuleDestroy(): Promise<void> {
    return this.client.close();
  }
}
