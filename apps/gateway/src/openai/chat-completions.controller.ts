// The OpenAI-compatible edge: an unmodified OpenAI client pointed at Shoal works, streaming included.
import { Body, Controller, Get, HttpCode, Inject, Post, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { ApiKeyGuard, Ctx, clientGone, parseBody, type RequestContext } from '@shoal/platform';
import { ModelPoolClient, type ProxiedResponse } from './model-pool.client';

// Only what the gateway must know to route and to fail early; everything else passes through.
const chatRequestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(z.looseObject({ role: z.string().min(1) })).min(1, 'must contain at least one message'),
  stream: z.boolean().optional(),
});

@Controller('v1')
@UseGuards(ApiKeyGuard)
export class ChatCompletionsController {
  constructor(@Inject(ModelPoolClient) private readonly pool: ModelPoolClient) {}

  @Post('chat/completions')
  @HttpCode(200)
  async create(@Ctx() ctx: RequestContext, @Body() body: unknown, @Res() reply: FastifyReply): Promise<void> {
    parseBody(chatRequestSchema, body);
    // the client went away: stop the upstream call too (and stop paying for its tokens)
    send(reply, await this.pool.chatCompletions(ctx, body, clientGone(reply)));
  }

  @Get('models')
  async models(@Ctx() ctx: RequestContext, @Res() reply: FastifyReply): Promise<void> {
    send(reply, await this.pool.models(ctx));
  }
}

function send(reply: FastifyReply, res: ProxiedResponse): void {
  reply.status(res.status).headers(res.headers);
  if (res.headers['content-type']?.startsWith('text/event-stream')) reply.header('cache-control', 'no-cache').header('x-accel-buffering', 'no');
  reply.send(res.body ?? '');
}
