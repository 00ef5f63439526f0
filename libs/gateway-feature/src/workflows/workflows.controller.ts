import { Body, Controller, Get, Header, Headers, HttpCode, Inject, Param, Post, Query, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { AcceptsBody, ApiKeyGuard, Ctx, blankWorkflowSecrets, mediaTypeOf, parseBody, type RequestContext } from '@shoal/platform';
import { parseImportRequest, YAML_BODY_TYPES } from './import-workflow.request';
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
    // secret environment values never leave: blanked, as Dify's export blanks them
    ...(withGraph ? { graph: blankWorkflowSecrets(wf.version.graph) } : {}),
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
  async create(@Ctx() ctx: RequestContext, @Body() body: unknown) {
    const input = parseBody(createWorkflowSchema, body);
    return present(await this.workflows.create(ctx, input), true);
  }

  /** A Dify app export (YAML body, or JSON `{ yaml_content, model_map? }`): answered as POST /v1/workflows, plus warnings. */
  @Post('import')
  @HttpCode(201)
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
  @Header('content-type', 'application/yaml; charset=utf-8')
  async export(@Ctx() ctx: RequestContext, @Param('id') id: string): Promise<string> {
    return this.dsl.export(ctx, id);
  }

  @Get(':id')
  async get(@Ctx() ctx: RequestContext, @Param('id') id: string) {
    return present(await this.workflows.get(ctx, id), true);
  }
}
