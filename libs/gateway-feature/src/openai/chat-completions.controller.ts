// The OpenAI-compatible edge: an unmodified OpenAI client pointed at Shoal works, streaming included.
// The call goes through CHAT_COMPLETIONS_PORT: model-pool's service in process (standalone), or
// model-pool over HTTP (distributed, where the edge normally sends these routes to model-pool itself).
import { Body, Controller, Get, HttpCode, Inject, Post, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import {
  CHAT_COMPLETIONS_PORT,
  chatCompletionRequestSchema,
  plainChatCompletionRequest,
  embeddingsRequestSchema,
  type ChatCompletionsPort,
} from '@shoal/contracts';
import {
  ApiDoc,
  ApiKeyGuard,
  Ctx,
  RequireScope,
  clientGone,
  parseBody,
  sendChatAnswer,
  type RequestContext,
  type SseLimits,
} from '@shoal/platform';
import { SSE_LIMITS } from '../runs/runs.controller';
import { StreamSlots } from '@shoal/platform';
import { chatCallOf } from './model-pool.client';

@Controller('v1')
@UseGuards(ApiKeyGuard)
@RequireScope('chat')
export class ChatCompletionsController {
  constructor(
    @Inject(CHAT_COMPLETIONS_PORT) private readonly pool: ChatCompletionsPort,
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
    const request = parseBody(chatCompletionRequestSchema, body, '', plainChatCompletionRequest);
    const release = request.stream ? this.slots.acquire(ctx.apiKeyId, null) : undefined;
    try {
      // the client went away: stop the upstream call too (and stop paying for its tokens)
      await sendChatAnswer(reply, await this.pool.chatCompletions(chatCallOf(ctx), request, clientGone(reply)), this.sse);
    } finally {
      release?.();
    }
  }

  @Post('embeddings')
  @HttpCode(200)
  @ApiDoc({
    summary: 'Create embeddings (OpenAI-compatible)',
    description:
      'The OpenAI Embeddings API, routed, metered and failed over across the model pool as chat completions are. At most 2048 inputs, 100,000 characters (or token ids) each, 2,000,000 in all.',
    body: embeddingsRequestSchema,
    responses: { 200: { description: 'The embeddings, one per input, in input order' } },
    errors: [404, 502, 503],
  })
  async embeddings(@Ctx() ctx: RequestContext, @Body() body: unknown, @Res() reply: FastifyReply): Promise<void> {
    const request = parseBody(embeddingsRequestSchema, body);
    await sendChatAnswer(reply, await this.pool.embeddings(chatCallOf(ctx), request, clientGone(reply)), this.sse);
  }

  @Get('models')
  @ApiDoc({
    summary: 'List the models (aliases) this API key may use (OpenAI-compatible)',
    responses: { 200: { description: 'Models' } },
  })
  async models(@Ctx() ctx: RequestContext) {
    return { object: 'list', data: await this.pool.models(chatCallOf(ctx)) };
  }
}
