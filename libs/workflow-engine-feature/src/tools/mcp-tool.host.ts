// The engine's ToolInvoker for MCP tool nodes: the run's tenant's server (looked up per call, so a
// deleted server stops being called), its headers opened for the call only, arguments cast to the
// tool's input schema, the call made through the guarded MCP client. Images, audio and binary
// resources in the result come back decoded within the file limits; the tool node stores them.
import type { OnModuleDestroy } from '@nestjs/common';
import { EMPTY_ALLOW_LIST, McpClient, McpToolsCache, OutboundAddressPolicy, type McpToolInfo } from '@shoal/outbound-http';
import { McpServersRepository, openMcpHeaders, type McpServerRecord } from '@shoal/platform';
import {
  DEFAULT_TOOL_FILE_LIMITS,
  mcpArguments,
  mcpResultToOutput,
  type ToolCallRequest,
  type ToolFileLimits,
  type ToolInvoker,
} from '@shoal/workflow-runtime';
import type { McpClientLimits, OutboundAllowList, HostResolver } from '@shoal/outbound-http';
import type { SecretBox } from '@shoal/platform';

export interface McpToolHostOptions {
  allow?: OutboundAllowList;
  resolve?: HostResolver;
  limits?: Partial<McpClientLimits>;
  /** opens the servers' sealed headers (SHOAL_SECRETS_KEY) */
  secrets?: SecretBox | null;
  /** what the files of one result may add up to (DEFAULT_TOOL_FILE_LIMITS for those omitted) */
  files?: Partial<ToolFileLimits>;
}

/** Provided by EngineModule from EngineOptions (outboundHttp, mcp, secrets). */
export class McpToolHost implements OnModuleDestroy {
  private readonly client: McpClient;
  private readonly schemas: McpToolsCache;
  private readonly fileLimits: ToolFileLimits;

  constructor(
    private readonly servers: McpServersRepository,
    private readonly opts: McpToolHostOptions,
  ) {
    this.client = new McpClient({
      policy: new OutboundAddressPolicy(opts.allow ?? EMPTY_ALLOW_LIST),
      resolve: opts.resolve,
      limits: opts.limits,
    });
    this.schemas = new McpToolsCache(this.client);
    // a limit given as undefined keeps its default
    const given = Object.entries(opts.files ?? {}).filter(([, v]) => typeof v === 'number');
    this.fileLimits = { ...DEFAULT_TOOL_FILE_LIMITS, ...Object.fromEntries(given) };
  }

  forTenant(tenantId: string): ToolInvoker {
    return { invoke: (req) => this.invoke(tenantId, req) };
  }

  private async invoke(tenantId: string, req: ToolCallRequest) {
    const server = await this.servers.find(tenantId, req.providerId);
    if (!server) throw new Error(`there is no MCP server '${req.providerId}' for this tenant (it was deleted?)`);
    const ep = { url: server.url, headers: openMcpHeaders(server, this.opts.secrets ?? null) };
    const schema = (await this.schemaOf(server, ep, req.toolName))?.inputSchema;
    const result = await this.client.callTool(ep, req.toolName, mcpArguments(req.parameters, schema), req.signal);
    return mcpResultToOutput(result, this.fileLimits);
  }

  /** The tool's declaration when the server lists it; the call goes on uncast when listing fails. */
  private async schemaOf(server: McpServerRecord, ep: { url: string; headers: Record<string, string> }, name: string) {
    const tools: McpToolInfo[] = await this.schemas.tools(server.id, ep).catch(() => []);
    return tools.find((t) => t.name === name);
  }

  async onModuleDestroy(): Promise<void> {
    await this.client.close();
  }
}
