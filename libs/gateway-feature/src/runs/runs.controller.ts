import { Body, Controller, Get, Headers, HttpCode, Inject, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import {
  ApiDoc,
  ApiError,
  ApiKeyGuard,
  Ctx,
  RequireScope,
  clientGone,
  parseBody,
  type RequestContext,
  type SseLimits,
} from '@shoal/platform';
import { StreamSlots } from '@shoal/platform';
import { RunsService } from './runs.service';
import type { RunStreamRow } from './runs.repository';
import { presentRun, presentRunWithNodes } from './run.presenter';
import { runListResponse, runResponse, runWithNodesResponse } from '../openapi/response-schemas';
import { SHOAL_FRAMING, streamRunEvents } from './run-event-stream';

const listRunsQuerySchema = z
  .object({
    workflow_id: z.string().startsWith('wf_', 'must be a workflow id (wf_…)').max(64).optional(),
    status: z.enum(['queued', 'running', 'succeeded', 'failed', 'partial-succeeded', 'stopped']).optional(),
    created_after: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' }).optional(),
    created_before: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time' }).optional(),
    limit: z.coerce.number().int().min(1).max(100).default(20),
    after: z.string().startsWith('run_', 'must be a run id (run_…)').max(64).optional(),
  })
  .strict();

// printable ASCII, as the IETF Idempotency-Key draft and Stripe take it
const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

function idempotencyKeyOf(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (!IDEMPOTENCY_KEY.test(header))
    throw ApiError.validation('Invalid request: the Idempotency-Key header must be 1 to 255 printable ASCII characters', [
      { path: 'headers.idempotency-key', message: 'must be 1 to 255 printable ASCII characters' },
    ]);
  return header;
}

const startRunSchema = z.object({
  inputs: z.record(z.string(), z.unknown()).default({}),
  response_mode: z.enum(['blocking', 'streaming']).default('blocking'),
  user: z.string().max(256).optional(),
  /** chatflows: the user's message, and the conversation it continues */
  query: z.string().max(65_536).optional(),
  // Dify clients send '' to start a new conversation
  conversation_id: z
    .string()
    .max(128)
    .optional()
    .transform((id) => id || undefined),
});

const stopTaskSchema = z.object({ user: z.string().max(256).optional() });

/** How long a cancel waits for the run to end before answering 202 (it keeps stopping). */
const CANCEL_WAIT_MS = 5000;

export const BLOCKING_TIMEOUT_MS = Symbol('BLOCKING_TIMEOUT_MS');
export const SSE_LIMITS = Symbol('SSE_LIMITS');

@Controller('v1')
@UseGuards(ApiKeyGuard)
export class RunsController {
  constructor(
    @Inject(RunsService) private readonly runs: RunsService,
    @Inject(StreamSlots) private readonly slots: StreamSlots,
    @Inject(BLOCKING_TIMEOUT_MS) private readonly blockingTimeoutMs: number,
    @Inject(SSE_LIMITS) private readonly sse: SseLimits,
  ) {}

  @Post('workflows/:id/runs')
  @RequireScope('runs:write')
  @ApiDoc({
    summary: 'Run a workflow',
    description:
      '`blocking` answers when the run ends (202 if it is still running when the wait runs out); `streaming` answers with server-sent events named as Dify names them.',
    body: startRunSchema,
    headers: [
      {
        name: 'Idempotency-Key',
        description: 'A retried request with the same key gets the run the first one started (409 if it differs from that request)',
      },
    ],
    responses: {
      200: { description: 'The finished run (blocking), or its server-sent events (streaming, text/event-stream)', schema: runResponse },
      202: { description: 'Still running when the blocking wait ran out', schema: runResponse },
    },
  })
  async start(
    @Ctx() ctx: RequestContext,
    @Param('id') workflowId: string,
    @Body() body: unknown,
    @Headers('idempotency-key') idempotencyKey: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const input = { ...parseBody(startRunSchema, body ?? {}), idempotencyKey: idempotencyKeyOf(idempotencyKey) };
    if (input.response_mode === 'streaming') {
      // a stream beyond the key's limit is refused before the run exists
      const release = this.slots.acquire(ctx.apiKeyId, null);
      try {
        return await this.stream(ctx, await this.runs.start(ctx, workflowId, input), 0, reply);
      } finally {
        release();
      }
    }
    const run = await this.runs.start(ctx, workflowId, input);
    const finished = await this.runs.waitForEnd(
      ctx,
      run.id,
      AbortSignal.any([AbortSignal.timeout(this.blockingTimeoutMs), clientGone(reply)]),
      run,
    );
    // still running when the wait ran out: 202 and where to look
    reply.status(finished.finishedAt ? 200 : 202).send(presentRun(finished));
  }

  @Get('runs')
  @RequireScope('read')
  @ApiDoc({
    summary: 'List runs, newest first',
    description: 'Filter by workflow, status and creation time; page with `after` (the `next_cursor` of the previous page).',
    query: listRunsQuerySchema,
    responses: { 200: { description: 'A page of runs', schema: runListResponse } },
  })
  async list(@Ctx() ctx: RequestContext, @Query() query: unknown) {
    const q = parseBody(listRunsQuerySchema, query, 'query');
    const { runs, hasMore } = await this.runs.list(ctx, {
      workflowId: q.workflow_id,
      status: q.status,
      createdAfter: q.created_after ? new Date(q.created_after) : undefined,
      createdBefore: q.created_before ? new Date(q.created_before) : undefined,
      limit: q.limit,
      after: q.after,
    });
    return { object: 'list', data: runs.map(presentRun), has_more: hasMore, next_cursor: hasMore ? runs[runs.length - 1].id : null };
  }

  /**
   * Stops a queued or running run; it ends `stopped`, and workflow_finished says so. Answers the run:
   * 200 once it has ended, 202 while its worker is still stopping it. 409 for a run that ended otherwise.
   */
  @Post('runs/:id/cancel')
  @RequireScope('runs:write')
  @ApiDoc({
    summary: 'Cancel a run',
    description: 'A queued run stops at once; a running one within about a second, on whichever worker holds it.',
    responses: {
      200: { description: 'The stopped run', schema: runResponse },
      202: { description: 'Still stopping when the wait ran out', schema: runResponse },
    },
    errors: [409],
  })
  async cancel(@Ctx() ctx: RequestContext, @Param('id') id: string, @Res() reply: FastifyReply): Promise<void> {
    const run = await this.runs.cancel(ctx, id);
    const ended = run.finishedAt
      ? run
      : await this.runs.waitForEnd(ctx, id, AbortSignal.any([AbortSignal.timeout(CANCEL_WAIT_MS), clientGone(reply)]));
    reply.status(ended.finishedAt ? 200 : 202).send(presentRun(ended));
  }

  /** Dify's stop API (the task id is the run id): `{ "result": "success" }`, also for a run that already ended, as Dify answers. */
  @Post('workflows/tasks/:taskId/stop')
  @HttpCode(200)
  @RequireScope('runs:write')
  @ApiDoc({
    summary: 'Stop a run (Dify API)',
    tag: 'dify',
    body: stopTaskSchema,
    responses: { 200: { description: '`{ "result": "success" }`' } },
  })
  @RequireScope('runs:write')
  @ApiDoc({
    summary: 'Stop a run (Dify API)',
    tag: 'dify',
    body: stopTaskSchema,
    responses: { 200: { description: '`{ "result": "success" }`' } },
  })
  async stopTask(@Ctx() ctx: RequestContext, @Param('taskId') taskId: string, @Body() body: unknown) {
    parseBody(stopTaskSchema, body ?? {});
    await this.runs.stop(ctx, taskId);
    return { result: 'success' };
  }

  @Get('runs/:id')
  @RequireScope('read')
  @ApiDoc({ summary: 'Get a run and its node executions', responses: { 200: { description: 'The run', schema: runWithNodesResponse } } })
  async get(@Ctx() ctx: RequestContext, @Param('id') id: string) {
    return presentRunWithNodes(await this.runs.get(ctx, id));
  }

  /**
   * Server-sent events of a run; reconnect with Last-Event-ID to continue where you left off. A
   * finished run whose events the client already has answers 204, which tells EventSource to stop
   * reconnecting.
   */
  @Get('runs/:id/events')
  @RequireScope('read')
  @ApiDoc({
    summary: 'Follow a run’s events',
    description: 'Server-sent events; reconnect with `Last-Event-ID` to continue where you left off.',
    headers: [{ name: 'Last-Event-ID', description: 'the sequence number of the last event you have' }],
    responses: {
      200: { description: 'The run’s events', contentType: 'text/event-stream' },
      204: { description: 'The run is finished and you have all its events' },
    },
  })
  async events(
    @Ctx() ctx: RequestContext,
    @Param('id') id: string,
    @Headers('last-event-id') lastEventId: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    // a sequence number, or start from the beginning (as EventSource does with an id it does not know)
    const after = /^\d{1,15}$/.test(lastEventId?.trim() ?? '') ? Number(lastEventId) : 0;
    const { run, replayed } = await this.runs.openStream(ctx, id, after); // 404 before the stream starts
    if (replayed) return void reply.status(204).send();
    const release = this.slots.acquire(ctx.apiKeyId, run.id);
    try {
      await this.stream(ctx, run, after, reply);
    } finally {
      release();
    }
  }

  private stream(ctx: RequestContext, run: RunStreamRow, afterSeq: number, reply: FastifyReply): Promise<void> {
    return streamRunEvents({ reply, limits: this.sse, runs: this.runs, framing: SHOAL_FRAMING }, ctx, run, afterSeq);
  }
}
