// /v1/admin/aliases: the model names clients ask for, with their strategy, fallbacks and timeouts.
import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiDoc, ApiKeyGuard, Ctx, RequireScope, parseBody, poolScopeCheck, type RequestContext } from './pool-admin.imports';
import { aliasListResponse, aliasResponse } from './pool-admin.responses';
import { presentAlias } from './pool-admin.presenter';
import { createAliasSchema, scopeQuerySchema, updateAliasSchema } from './pool-admin.requests';
import { AliasesService } from './aliases.service';

@Controller('v1/admin/aliases')
@UseGuards(ApiKeyGuard)
@RequireScope('admin')
export class AliasesController {
  constructor(@Inject(AliasesService) private readonly aliases: AliasesService) {}

  @Post()
  @HttpCode(201)
  @ApiDoc({
    summary: 'Create an alias',
    responses: { 201: { description: 'Created', schema: aliasResponse } },
    description: 'A tenant alias shadows a shared one of the same name for that tenant. Deployments join an alias by naming it.',
    body: createAliasSchema,
    query: scopeQuerySchema,
    errors: [403, 409],
  })
  async create(@Ctx() ctx: RequestContext, @Query() query: unknown, @Body() body: unknown) {
    const scope = poolScopeCheck(ctx, query);
    return presentAlias(await this.aliases.create(scope, parseBody(createAliasSchema, body)));
  }

  @Get()
  @ApiDoc({ summary: 'List aliases', responses: { 200: { description: 'The list', schema: aliasListResponse } }, query: scopeQuerySchema })
  async list(@Ctx() ctx: RequestContext, @Query() query: unknown) {
    return { object: 'list', data: (await this.aliases.list(poolScopeCheck(ctx, query))).map(presentAlias) };
  }

  @Get(':id')
  @ApiDoc({ summary: 'Get an alias', responses: { 200: { description: 'The alias', schema: aliasResponse } }, query: scopeQuerySchema })
  async get(@Ctx() ctx: RequestContext, @Query() query: unknown, @Param('id') id: string) {
    return presentAlias(await this.aliases.get(poolScopeCheck(ctx, query), id));
  }

  @Patch(':id')
  @ApiDoc({
    summary: 'Change an alias',
    responses: { 200: { description: 'The alias', schema: aliasResponse } },
    body: updateAliasSchema,
    query: scopeQuerySchema,
    errors: [409],
  })
  async update(@Ctx() ctx: RequestContext, @Query() query: unknown, @Param('id') id: string, @Body() body: unknown) {
    return presentAlias(await this.aliases.update(poolScopeCheck(ctx, query), id, parseBody(updateAliasSchema, body)));
  }

  @Delete(':id')
  @ApiDoc({ summary: 'Delete an alias', responses: { 200: { description: 'The alias', schema: aliasResponse } }, query: scopeQuerySchema })
  async delete(@Ctx() ctx: RequestContext, @Query() query: unknown, @Param('id') id: string) {
    return presentAlias(await this.aliases.delete(poolScopeCheck(ctx, query), id));
  }
}
