// model-pool's internal chat routes: gateway (when a chat reaches it) and workflow-engine call them
// in distributed mode, with the signed call context saying who the call is for.
import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ROUTE_PREFIX, chatCompletionRequestSchema, plainChatCompletionRequest, embeddingsRequestSchema } from '@shoal/contracts';
import {
  InternalCtx,
  InternalTokenGuard,
  clientGone,
  parseBody,
  sendChatAnswer,
  type SseLimits,
  type VerifiedInternalContext,
} from '@shoal/platform';
import { ChatCompletionsService, POOL_SSE_LIMITS } from './chat-completions.service';
import { EmbeddingsService } from './embeddings.service';
import { poolCallContext } from './pool-call-context';

@Controller(`${ROUTE_PREFIX.modelPool}/v1`)
@UseGuards(InternalTokenGuard)
export class ChatCompletionsController {
  constructor(
    @Inject(ChatCompletionsService) private readonly chat: ChatCompletionsService,
    @Inject(POOL_SSE_LIMITS) private readonly sse: SseLimits,
    @Inject(EmbeddingsService) private readonly embedder: EmbeddingsService,
  ) {}

  @Post('chat/completions')
  @HttpCode(200) // as OpenAI answers; Nest's default for POST is 201
  async create(
    @InternalCtx() internal: VerifiedInternalContext,
    @Body() raw: unknown,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const body = parseBody(chatCompletionRequestSchema, raw, '', plainChatCompletionRequest);
    const ctx = poolCallContext(internal, req.headers.traceparent);
    await sendChatAnswer(reply, await this.chat.chatCompletions(ctx, body, clientGone(reply)), this.sse);
  }

  @Post('embeddings')
  @HttpCode(200)
  async embeddings(
    @InternalCtx() internal: VerifiedInternalContext,
    @Body() raw: unknown,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const body = parseBody(embeddingsRequestSchema, raw);
    const ctx = poolCallContext(internal, req.headers.traceparent);
    await sendChatAnswer(reply, await this.embedder.embeddings(ctx, body, clientGone(reply)), this.sse);
  }

  @Get('models')
  async models(@InternalCtx() internal: VerifiedInternalContext) {
    return { object: 'list', data: await this.chat.models(internal) };
  }
}
