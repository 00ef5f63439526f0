// Tools for tool nodes: the tenant's MCP servers (register, list, get, delete), the catalog of every
// tool a node may call (built-in and each server's), and that catalog as the import/save check.
import { Inject, Injectable } from '@nestjs/common';
import { looksLikeId, newId } from '@shoal/contracts';
import {
  OutboundAddressPolicy,
  OutboundAddressRefusedError,
  OutboundHttpError,
  pickAddress,
  systemResolver,
  type HostResolver,
} from '@shoal/outbound-http';
import { ApiError, McpServersRepository, sealMcpHeaders, type McpServerRecord, type RequestContext, type SecretBox } from '@shoal/platform';
import { BUILTIN_TOOL_PROVIDERS, type BuiltinToolProvider } from '@shoal/workflow-runtime';
import { mcpProviderIds, type ToolCatalog, type ToolCatalogProvider, type WorkflowGraph } from '@shoal/workflow-dsl';
import { SECRET_BOX } from '../workflows/workflow-limits';
import { MCP_CATALOG, McpCatalog } from './mcp-catalog';
import type { RegisterMcpServerBody } from './register-mcp-server.request';

export const TOOLS_OPTIONS = Symbol('TOOLS_OPTIONS');
export interface ToolsOptions {
  /** MCP servers one tenant may register */
  maxServersPerTenant: number;
  /** the outbound address policy (SHOAL_HTTP_ALLOW), checked on the URL at registration and on every connection */
  policy: OutboundAddressPolicy;
  resolve?: HostResolver;
}

export const DEFAULT_MAX_MCP_SERVERS = 20;

@Injectable()
export class ToolsService {
  constructor(
    @Inject(McpServersRepository) private readonly servers: McpServersRepository,
    @Inject(MCP_CATALOG) private readonly catalog: McpCatalog,
    @Inject(TOOLS_OPTIONS) private readonly opts: ToolsOptions,
    @Inject(SECRET_BOX) private readonly secrets: SecretBox | null,
  ) {}

  async register(ctx: RequestContext, body: RegisterMcpServerBody): Promise<McpServerRecord> {
    const headers = body.headers ?? {};
    const names = Object.keys(headers);
    if (names.length && !this.secrets)
      throw new ApiError(
        'unprocessable_content',
        'MCP server headers cannot be stored: this gateway has no SHOAL_SECRETS_KEY to encrypt them with',
        {
          issues: [{ path: 'headers', message: 'needs SHOAL_SECRETS_KEY on the gateway to be stored encrypted', code: 'unsupported' }],
        },
      );
    await this.checkAddress(body.url);
    const id = newId('mcp');
    const created = await this.servers.create(
      ctx.tenantId,
      {
        id,
        name: body.name,
        url: body.url,
        headerNames: names,
        sealedHeaders: names.length && this.secrets ? sealMcpHeaders(headers, ctx.tenantId, id, this.secrets) : null,
      },
      this.opts.maxServersPerTenant,
    );
    if (created === 'limit')
      throw new ApiError('unprocessable_content', `A tenant may register at most ${this.opts.maxServersPerTenant} MCP servers`, {
        issues: [{ path: '', message: `at most ${this.opts.maxServersPerTenant} MCP servers per tenant`, code: 'too_big' }],
      });
    if (created === 'duplicate_name')
      throw new ApiError('conflict', `An MCP server named '${body.name}' is already registered`, {
        issues: [{ path: 'name', message: 'is already used by another MCP server of this tenant', code: 'duplicate' }],
      });
    return created;
  }

  list(ctx: RequestContext, q: { limit: number; after?: string }): Promise<McpServerRecord[]> {
    return this.servers.list(ctx.tenantId, q);
  }

  async get(ctx: RequestContext, id: string): Promise<McpServerRecord> {
    const found = looksLikeId(id, 'mcp') ? await this.servers.find(ctx.tenantId, id) : null;
    if (!found) throw ApiError.notFound('MCP server', id);
    return found;
  }

  async delete(ctx: RequestContext, id: string): Promise<void> {
    if (!looksLikeId(id, 'mcp') || !(await this.servers.delete(ctx.tenantId, id))) throw ApiError.notFound('MCP server', id);
    this.catalog.forget(id);
  }

  /** Every built-in provider, then each of the tenant's servers with its tools (or why they could not be listed). */
  async tools(ctx: RequestContext) {
    const servers = await this.servers.list(ctx.tenantId, { limit: this.opts.maxServersPerTenant });
    const listed = await Promise.all(servers.map((s) => this.catalog.tools(s)));
    return [
      ...BUILTIN_TOOL_PROVIDERS.map(presentBuiltin),
      ...servers.map((s, i) => {
        const r = listed[i];
        return {
          provider_type: 'mcp' as const,
          provider_id: s.id,
          provider_name: s.name,
          status: 'tools' in r ? ('ok' as const) : ('unreachable' as const),
          ...('error' in r ? { error: r.error } : {}),
          tools: 'tools' in r ? r.tools.map((t) => ({ name: t.name, description: t.description, input_schema: t.inputSchema })) : [],
        };
      }),
    ];
  }

  /**
   * The catalog a graph is checked against: built-in providers, and the tenant's servers it names.
   * A registered server that does not answer now is accepted with its tools unchecked (null): a
   * server briefly down must not block saving a workflow; its run fails clearly if the tool is gone.
   */
  async catalogFor(ctx: RequestContext, graph: WorkflowGraph): Promise<ToolCatalog> {
    const ids = mcpProviderIds(graph).filter((id) => looksLikeId(id, 'mcp'));
    const servers = ids.length ? await this.servers.findMany(ctx.tenantId, ids) : [];
    const mcp = new Map<string, ToolCatalogProvider>();
    await Promise.all(
      servers.map(async (s) => {
        const r = await this.catalog.tools(s);
        mcp.set(s.id, { tools: 'tools' in r ? new Set(r.tools.map((t) => t.name)) : null });
      }),
    );
    return {
      provider: (type, id) => {
        if (type === 'mcp') return mcp.get(id);
        const p = BUILTIN_TOOL_PROVIDERS.find((b) => b.id === id || b.aliases.includes(id));
        return p ? { tools: new Set(p.tools.map((t) => t.name)) } : undefined;
      },
    };
  }

  /** A URL whose host the outbound policy refuses is refused here, before anything is stored. */
  private async checkAddress(url: string): Promise<void> {
    try {
      await pickAddress(new URL(url).hostname, this.opts.policy, this.opts.resolve ?? systemResolver);
    } catch (e) {
      if (e instanceof OutboundAddressRefusedError)
        throw new ApiError('unprocessable_content', `The MCP server URL is refused by the outbound address policy: ${e.message}`, {
          issues: [{ path: 'url', message: e.message, code: 'address_refused' }],
        });
      if (e instanceof OutboundHttpError) return; // not resolvable now: checked again on every connection
      throw e;
    }
  }
}

function presentBuiltin(p: BuiltinToolProvider) {
  return {
    provider_type: 'builtin' as const,
    provider_id: p.id,
    provider_name: p.label,
    aliases: p.aliases,
    status: 'ok' as const,
    tools: p.tools.map((t) => ({
      name: t.name,
      label: t.label,
      description: t.description,
      parameters: t.parameters.map((d) => ({
        name: d.name,
        type: d.type,
        required: d.required,
        ...(d.default !== undefined ? { default: d.default } : {}),
        ...(d.options ? { options: d.options } : {}),
        description: d.description,
      })),
    })),
  };
}
