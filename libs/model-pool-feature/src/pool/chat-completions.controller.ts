import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ROUTE_PREFIX, chatCompletionRequestSchema } from '@shoal/contracts';
import {
  InternalCtx,
  InternalTokenGuard,
  SseStream,
  clientGone,
  parseBody,
  type SseLimits,
  type VerifiedInternalContext,
} from '@shoal/platform';
import { ChatCompletionsService, POOL_SSE_LIMITS, type ChatBody } from './chat-completions.service';
import { poolCallContext } from './pool-call-context';

@Controller(`${ROUTE_PREFIX.modelPool}/v1`)
@UseGuards(InternalTokenGuard)
export class ChatCompletionsController {
  constructor(
    @Inject(ChatCompletionsService) private readonly chat: ChatCompletionsService,
    @Inject(POOL_SSE_LIMITS) private readonly sse: SseLimits,
  ) {}

  @Post('chat/completions')
  @HttpCode(200) // as OpenAI answers; Nest's default for POST is 201
  async create(
    @InternalCtx() internal: VerifiedInternalContext,
    @Body() raw: unknown,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const body = parseBody(chatCompletionRequestSchema, raw) as ChatBody;
    const ctx = poolCallContext(internal, req.headers.traceparent);
    const signal = clientGone(reply);
    if (!body.stream) {
      const { completion, deployment } = await this.chat.complete(ctx, body, signal);
      reply.header('x-shoal-call-id', ctx.callId).header('x-shoal-deployment', deployment.id).send(completion);
      return;
    }
    let sse: SseStream | undefined;
    await this.chat.stream(
      ctx,
      body,
      {
        start: (headers) => {
          sse = SseStream.open(reply, this.sse, { 'x-shoal-call-id': ctx.callId, ...headers });
        },
        // the provider's stream is pulled no faster than the client reads; a client that stalls is cut (clientGone then stops the provider call)
        write: async (data) => void (await sse?.writeAndDrain(data)),
        end: () => sse?.end(),
      },
      signal,
    );
  }

  @Get('models')
  models() {
    return { object: 'list', data: this.chat.models() };
  }
}
