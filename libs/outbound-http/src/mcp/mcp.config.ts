// The environment variables bounding MCP calls, parsed in the apps that make them (gateway: listing;
// workflow-engine: calls; standalone: both).
import { z } from 'zod';
import type { McpClientLimits } from './mcp.client';

const ms = (def: number) => z.coerce.number().int().positive().max(3_600_000).default(def);

export const mcpEnv = {
  /** one tools/call of a tool node, connection included */
  MCP_TOOL_TIMEOUT_MS: ms(60_000),
  /** one tools/list (GET /v1/tools, import checks) */
  MCP_LIST_TIMEOUT_MS: ms(10_000),
  /** bytes of one MCP response (a tool result) */
  MCP_MAX_RESPONSE_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .max(64 * 1024 * 1024)
    .default(1024 * 1024),
  /** tools one server may list */
  MCP_MAX_TOOLS: z.coerce.number().int().positive().max(10_000).default(200),
};

type ParsedMcpEnv = { [K in keyof typeof mcpEnv]: z.infer<(typeof mcpEnv)[K]> };

export function mcpLimitsOf(c: ParsedMcpEnv): Partial<McpClientLimits> {
  return {
    callTimeoutMs: c.MCP_TOOL_TIMEOUT_MS,
    listTimeoutMs: c.MCP_LIST_TIMEOUT_MS,
    maxResponseBytes: c.MCP_MAX_RESPONSE_BYTES,
    maxTools: c.MCP_MAX_TOOLS,
  };
}
