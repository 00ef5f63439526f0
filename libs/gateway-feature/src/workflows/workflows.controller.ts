import { Body, Controller, Get, HttpCode, Inject, Param, Post, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { ApiKeyGuard, Ctx, parseBody, type RequestContext } from '@shoal/platform';
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
  constructor(@Inject(WorkflowsService) private readonly workflows: WorkflowsService) {}

  @Post()
  @HttpCode(201)
  async create(@Ctx() ctx: RequestContext, @Body() body: unknown) {
    const input = parseBody(createWorkflowSchema, body);
    return present(await this.workflows.create(ctx, input), true);
  }

  @Get(':id')
  async get(@Ctx() ctx: RequestContext, @Param('id') id: string) {
    return present(await this.workflows.get(ctx, id), true);
  }
}
