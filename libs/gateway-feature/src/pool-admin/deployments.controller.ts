// /v1/admin/deployments: the pool's deployments, their live state, drain and enable.
import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiDoc, ApiKeyGuard, Ctx, RequireScope, parseBody, poolScopeCheck, type RequestContext } from './pool-admin.imports';
import { deploymentListResponse, deploymentResponse, deploymentStateResponse } from './pool-admin.responses';
import { presentDeployment } from './pool-admin.presenter';
import { createDeploymentSchema, deploymentStateActionSchema, scopeQuerySchema, updateDeploymentSchema } from './pool-admin.requests';
import { DeploymentsService } from './deployments.service';

@Controller('v1/admin/deployments')
@UseGuards(ApiKeyGuard)
@RequireScope('admin')
export class DeploymentsController {
  constructor(@Inject(DeploymentsService) private readonly deployments: DeploymentsService) {}

  @Post()
  @HttpCode(201)
  @ApiDoc({
    summary: 'Create a deployment',
    responses: { 201: { description: 'Created', schema: deploymentResponse } },
    description: 'Serves `alias` with a stored credential of the same scope; every model-pool replica routes to it within a second.',
    body: createDeploymentSchema,
    query: scopeQuerySchema,
    errors: [403],
  })
  async create(@Ctx() ctx: RequestContext, @Query() query: unknown, @Body() body: unknown) {
    const scope = poolScopeCheck(ctx, query);
    return presentDeployment(await this.deployments.create(scope, parseBody(createDeploymentSchema, body)));
  }

  @Get()
  @ApiDoc({
    summary: 'List deployments',
    responses: { 200: { description: 'The list', schema: deploymentListResponse } },
    query: scopeQuerySchema,
  })
  async list(@Ctx() ctx: RequestContext, @Query() query: unknown) {
    return { object: 'list', data: (await this.deployments.list(poolScopeCheck(ctx, query))).map(presentDeployment) };
  }

  @Get(':id')
  @ApiDoc({
    summary: 'Get a deployment',
    responses: { 200: { description: 'The deployment', schema: deploymentResponse } },
    query: scopeQuerySchema,
  })
  async get(@Ctx() ctx: RequestContext, @Query() query: unknown, @Param('id') id: string) {
    return presentDeployment(await this.deployments.get(poolScopeCheck(ctx, query), id));
  }

  @Patch(':id')
  @ApiDoc({
    summary: 'Change a deployment',
    responses: { 200: { description: 'The deployment', schema: deploymentResponse } },
    body: updateDeploymentSchema,
    query: scopeQuerySchema,
  })
  async update(@Ctx() ctx: RequestContext, @Query() query: unknown, @Param('id') id: string, @Body() body: unknown) {
    return presentDeployment(await this.deployments.update(poolScopeCheck(ctx, query), id, parseBody(updateDeploymentSchema, body)));
  }

  @Delete(':id')
  @ApiDoc({
    summary: 'Delete a deployment',
    responses: { 200: { description: 'The deployment', schema: deploymentResponse } },
    query: scopeQuerySchema,
  })
  async delete(@Ctx() ctx: RequestContext, @Query() query: unknown, @Param('id') id: string) {
    return presentDeployment(await this.deployments.delete(poolScopeCheck(ctx, query), id));
  }

  @Get(':id/state')
  @ApiDoc({
    summary: 'The live state of a deployment',
    responses: { 200: { description: 'The deployment’s state', schema: deploymentStateResponse } },
    description:
      'Healthy, cooling down (until when, why), breaker, in flight, TTFT and latency EWMAs, error rate, RPM/TPM used; and config flags (drained, a retired upstream model name).',
    query: scopeQuerySchema,
    errors: [503],
  })
  async state(@Ctx() ctx: RequestContext, @Query() query: unknown, @Param('id') id: string) {
    return this.deployments.state(ctx.tenantId, poolScopeCheck(ctx, query), id);
  }

  @Post(':id/state')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Drain or enable a deployment',
    responses: { 200: { description: 'The deployment’s state', schema: deploymentStateResponse } },
    description: '`drain` takes it out of rotation on every replica at once (its settings and health are kept); `enable` puts it back.',
    body: deploymentStateActionSchema,
    query: scopeQuerySchema,
  })
  async setState(@Ctx() ctx: RequestContext, @Query() query: unknown, @Param('id') id: string, @Body() body: unknown) {
    const { action } = parseBody(deploymentStateActionSchema, body);
    return this.deployments.setDrained(ctx.tenantId, poolScopeCheck(ctx, query), id, action === 'drain');
  }
}
