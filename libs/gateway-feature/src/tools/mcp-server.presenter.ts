// An MCP server as the API shows it: header names only, never their values.
import type { McpServerRecord } from '@shoal/platform';

export function presentMcpServer(s: McpServerRecord) {
  return {
    id: s.id,
    object: 'mcp_server' as const,
    name: s.name,
    url: s.url,
    header_names: s.headerNames,
    created_at: s.createdAt.toISOString(),
  };
}
