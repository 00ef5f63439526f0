// Dify's service API for workflow apps, so Dify's clients and SDKs work unchanged against Shoal:
// the paths, bodies, SSE framing and error shape (`{ code, message, status }`) are Dify's. The app
// is the workflow the caller's key is bound to.
import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { runStatusToColumn } from '@shoal/contracts';
import { ApiDoc, ApiKeyGuard, Ctx, RequireScope, clientGone, parseBody, type RequestContext, type SseLimits } from '@shoal/platform';
import { BLOCKING_TIMEOUT_MS, SSE_LIMITS } from '../runs/runs.controller';
import { DIFY_FRAMING, streamRunEvents } from '../runs/run-event-stream';
import { RunsRepository } from '../runs/runs.repository';
import { RunsService } from '../runs/runs.service';
import { StreamSlots } from '@shoal/platform';
import { WorkflowsService } from '../workflows/workflows.service';
import { appWorkflowId } from './dify-app';
import { FilesService } from '../files/files.service';
import { difyBlockingAnswer, difyLogEntry, difyParameters, difyRunDetail } from './dify.presenter';

const runSchema = z.object({
  inputs: z.record(z.string(), z.unknown()),
  response_mode: z.enum(['blocking', 'streaming']).nullish(),
  user: z.string().trim().min(1, 'is required').max(256),
  // uploaded (`local_file`, by upload_file_id) or by URL; checked and bounded with the run's inputs
  files: z.array(z.unknown()).max(100).nullish(),
  trace_id: z.string().max(128).nullish(),
});

const userQuerySchema = z.object({ user: z.string().max(256).optional() });

const logsQuerySchema = z.object({
  keyword: z.string().max(200).optional(),
  status: z.enum(['succeeded', 'failed', 'stopped', 'running', 'partial-succeeded']).optional(),
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  created_by_end_user_session_id: z.string().max(256).optional(),
  created_by_account: z.string().max(256).optional(),
});

@Controller('v1')
@UseGuards(ApiKeyGuard)
export class DifyWorkflowAppController {
  constructor(
    @Inject(RunsService) private readonly runs: RunsService,
    @Inject(RunsRepository) private readonly repository: RunsRepository,
    @Inject(WorkflowsService) private readonly workflows: WorkflowsService,
    @Inject(StreamSlots) private readonly slots: StreamSlots,
    @Inject(BLOCKING_TIMEOUT_MS) private readonly blockingTimeoutMs: number,
    @Inject(SSE_LIMITS) private readonly sse: SseLimits,
    @Inject(FilesService) private readonly files: FilesService,
  ) {}

  @Post('workflows/run')
  @HttpCode(200)
  @RequireScope('runs:write')
  @ApiDoc({
    summary: 'Run the app’s workflow (Dify API)',
    tag: 'dify',
    description: 'Dify’s `POST /v1/workflows/run`, with a key bound to the workflow (Dify’s app key).',
    body: runSchema,
    responses: { 200: { description: 'Dify’s WorkflowResponse (blocking), or its chunk stream (streaming, text/event-stream)' } },
  })
  async run(@Ctx() ctx: RequestContext, @Body() body: unknown, @Res() reply: FastifyReply): Promise<void> {
    const input = parseBody(runSchema, body ?? {});
    const workflowId = appWorkflowId(ctx);
    const mode = input.response_mode ?? 'blocking';
    const start = () =>
      this.runs.start(ctx, workflowId, { inputs: input.inputs, response_mode: mode, user: input.user, files: input.files ?? undefined });
    if (mode === 'streaming') {
      const release = this.slots.acquire(ctx.apiKeyId, null);
      try {
        const run = await start();
        await streamRunEvents({ reply, limits: this.sse, runs: this.runs, framing: DIFY_FRAMING }, ctx, run, 0);
      } finally {
        release();
      }
      return;
    }
    const run = await start();
    const finished = await this.runs.waitForEnd(
      ctx,
      run.id,
      AbortSignal.any([AbortSignal.timeout(this.blockingTimeoutMs), clientGone(reply)]),
      run,
    );
    reply.status(200).send(difyBlockingAnswer(finished));
  }

  @Get('workflows/run/:id')
  @RequireScope('read')
  @ApiDoc({ summary: 'Get a workflow run (Dify API)', tag: 'dify', responses: { 200: { description: 'Dify’s workflow run detail' } } })
  async detail(@Ctx() ctx: RequestContext, @Param('id') id: string) {
    appWorkflowId(ctx);
    return difyRunDetail(await this.runs.get(ctx, id));
  }

  @Get('workflows/logs')
  @RequireScope('read')
  @ApiDoc({
    summary: 'The app’s workflow runs, newest first (Dify API)',
    tag: 'dify',
    query: logsQuerySchema,
    responses: { 200: { description: 'A page of Dify workflow app logs' } },
  })
  async logs(@Ctx() ctx: RequestContext, @Query() query: unknown) {
    const q = parseBody(logsQuerySchema, query, 'query');
    const workflowId = appWorkflowId(ctx);
    const { runs, total } = await this.repository.listForWorkflow(ctx.tenantId, workflowId, {
      status: q.status ? runStatusToColumn(q.status) : undefined,
      keyword: q.keyword ?? q.created_by_end_user_session_id,
      offset: (q.page - 1) * q.limit,
      limit: q.limit,
    });
    return { page: q.page, limit: q.limit, total, has_more: q.page * q.limit < total, data: runs.map(difyLogEntry) };
  }

  @Get('parameters')
  @RequireScope('read')
  @ApiDoc({
    summary: 'The app’s input form and features (Dify API)',
    tag: 'dify',
    query: userQuerySchema,
    responses: { 200: { description: 'Dify’s app parameters' } },
  })
  async parameters(@Ctx() ctx: RequestContext, @Query() query: unknown) {
    parseBody(userQuerySchema, query, 'query');
    const wf = await this.workflows.get(ctx, appWorkflowId(ctx));
    return difyParameters({ ...wf.graph, features: storedFeatures(wf.version.graph) }, this.files.limits);
  }

  @Get('info')
  @RequireScope('read')
  @ApiDoc({
    summary: 'The app’s name, description and mode (Dify API)',
    tag: 'dify',
    responses: { 200: { description: 'Dify’s app info' } },
  })
  async info(@Ctx() ctx: RequestContext) {
    const wf = await this.workflows.get(ctx, appWorkflowId(ctx));
    const stored = wf.version.graph as { mode?: unknown; nodes?: Array<{ data?: { type?: unknown } }> };
    const mode =
      stored.mode === 'workflow' || stored.mode === 'advanced-chat'
        ? stored.mode
        : stored.nodes?.some((n) => n.data?.type === 'answer')
          ? 'advanced-chat'
          : 'workflow';
    return { name: wf.name, description: wf.description, tags: [], mode, author_name: '' };
  }

  @Get('meta')
  @RequireScope('read')
  @ApiDoc({
    summary: 'The app’s tool icons (Dify API; Shoal has no tools yet)',
    tag: 'dify',
    responses: { 200: { description: 'Dify’s app meta' } },
  })
  meta(@Ctx() ctx: RequestContext) {
    appWorkflowId(ctx);
    return { tool_icons: {} };
  }
}

function storedFeatures(graph: unknown): Record<string, unknown> | undefined {
  const f = (graph as { features?: unknown } | null)?.features;
  return typeof f === 'object' && f !== null && !Array.isArray(f) ? (f as Record<string, unknown>) : undefined;
}
