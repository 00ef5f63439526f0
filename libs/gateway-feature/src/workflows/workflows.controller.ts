import { Body, Controller, Delete, Get, Header, Headers, HttpCode, Inject, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import {
  AcceptsBody,
  ApiDoc,
  ApiError,
  ApiKeyGuard,
  Ctx,
  blankWorkflowSecrets,
  mediaTypeOf,
  parseBody,
  RequireScope,
  type RequestContext,
} from '@shoal/platform';
import { importJsonSchema, parseImportRequest, YAML_BODY_TYPES } from './import-workflow.request';
import {
  deletedResponse,
  importResponse,
  versionListResponse,
  versionResponse,
  workflowListResponse,
  workflowResponse,
} from '../openapi/response-schemas';
import { WorkflowDslService } from './workflow-dsl.service';
import { WorkflowsService } from './workflows.service';
import type { VersionSummary, WorkflowSummary, WorkflowWithVersion } from './workflows.repository';

const createWorkflowSchema = z.object({
  name: z.string().trim().min(1, 'must not be empty').max(200),
  description: z.string().max(2000).optional(),
  graph: z.unknown().refine((g) => g !== undefined, 'is required'),
});

const updateWorkflowSchema = z
  .object({ name: z.string().trim().min(1, 'must not be empty').max(200).optional(), description: z.string().max(2000).optional() })
  .strict()
  .refine((p) => p.name !== undefined || p.description !== undefined, 'must change name or description');

const publishSchema = z.object({ graph: z.unknown().refine((g) => g !== undefined, 'is required') }).strict();

const listQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(20),
    after: z.string().startsWith('wf_', 'must be a workflow id (wf_…)').max(64).optional(),
  })
  .strict();

const versionsQuerySchema = z
  .object({
    limit: z.coerce.number().int().min(1).max(100).default(20),
    before: z.coerce.number().int().min(1).max(1_000_000_000).optional(),
  })
  .strict();

function presentSummary(wf: WorkflowSummary) {
  return {
    id: wf.id,
    object: 'workflow',
    name: wf.name,
    description: wf.description,
    version: { id: wf.version.id, number: wf.version.number, created_at: wf.version.createdAt.toISOString() },
    created_at: wf.createdAt.toISOString(),
    updated_at: wf.updatedAt.toISOString(),
  };
}

function presentVersion(workflowId: string, v: VersionSummary & { graph?: unknown }) {
  return {
    id: v.id,
    object: 'workflow_version',
    workflow_id: workflowId,
    number: v.number,
    checksum: v.checksum,
    source: v.source,
    // secret environment values never leave: blanked, as Dify's export blanks them
    ...(v.graph !== undefined ? { graph: blankWorkflowSecrets(v.graph) } : {}),
    created_at: v.createdAt.toISOString(),
  };
}

/** A version number in the path: a positive integer, or 404 (it names nothing). */
function versionNumber(raw: string, workflowId: string): number {
  const n = /^[1-9]\d{0,8}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isInteger(n)) throw ApiError.notFound(`Version '${raw}' of workflow`, workflowId);
  return n;
}

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

  @Get()
  @RequireScope('read')
  @ApiDoc({
    summary: 'List workflows, newest first',
    query: listQuerySchema,
    responses: { 200: { description: 'A page of workflows (without graphs)', schema: workflowListResponse } },
  })
  async list(@Ctx() ctx: RequestContext, @Query() query: unknown) {
    const q = parseBody(listQuerySchema, query, 'query');
    const { workflows, hasMore } = await this.workflows.list(ctx, q);
    return {
      object: 'list',
      data: workflows.map(presentSummary),
      has_more: hasMore,
      next_cursor: hasMore ? workflows[workflows.length - 1].id : null,
    };
  }

  @Patch(':id')
  @RequireScope('workflows:write')
  @ApiDoc({
    summary: 'Rename or re-describe a workflow',
    description: 'The graph changes only by publishing a new version.',
    body: updateWorkflowSchema,
    responses: { 200: { description: 'The workflow', schema: workflowResponse } },
  })
  async update(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() body: unknown) {
    return present(await this.workflows.update(ctx, id, parseBody(updateWorkflowSchema, body)), true);
  }

  @Delete(':id')
  @RequireScope('workflows:write')
  @ApiDoc({
    summary: 'Delete (archive) a workflow',
    description: 'It can no longer be run or listed; its runs, events and versions stay readable by id.',
    responses: { 200: { description: 'Deleted', schema: deletedResponse } },
  })
  async archive(@Ctx() ctx: RequestContext, @Param('id') id: string) {
    await this.workflows.archive(ctx, id);
    return { id, object: 'workflow', deleted: true };
  }

  @Get(':id/versions')
  @RequireScope('read')
  @ApiDoc({
    summary: 'List a workflow’s versions, newest first',
    query: versionsQuerySchema,
    responses: { 200: { description: 'A page of versions (without graphs)', schema: versionListResponse } },
  })
  async versions(@Ctx() ctx: RequestContext, @Param('id') id: string, @Query() query: unknown) {
    const q = parseBody(versionsQuerySchema, query, 'query');
    const { versions, hasMore } = await this.workflows.versions(ctx, id, q);
    return {
      object: 'list',
      data: versions.map((v) => presentVersion(id, v)),
      has_more: hasMore,
      next_cursor: hasMore ? versions[versions.length - 1].number : null,
    };
  }

  @Post(':id/versions')
  @HttpCode(201)
  @RequireScope('workflows:write')
  @ApiDoc({
    summary: 'Publish a new version',
    description: 'The graph is validated as on create; runs started from now on use the new version, running ones keep theirs.',
    body: publishSchema,
    responses: { 201: { description: 'The workflow with its new latest version', schema: workflowResponse } },
  })
  async publish(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() body: unknown) {
    return present(await this.workflows.publish(ctx, id, parseBody(publishSchema, body).graph), true);
  }

  @Get(':id/versions/:number')
  @RequireScope('read')
  @ApiDoc({ summary: 'Get one version, with its graph', responses: { 200: { description: 'The version', schema: versionResponse } } })
  async version(@Ctx() ctx: RequestContext, @Param('id') id: string, @Param('number') number: string) {
    return presentVersion(id, await this.workflows.version(ctx, id, versionNumber(number, id)));
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
