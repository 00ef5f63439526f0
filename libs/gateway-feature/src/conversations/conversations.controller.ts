import { Controller, Get, Inject, Param, Query, UseGuards } from '@nestjs/common';
import { z } from 'zod';
import { ApiDoc, ApiKeyGuard, Ctx, parseBody, RequireScope, type RequestContext } from '@shoal/platform';
import { ConversationsService } from './conversations.service';
import { presentConversation, presentMessagePage } from './conversation.presenter';

/** Dify's bounds for GET /messages: 20 by default, at most 100. */
const messagesQuerySchema = z.object({
  first_id: z.string().min(1).max(128).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

@Controller('v1/conversations')
@UseGuards(ApiKeyGuard)
@RequireScope('read')
export class ConversationsController {
  constructor(@Inject(ConversationsService) private readonly conversations: ConversationsService) {}

  @Get(':id')
  @ApiDoc({ summary: 'Get a conversation (its variables and turn count)', responses: { 200: { description: 'The conversation' } } })
  async get(@Ctx() ctx: RequestContext, @Param('id') id: string) {
    return presentConversation(await this.conversations.get(ctx, id));
  }

  /** The conversation's turns, a page at a time going back: `first_id` is the oldest message of the page already shown. */
  @Get(':id/messages')
  @ApiDoc({
    summary: 'A conversation’s messages, a page at a time going back',
    query: messagesQuerySchema,
    responses: { 200: { description: 'A page of messages' } },
  })
  async messages(@Ctx() ctx: RequestContext, @Param('id') id: string, @Query() query: unknown) {
    const q = parseBody(messagesQuerySchema, query ?? {}, 'query');
    const page = await this.conversations.messages(ctx, id, { firstId: q.first_id ?? null, limit: q.limit });
    return presentMessagePage(page, q.limit);
  }
}
