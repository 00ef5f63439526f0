// The body of POST /v1/tools/mcp-servers: a name, a Streamable HTTP URL, and headers (secrets).
import { z } from 'zod';

/** Header names a tenant may not set: the transport's own. */
const RESERVED_HEADERS = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'mcp-session-id', 'mcp-protocol-version']);
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
export const MAX_MCP_HEADERS = 20;

export const registerMcpServerSchema = z
  .object({
    name: z
      .string()
      .trim()
      .min(1, 'must not be empty')
      .max(100)
      .regex(/^[\w .-]+$/, 'may hold letters, digits, spaces, _ . and -'),
    url: z
      .url({ protocol: /^https?$/, message: 'must be an http or https URL' })
      .max(2048)
      .refine((u) => {
        const url = new URL(u);
        return !url.username && !url.password;
      }, 'must not carry credentials: put them in headers, which are stored encrypted'),
    headers: z
      .record(
        z
          .string()
          .regex(TOKEN, 'must be an HTTP header name')
          .max(256)
          .refine((n) => !RESERVED_HEADERS.has(n.toLowerCase()), 'is set by the MCP transport itself'),
        z
          .string()
          .max(8192)
          .refine((v) => !/[\r\n\0]/.test(v), 'must not contain line breaks'),
      )
      .refine((h) => Object.keys(h).length <= MAX_MCP_HEADERS, `must have at most ${MAX_MCP_HEADERS} entries`)
      .refine((h) => new Set(Object.keys(h).map((k) => k.toLowerCase())).size === Object.keys(h).length, 'must not repeat a name')
      .optional(),
  })
  .strict();

export type RegisterMcpServerBody = z.infer<typeof registerMcpServerSchema>;

export const listMcpServersQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(20),
    after: z.string().startsWith('mcp_', 'must be an MCP server id (mcp_…)').max(64).optional(),
  })
  .strict();
