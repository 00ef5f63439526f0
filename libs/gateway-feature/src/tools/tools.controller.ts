import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, UseGuards } from '@nestjs/common';
import { ApiDoc, ApiKeyGuard, Ctx, parseBody, RequireScope, type RequestContext } from '@shoal/platform';
import { mcpServerListResponse, mcpServerResponse, toolCatalogResponse } from '../openapi/response-schemas';
import { presentMcpServer } from './mcp-server.presenter';
import { listMcpServersQuerySchema, registerMcpServerSchema } from './register-mcp-server.request';
import { ToolsService } from './tools.service';

/** Tools for tool nodes: built-in ones and the tenant's MCP servers. */
@Controller('v1/tools')
@UseGuards(ApiKeyGuard)
export class ToolsController {
  constructor(@Inject(ToolsService) private readonly tools: ToolsService) {}

  @Get()
  @RequireScope('read')
  @ApiDoc({
    summary: 'List the tools tool nodes can call',
    description:
      'Built-in providers with their parameters, then each registered MCP server with its tools and their input schemas (listed with a timeout and cached; an unreachable server says so).',
    responses: { 200: { description: 'Tool providers', schema: toolCatalogResponse } },
  })
  async list(@Ctx() ctx: RequestContext) {
    return { object: 'list', data: await this.tools.tools(ctx) };
  }

  @Post('mcp-servers')
  @HttpCode(201)
  @RequireScope('admin')
  @ApiDoc({
    summary: 'Register an MCP server',
    description:
      'A Streamable HTTP MCP server whose tools tool nodes may call (`provider_type: mcp`, `provider_id`: its id). Header values are stored encrypted and never answered; the URL must pass the outbound address policy.',
    body: registerMcpServerSchema,
    responses: { 201: { description: 'The server (header names only)', schema: mcpServerResponse } },
    errors: [409, 422],
  })
  async register(@Ctx() ctx: RequestContext, @Body() body: unknown) {
    return presentMcpServer(await this.tools.register(ctx, parseBody(registerMcpServerSchema, body)));
  }

  @Get('mcp-servers')
  @RequireScope('read')
  @ApiDoc({
    summary: 'List MCP servers, oldest first',
    query: listMcpServersQuerySchema,
    responses: { 200: { description: 'A page of servers', schema: mcpServerListResponse } },
  })
  async listServers(@Ctx() ctx: RequestContext, @Query() query: unknown) {
    const q = parseBody(listMcpServersQuerySchema, query, 'query');
    const page = await this.tools.list(ctx, { limit: q.limit + 1, after: q.after });
    const servers = page.slice(0, q.limit);
    const hasMore = page.length > q.limit;
    return {
      object: 'list',
      data: servers.map(presentMcpServer),
      has_more: hasMore,
      next_cursor: hasMore ? servers[servers.length - 1].id : null,
    };
  }

  @Get('mcp-servers/:id')
  @RequireScope('read')
  @ApiDoc({
    summary: 'Get an MCP server',
    responses: { 200: { description: 'The server (header names only)', schema: mcpServerResponse } },
  })
  async get(@Ctx() ctx: RequestContext, @Param('id') id: string) {
    return presentMcpServer(await this.tools.get(ctx, id));
  }

  @Delete('mcp-servers/:id')
  @HttpCode(204)
  @RequireScope('admin')
  @ApiDoc({
    summary: 'Delete an MCP server',
    description: 'Tool nodes naming it fail from now on.',
    responses: { 204: { description: 'Deleted' } },
  })
  async delete(@Ctx() ctx: RequestContext, @Param('id') id: string): Promise<void> {
    await this.tools.delete(ctx, id);
  }
}
