// The shapes the public routes answer with, for the OpenAPI document. The presenters build these
// objects; a test checks real answers against these schemas so the document cannot drift.
import { z } from 'zod';

const isoTime = z.string().describe('ISO 8601 date-time');

export const workflowResponse = z.object({
  id: z.string().describe('wf_…'),
  object: z.literal('workflow'),
  name: z.string(),
  description: z.string(),
  version: z.object({ id: z.string(), number: z.number().int(), created_at: isoTime }),
  graph: z.record(z.string(), z.unknown()).optional().describe('the graph, in Dify’s node shape'),
  created_at: isoTime,
});

export const workflowListResponse = z.object({
  object: z.literal('list'),
  data: z.array(workflowResponse.omit({ graph: true }).extend({ updated_at: isoTime })),
  has_more: z.boolean(),
  next_cursor: z.string().nullable().describe('pass as `after` for the next page'),
});

export const versionResponse = z.object({
  id: z.string().describe('wfv_…'),
  object: z.literal('workflow_version'),
  workflow_id: z.string(),
  number: z.number().int(),
  checksum: z.string().describe('sha256 of the graph'),
  source: z.string(),
  graph: z.record(z.string(), z.unknown()).optional(),
  created_at: isoTime,
});

export const versionListResponse = z.object({
  object: z.literal('list'),
  data: z.array(versionResponse),
  has_more: z.boolean(),
  next_cursor: z.number().int().nullable().describe('pass as `before` for the next page'),
});

export const deletedResponse = z.object({ id: z.string(), object: z.string(), deleted: z.literal(true) });

export const importResponse = workflowResponse.extend({
  warnings: z.array(z.object({ path: z.string(), code: z.string(), message: z.string(), node_id: z.string().optional() })),
});

const runStatus = z.enum(['queued', 'running', 'succeeded', 'failed', 'partial-succeeded', 'stopped']);

export const runResponse = z.object({
  id: z.string().describe('run_…'),
  object: z.literal('workflow_run'),
  workflow_id: z.string(),
  workflow_version_id: z.string(),
  status: runStatus,
  inputs: z.unknown(),
  outputs: z.record(z.string(), z.unknown()).nullable(),
  error: z.string().nullable(),
  elapsed_ms: z.number().int().nullable(),
  total_tokens: z.number().int(),
  total_steps: z.number().int(),
  total_price: z.string().describe('exact decimal'),
  currency: z.string(),
  conversation_id: z.string().nullable().describe('chatflows: the conversation this turn belongs to'),
  message_id: z.string().nullable().describe('chatflows: the message this turn answered'),
  created_at: isoTime.nullable(),
  started_at: isoTime.nullable(),
  finished_at: isoTime.nullable(),
});

export const runListResponse = z.object({
  object: z.literal('list'),
  data: z.array(runResponse),
  has_more: z.boolean(),
  next_cursor: z.string().nullable().describe('pass as `after` for the next page'),
});

export const runWithNodesResponse = runResponse.extend({
  node_executions: z.array(
    z.object({
      id: z.string(),
      node_id: z.string(),
      node_type: z.string(),
      title: z.string(),
      index: z.number().int(),
      predecessor_node_id: z.string().nullable(),
      status: z.string(),
      inputs: z.unknown(),
      outputs: z.unknown(),
      error: z.string().nullable(),
      elapsed_ms: z.number().int().nullable(),
      prompt_tokens: z.number().int(),
      completion_tokens: z.number().int(),
      total_tokens: z.number().int(),
      started_at: isoTime.nullable(),
      finished_at: isoTime.nullable(),
    }),
  ),
});

export const apiKeyResponse = z.object({
  id: z.string().describe('key_…'),
  object: z.literal('api_key'),
  name: z.string(),
  prefix: z.string().describe('the first characters of the secret, to recognise it'),
  scopes: z.array(z.string()),
  workflow_id: z.string().nullable(),
  expires_at: isoTime.nullable(),
  revoked_at: isoTime.nullable(),
  last_used_at: isoTime.nullable(),
  rate_limit_rpm: z.number().int().nullable(),
  rate_limit_tpm: z.number().int().nullable(),
  created_at: isoTime,
  key: z.string().optional().describe('the secret: only in the answer that created it'),
});

export const apiKeyListResponse = z.object({
  object: z.literal('list'),
  data: z.array(apiKeyResponse),
  has_more: z.boolean(),
  next_cursor: z.string().nullable().describe('pass as `after` for the next page'),
});

export const tenantResponse = z.object({
  id: z.string().describe('ten_…'),
  object: z.literal('tenant'),
  name: z.string(),
  created_at: isoTime,
  admin_key: apiKeyResponse,
});

export const fileResponse = z.object({
  id: z.string().describe('file_…'),
  object: z.literal('file'),
  name: z.string(),
  size: z.number().int().describe('bytes'),
  extension: z.string().describe('lower case, without the dot'),
  mime_type: z.string(),
  kind: z.enum(['document', 'image', 'audio', 'video', 'custom']),
  sha256: z.string().describe('hex SHA-256 of the bytes'),
  url: z.string().describe('where its bytes are read (GET, with an API key)'),
  created_by: z.string().nullable().describe('the end user it was uploaded for, else the uploading key'),
  api_key_id: z.string().nullable(),
  workflow_id: z.string().nullable().describe('set when uploaded with a key bound to a workflow'),
  created_at: isoTime,
});

export const fileListResponse = z.object({
  object: z.literal('list'),
  data: z.array(fileResponse),
  has_more: z.boolean(),
  next_cursor: z.string().nullable().describe('pass as `after` for the next page'),
});

export const mcpServerResponse = z.object({
  id: z.string().describe('mcp_…; a tool node’s provider_id'),
  object: z.literal('mcp_server'),
  name: z.string(),
  url: z.string(),
  header_names: z.array(z.string()).describe('the names of the stored headers; their values are never answered'),
  created_at: isoTime,
});

export const mcpServerListResponse = z.object({
  object: z.literal('list'),
  data: z.array(mcpServerResponse),
  has_more: z.boolean(),
  next_cursor: z.string().nullable().describe('pass as `after` for the next page'),
});

export const toolCatalogResponse = z.object({
  object: z.literal('list'),
  data: z.array(
    z.object({
      provider_type: z.enum(['builtin', 'mcp']),
      provider_id: z.string(),
      provider_name: z.string(),
      aliases: z.array(z.string()).optional().describe('other provider_ids naming it (Dify’s plugin ids)'),
      status: z.enum(['ok', 'unreachable']),
      error: z.string().optional().describe('why an MCP server’s tools could not be listed'),
      tools: z.array(
        z.object({
          name: z.string(),
          label: z.string().optional(),
          description: z.string(),
          parameters: z.array(z.record(z.string(), z.unknown())).optional().describe('a built-in tool’s parameters'),
          input_schema: z.record(z.string(), z.unknown()).optional().describe('an MCP tool’s JSON schema'),
        }),
      ),
    }),
  ),
});
