// Chatflow conversations: starting a run as a turn of one, and reading them back.
import { Inject, Injectable } from '@nestjs/common';
import { looksLikeId, newId } from '@shoal/contracts';
import { ApiError, type RequestContext } from '@shoal/platform';
import { ConversationsRepository, type ConversationRow, type MessageRow } from './conversations.repository';

type RunCreate = Parameters<ConversationsRepository['startTurn']>[1]['run'];

@Injectable()
export class ConversationsService {
  constructor(@Inject(ConversationsRepository) private readonly conversations: ConversationsRepository) {}

  /**
   * Writes the queued run of a turn, in `conversationId` or a new conversation. An unknown id (or
   * another tenant's) is a 404 naming it; one of another workflow a 409, and so is one whose last
   * run has not finished yet (one run at a time per conversation).
   */
  async startTurn(ctx: RequestContext, conversationId: string | undefined, workflowId: string, endUser: string | null, run: RunCreate) {
    if (conversationId !== undefined && !looksLikeId(conversationId, 'conv')) throw ApiError.notFound('Conversation', conversationId);
    const started = await this.conversations.startTurn(ctx.tenantId, {
      conversationId: conversationId ?? null,
      newConversationId: newId('conv'),
      workflowId,
      endUser,
      run,
    });
    if ('run' in started) return started;
    const id = conversationId ?? '';
    switch (started.refused) {
      case 'not_found':
        throw ApiError.notFound('Conversation', id);
      case 'other_workflow':
        throw new ApiError(
          'conflict',
          `Conversation '${id}' belongs to another workflow; start a new conversation for workflow '${workflowId}'`,
          {
            param: 'conversation_id',
          },
        );
      case 'busy':
        throw new ApiError(
          'conflict',
          `Conversation '${id}' has a run in progress (${started.runId}); send the next message once it has finished`,
          { param: 'conversation_id', retryAfterSeconds: 1 },
        );
    }
  }

  async get(ctx: RequestContext, conversationId: string): Promise<ConversationRow> {
    const c = looksLikeId(conversationId, 'conv') ? await this.conversations.find(ctx.tenantId, conversationId) : null;
    if (!c || (ctx.workflowId && c.workflowId !== ctx.workflowId)) throw ApiError.notFound('Conversation', conversationId);
    return c;
  }

  async messages(
    ctx: RequestContext,
    conversationId: string,
    page: { firstId: string | null; limit: number },
  ): Promise<{ messages: MessageRow[]; hasMore: boolean }> {
    await this.get(ctx, conversationId);
    if (page.firstId !== null && !looksLikeId(page.firstId, 'msg')) throw ApiError.notFound('Message', page.firstId);
    const found = await this.conversations.messages(ctx.tenantId, conversationId, { beforeId: page.firstId, limit: page.limit });
    if (!found) throw ApiError.notFound('Message', page.firstId ?? '');
    return found;
  }

  /** The files each turn's message came with (Dify's `files`), by run id. */
  runFiles(ctx: RequestContext, runIds: readonly string[]): Promise<Map<string, unknown[]>> {
    return this.conversations.runFiles(ctx.tenantId, runIds);
  }
}
