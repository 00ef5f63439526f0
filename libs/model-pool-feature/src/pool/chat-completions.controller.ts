import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ROUTE_PREFIX, chatCompletionRequestSchema } from '@shoal/contracts';
import { InternalCtx, InternalTokenGuard, clientGone, parseBody, type VerifiedInternalContext } from '@shoal/platform';
import { ChatCompletionsService, type ChatBody } from './chat-completions.service';
import { poolCallContext } from './pool-call-context';

@Controller(`${ROUTE_PREFIX.modelPool}/v1`)
@UseGuards(InternalTokenGuard)
export class ChatCompletionsController {
  constructor(@Inject(ChatCompletionsService) private readonly chat: ChatCompletionsService) {}

  @Post('chat/completions')
  @HttpCode(200) // as OpenAI answers; Nest's default for POST is 201
  async create(@InternalCtx() internal: VerifiedInternalContext, @Body() raw: unknown, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const body = parseBody(chatCompletionRequestSchema, raw) as ChatBody;
    const ctx = poolCallContext(internal, req.headers.traceparent);
    const signal = clientGone(reply);
    if (!body.stream) {
      const { completion, deployment } = await this.chat.complete(ctx, body, signal);
      reply.header('x-shoal-call-id', ctx.callId).header('x-shoal-deployment', deployment.id).send(completion);
      return;
    }
    await this.chat.stream(ctx, body, {
      start: (headers) => {
        reply.hijack();
        reply.raw.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-shoal-call-id': ctx.callId, ...headers });
      },
      write: (data) => reply.raw.write(data),
      end: () => reply.raw.end(),
    }, signal);
  }

  @Get('models')
  models() {
    return { object: 'list', data: this.chat.models() };
  }
}
