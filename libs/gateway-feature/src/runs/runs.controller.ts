import { Body, Controller, Get, Headers, Inject, Param, Post, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { RunEvent } from '@shoal/contracts';
import { ApiKeyGuard, Ctx, clientGone, parseBody, type RequestContext } from '@shoal/platform';
import { RunsService } from './runs.service';
import { presentRun, presentRunWithNodes } from './run.presenter';

const startRunSchema = z.object({
  inputs: z.record(z.string(), z.unknown()).default({}),
  response_mode: z.enum(['blocking', 'streaming']).default('blocking'),
  user: z.string().max(256).optional(),
});

export const BLOCKING_TIMEOUT_MS = Symbol('BLOCKING_TIMEOUT_MS');
const PING_MS = 10_000;

@Controller('v1')
@UseGuards(ApiKeyGuard)
export class RunsController {
  constructor(
    @Inject(RunsService) private readonly runs: RunsService,
    @Inject(BLOCKING_TIMEOUT_MS) private readonly blockingTimeoutMs: number,
  ) {}

  @Post('workflows/:id/runs')
  async start(@Ctx() ctx: RequestContext, @Param('id') workflowId: string, @Body() body: unknown, @Res() reply: FastifyReply): Promise<void> {
    const input = parseBody(startRunSchema, body ?? {});
    const run = await this.runs.start(ctx, workflowId, input);
    if (input.response_mode === 'streaming') return this.stream(ctx, run.id, 0, reply);
    const finished = await this.runs.waitForEnd(ctx, run.id, AbortSignal.any([AbortSignal.timeout(this.blockingTimeoutMs), clientGone(reply)]));
    // still running when the wait ran out: 202 and where to look
    reply.status(finished.finishedAt ? 200 : 202).send(presentRun(finished));
  }

  @Get('runs/:id')
  async get(@Ctx() ctx: RequestContext, @Param('id') id: string) {
    return presentRunWithNodes(await this.runs.get(ctx, id));
  }

  /** Server-sent events of a run; reconnect with Last-Event-ID to continue where you left off. */
  @Get('runs/:id/events')
  async events(@Ctx() ctx: RequestContext, @Param('id') id: string, @Headers('last-event-id') lastEventId: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    // a sequence number, or start from the beginning (as EventSource does with an id it does not know)
    const after = /^\d{1,15}$/.test(lastEventId?.trim() ?? '') ? Number(lastEventId) : 0;
    await this.runs.get(ctx, id); // 404 before the stream starts
    return this.stream(ctx, id, after, reply);
  }

  private async stream(ctx: RequestContext, runId: string, afterSeq: number, reply: FastifyReply): Promise<void> {
    reply.hijack();
    const res = reply.raw;
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no', 'x-shoal-run-id': runId });
    const gone = clientGone(reply);
    const ping = setInterval(() => res.write('event: ping\ndata: {"event":"ping"}\n\n'), PING_MS);
    const write = (e: RunEvent) => res.write(`id: ${e.sequence}\ndata: ${JSON.stringify(e)}\n\n`);
    try {
      await this.runs.follow(ctx, runId, afterSeq, write, gone);
    } finally {
      clearInterval(ping);
      res.end();
    }
  }
}
