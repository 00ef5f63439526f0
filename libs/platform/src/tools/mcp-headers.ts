// An MCP server's request headers: sealed together as one JSON object, opened only to make a call.
import type { SecretBox } from '../secrets/secret-box';

export const mcpHeadersOwner = (tenantId: string, serverId: string) => `${tenantId}:mcp_server:${serverId}`;

export function sealMcpHeaders(headers: Readonly<Record<string, string>>, tenantId: string, serverId: string, box: SecretBox): string {
  return box.seal(JSON.stringify(headers), mcpHeadersOwner(tenantId, serverId));
}

/** The headers in clear; {} when none were stored. Throws (SecretBoxError) when they cannot be opened. */
export function openMcpHeaders(
  server: { tenantId: string; id: string; sealedHeaders: string | null },
  box: SecretBox | null,
): Record<string, string> {
  if (!server.sealedHeaders) return {};
  if (!box) throw new Error('the MCP server has headers, and this process has no SHOAL_SECRET_KEY to open them');
  return JSON.parse(box.open(server.sealedHeaders, mcpHeadersOwner(server.tenantId, server.id))) as Record<string, string>;
}
