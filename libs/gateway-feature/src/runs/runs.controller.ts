import { Body, Controller, Get, Headers, Inject, Param, Post, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import type { RunEvent } from '@shoal/contracts';
import { ApiKeyGuard, Ctx, SseStream, clientGone, parseBody, type RequestContext, type SseLimits } from '@shoal/platform';
import { StreamSlots } from '@shoal/platform';
import { RunsService } from './runs.service';
import type { RunStreamRow } from './runs.repository';
import { presentRun, presentRunWithNodes } from './run.presenter';

const startRunSchema = z.object({
  inputs: z.record(z.string(), z.unknown()).default({}),
  response_mode: z.enum(['blocking', 'streaming']).default('blocking'),
  user: z.string().max(256).optional(),
});

export const BLOCKING_TIMEOUT_MS = Symbol('BLOCKING_TIMEOUT_MS');
export const SSE_LIMITS = Symbol('SSE_LIMITS');
const PING_MS = 10_000;
const PING = 'event: ping\ndata: {"event":"ping"}\n\n';

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
  async start(
    @Ctx() ctx: RequestContext,
    @Param('id') workflowId: string,
    @Body() body: unknown,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const input = parseBody(startRunSchema, body ?? {});
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
    );
    // still running when the wait ran out: 202 and where to look
    reply.status(finished.finishedAt ? 200 : 202).send(presentRun(finished));
  }

  @Get('runs/:id')
  async get(@Ctx() ctx: RequestContext, @Param('id') id: string) {
    return presentRunWithNodes(await this.runs.get(ctx, id));
  }

  /**
   * Server-sent events of a run; reconnect with Last-Event-ID to continue where you left off. A
   * finished run whose events the client already has answers 204, which tells EventSource to stop
   * reconnecting.
   */
  @Get('runs/:id/events')
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

  private async stream(ctx: RequestContext, run: RunStreamRow, afterSeq: number, reply: FastifyReply): Promise<void> {
    const sse = SseStream.open(reply, this.sse, { 'x-shoal-run-id': run.id });
    const ping = setInterval(() => sse.keepAlive(PING), PING_MS);
    // pushed events cannot wait for a slow reader: one that falls too far behind is cut, and
    // reconnects with Last-Event-ID (the events are stored)
    const write = (e: RunEvent) => void sse.write(`id: ${e.sequence}\ndata: ${JSON.stringify(e)}\n\n`);
    try {
      await this.runs.follow(ctx, run.id, afterSeq, write, sse.signal, run);
    } finally {
      clearInterval(ping);
      sse.end();
    }
  }
}
