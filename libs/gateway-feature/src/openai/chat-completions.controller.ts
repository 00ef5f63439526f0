// The OpenAI-compatible edge: an unmodified OpenAI client pointed at Shoal works, streaming included.
import { Body, Controller, Get, HttpCode, Inject, Post, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { chatCompletionRequestSchema } from '@shoal/contracts';
import { ApiKeyGuard, Ctx, clientGone, parseBody, type RequestContext } from '@shoal/platform';
import { ModelPoolClient, type ProxiedResponse } from './model-pool.client';

@Controller('v1')
@UseGuards(ApiKeyGuard)
export class ChatCompletionsController {
  constructor(@Inject(ModelPoolClient) private readonly pool: ModelPoolClient) {}

  @Post('chat/completions')
  @HttpCode(200)
  async create(@Ctx() ctx: RequestContext, @Body() body: unknown, @Res() reply: FastifyReply): Promise<void> {
    parseBody(chatCompletionRequestSchema, body);
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
