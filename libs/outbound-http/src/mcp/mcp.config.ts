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

/** What the files of one MCP tool result (images, audio, binary resources) may add up to: engine and standalone. */
export const mcpFilesEnv = {
  /** files one result may hold; more fail the node */
  MCP_MAX_FILES: z.coerce.number().int().positive().max(100).default(10),
  /** bytes of all of one result's files, decoded (one file's bound is HTTP_REQUEST_NODE_MAX_BINARY_SIZE) */
  MCP_MAX_FILES_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .max(512 * 1024 * 1024)
    .default(20 * 1024 * 1024),
};

export function mcpFileLimitsOf(c: { MCP_MAX_FILES: number; MCP_MAX_FILES_BYTES: number }): { maxFiles: number; maxTotalBytes: number } {
  return { maxFiles: c.MCP_MAX_FILES, maxTotalBytes: c.MCP_MAX_FILES_BYTES };
}
