import { Body, Controller, Get, Header, Headers, HttpCode, Inject, Param, Post, Query, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { AcceptsBody, ApiDoc, ApiKeyGuard, Ctx, mediaTypeOf, parseBody, RequireScope, type RequestContext } from '@shoal/platform';
import { importJsonSchema, parseImportRequest, YAML_BODY_TYPES } from './import-workflow.request';
import { importResponse, workflowResponse } from '../openapi/response-schemas';
import { WorkflowDslService } from './workflow-dsl.service';
import { WorkflowsService } from './workflows.service';
import type { WorkflowWithVersion } from './workflows.repository';

const createWorkflowSchema = z.object({
  name: z.string().trim().min(1, 'must not be empty').max(200),
  description: z.string().max(2000).optional(),
  graph: z.unknown().refine((g) => g !== undefined, 'is required'),
});

function present(wf: WorkflowWithVersion, withGraph = false) {
  return {
    id: wf.id,
    object: 'workflow',
    name: wf.name,
    description: wf.description,
    version: { id: wf.version.id, number: wf.version.number, created_at: wf.version.createdAt.toISOString() },
    ...(withGraph ? { graph: wf.version.graph } : {}),
    created_at: wf.createdAt.toISOString(),
  };
}

@Controller('v1/workflows')
@UseGuards(ApiKeyGuard)
export class WorkflowsController {
  constructor(
    @Inject(WorkflowsService) private readonly workflows: WorkflowsService,
    @Inject(WorkflowDslService) private readonly dsl: WorkflowDslService,
  ) {}

  @Post()
  @HttpCode(201)
  @RequireScope('workflows:write')
  @ApiDoc({
    summary: 'Create a workflow',
    description: 'The graph is validated before anything is stored; every problem is reported with its JSON path and node id.',
    body: createWorkflowSchema,
    responses: { 201: { description: 'The workflow and its first version', schema: workflowResponse } },
    errors: [422],
  })
  async create(@Ctx() ctx: RequestContext, @Body() body: unknown) {
    const input = parseBody(createWorkflowSchema, body);
    return present(await this.workflows.create(ctx, input), true);
  }

  /** A Dify app export (YAML body, or JSON `{ yaml_content, model_map? }`): answered as POST /v1/workflows, plus warnings. */
  @Post('import')
  @HttpCode(201)
  @RequireScope('workflows:write')
  @ApiDoc({
    summary: 'Import a Dify app export (DSL)',
    description:
      'A Dify DSL file (workflow or advanced-chat, versions 0.1 to 0.6) as a YAML body, or JSON `{ yaml_content, model_map }`. `model_map` renames models (`gpt-4o:deepseek-flash,…`). Models no alias serves yet are warnings.',
    body: importJsonSchema,
    bodyTypes: { 'application/yaml': null, 'text/yaml': null },
    query: z.object({ model_map: z.string().optional().describe('`dify-model:shoal-alias,…`') }),
    responses: { 201: { description: 'The imported workflow, with warnings', schema: importResponse } },
    errors: [422],
  })
  @AcceptsBody('application/json', ...YAML_BODY_TYPES)
  async import(
    @Ctx() ctx: RequestContext,
    @Body() body: unknown,
    @Headers('content-type') contentType: string | undefined,
    @Query('model_map') modelMap: unknown,
  ) {
    const imported = await this.dsl.import(ctx, parseImportRequest(body, mediaTypeOf(contentType), modelMap));
    return {
      ...present(imported.workflow, true),
      warnings: imported.warnings.map((w) => ({
        path: w.path,
        code: w.code,
        message: w.message,
        ...(w.nodeId ? { node_id: w.nodeId } : {}),
      })),
    };
  }

  @Get(':id/export')
  @RequireScope('read')
  @ApiDoc({
    summary: 'Export a workflow as Dify DSL',
    description: 'YAML that Dify imports; secret environment variables are blanked.',
    responses: { 200: { description: 'The Dify DSL file', contentType: 'application/yaml' } },
  })
  @Header('content-type', 'application/yaml; charset=utf-8')
  async export(@Ctx() ctx: RequestContext, @Param('id') id: string): Promise<string> {
    return this.dsl.export(ctx, id);
  }

  @Get(':id')
  @RequireScope('read')
  @ApiDoc({
    summary: 'Get a workflow and its latest version',
    responses: { 200: { description: 'The workflow', schema: workflowResponse } },
  })
  async get(@Ctx() ctx: RequestContext, @Param('id') id: string) {
    return present(await this.workflows.get(ctx, id), true);
  }
}
