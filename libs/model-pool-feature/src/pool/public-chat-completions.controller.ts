// The public OpenAI-compatible chat routes, served by model-pool itself in distributed mode: the
// edge (Compose's proxy, the Kubernetes Ingress) sends /v1/chat/completions and /v1/models here, so
// a chat crosses one Shoal process between the client and the provider. API keys are checked by
// the platform's edge auth, from its in-process cache.
import { Body, Controller, Get, HttpCode, Inject, Post, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import {
  chatCompletionRequestSchema,
  plainChatCompletionRequest,
  embeddingsRequestSchema,
  newId,
  type ChatCallContext,
} from '@shoal/contracts';
import {
  ApiKeyGuard,
  Ctx,
  RequireScope,
  StreamSlots,
  clientGone,
  parseBody,
  sendChatAnswer,
  type RequestContext,
  type SseLimits,
} from '@shoal/platform';
import { ChatCompletionsService, POOL_SSE_LIMITS } from './chat-completions.service';
import { EmbeddingsService } from './embeddings.service';

@Controller('v1')
@UseGuards(ApiKeyGuard)
// as on the gateway: a key without the `chat` scope (a workflow-bound key, a read-only one) calls no model here either
@RequireScope('chat')
export class PublicChatCompletionsController {
  constructor(
    @Inject(ChatCompletionsService) private readonly chat: ChatCompletionsService,
    @Inject(POOL_SSE_LIMITS) private readonly sse: SseLimits,
    @Inject(StreamSlots) private readonly slots: StreamSlots,
    @Inject(EmbeddingsService) private readonly embedder: EmbeddingsService,
  ) {}

  @Post('chat/completions')
  @HttpCode(200)
  async create(@Ctx() ctx: RequestContext, @Body() raw: unknown, @Res() reply: FastifyReply): Promise<void> {
    const body = parseBody(chatCompletionRequestSchema, raw, '', plainChatCompletionRequest);
    const call = callOf(ctx);
    // open streams per key are bounded here as on the gateway: a client cannot hold this replica's sockets without end
    const release = body.stream ? this.slots.acquire(ctx.apiKeyId, null) : undefined;
    try {
      await sendChatAnswer(reply, await this.chat.chatCompletions(call, body, clientGone(reply)), this.sse);
    } finally {
      release?.();
    }
  }

  @Post('embeddings')
  @HttpCode(200)
  async embeddings(@Ctx() ctx: RequestContext, @Body() raw: unknown, @Res() reply: FastifyReply): Promise<void> {
    const body = parseBody(embeddingsRequestSchema, raw);
    await sendChatAnswer(reply, await this.embedder.embeddings(callOf(ctx), body, clientGone(reply)), this.sse);
  }

  @Get('models')
  async models(@Ctx() ctx: RequestContext) {
    return { object: 'list', data: await this.chat.models(ctx) };
  }
}

function callOf(ctx: RequestContext): ChatCallContext {
  return {
    tenantId: ctx.tenantId,
    apiKeyId: ctx.apiKeyId,
    runId: null,
    nodeId: null,
    callId: newId('chatcmpl'),
    traceparent: ctx.traceparent,
  };
}
