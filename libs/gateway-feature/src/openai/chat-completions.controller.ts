// The OpenAI-compatible edge: an unmodified OpenAI client pointed at Shoal works, streaming included.
import { Body, Controller, Get, HttpCode, Inject, Post, Res, UseGuards } from '@nestjs/common';
import type { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { chatCompletionRequestSchema } from '@shoal/contracts';
import {
  ApiDoc,
  ApiKeyGuard,
  Ctx,
  RequireScope,
  SseStream,
  clientGone,
  createLogger,
  parseBody,
  type RequestContext,
  type SseLimits,
} from '@shoal/platform';
import { SSE_LIMITS } from '../runs/runs.controller';
import { StreamSlots } from '../streams/stream-slots';
import { ModelPoolClient, type ProxiedResponse } from './model-pool.client';

@Controller('v1')
@UseGuards(ApiKeyGuard)
@RequireScope('chat')
export class ChatCompletionsController {
  private readonly log = createLogger('ChatCompletionsController');
  constructor(
    @Inject(ModelPoolClient) private readonly pool: ModelPoolClient,
    @Inject(StreamSlots) private readonly slots: StreamSlots,
    @Inject(SSE_LIMITS) private readonly sse: SseLimits,
  ) {}

  @Post('chat/completions')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Create a chat completion (OpenAI-compatible)',
    description: 'The OpenAI Chat Completions API, routed across the model pool; `stream: true` answers with server-sent events.',
    body: chatCompletionRequestSchema,
    responses: { 200: { description: 'A chat completion, or its stream (text/event-stream)' } },
    errors: [404, 502, 503],
  })
  async create(@Ctx() ctx: RequestContext, @Body() body: unknown, @Res() reply: FastifyReply): Promise<void> {
    const request = parseBody(chatCompletionRequestSchema, body);
    const release = request.stream ? this.slots.acquire(ctx.apiKeyId, null) : undefined;
    try {
      // the client went away: stop the upstream call too (and stop paying for its tokens)
      const res = await this.pool.chatCompletions(ctx, body, clientGone(reply));
      if (res.body && res.headers['content-type']?.startsWith('text/event-stream')) return await this.relay(reply, res, res.body);
      send(reply, res);
    } finally {
      release?.();
    }
  }

  @Get('models')
  @ApiDoc({
    summary: 'List the models (aliases) this deployment serves (OpenAI-compatible)',
    responses: { 200: { description: 'Models' } },
  })
  async models(@Ctx() ctx: RequestContext, @Res() reply: FastifyReply): Promise<void> {
    send(reply, await this.pool.models(ctx));
  }

  /** Passes an SSE answer through as bytes, no faster than the client reads; a reader that stalls is cut, and the upstream call with it. */
  private async relay(reply: FastifyReply, res: ProxiedResponse, upstream: Readable): Promise<void> {
    const sse = SseStream.open(reply, this.sse, res.headers, res.status);
    try {
      for await (const chunk of upstream) if (!(await sse.writeAndDrain(chunk as Buffer))) break;
    } catch (err) {
      // the upstream broke off mid-stream: end what the client has (model-pool sends an error event when it can)
      if (!sse.signal.aborted) this.log.warn({ err }, 'model-pool stream broke off');
    } finally {
      upstream.destroy();
      sse.end();
    }
  }
}

function send(reply: FastifyReply, res: ProxiedResponse): void {
  reply.status(res.status).headers(res.headers);
  reply.send(res.body ?? '');
}
