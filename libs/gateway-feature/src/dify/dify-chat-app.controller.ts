// Dify's service API for chatflow apps (advanced-chat): send a message and get the answer (blocking,
// or streamed in Dify's `data:` framing), stop it, page through a conversation's messages, list,
// delete and read the variables of the app's conversations. The app is the workflow the caller's
// key is bound to; answers and errors are Dify's shapes.
import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { z } from 'zod';
import { looksLikeId } from '@shoal/contracts';
import {
  ApiDoc,
  ApiError,
  ApiKeyGuard,
  Ctx,
  RequireScope,
  StreamSlots,
  clientGone,
  parseBody,
  type RequestContext,
  type SseLimits,
} from '@shoal/platform';
import { ConversationsRepository, type ConversationRow } from '../conversations/conversations.repository';
import { ConversationsService } from '../conversations/conversations.service';
import { BLOCKING_TIMEOUT_MS, SSE_LIMITS } from '../runs/runs.controller';
import { DIFY_FRAMING, streamRunEvents } from '../runs/run-event-stream';
import type { RunRow } from '../runs/runs.repository';
import { RunsService } from '../runs/runs.service';
import { WorkflowsService } from '../workflows/workflows.service';
import { appWorkflowId, unixSeconds } from './dify-app';
import { difyMessageFiles } from './dify.presenter';

const chatMessageSchema = z.object({
  query: z.string().min(1, 'is required').max(100_000),
  inputs: z.record(z.string(), z.unknown()).default({}),
  response_mode: z.enum(['blocking', 'streaming']).nullish(),
  user: z.string().trim().min(1, 'is required').max(256),
  // Dify clients send "" for a new conversation
  conversation_id: z.string().max(64).nullish(),
  // uploaded (`local_file`, by upload_file_id) or by URL; checked and bounded with the run's inputs
  files: z.array(z.unknown()).max(100).nullish(),
  auto_generate_name: z.boolean().nullish(),
});

const userSchema = z.object({ user: z.string().max(256).optional() });

const messagesQuerySchema = z.object({
  conversation_id: z.string().min(1, 'is required').max(64),
  user: z.string().max(256).optional(),
  first_id: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});

const conversationsQuerySchema = z.object({
  user: z.string().max(256).optional(),
  last_id: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  sort_by: z.enum(['-updated_at']).optional(),
});

const renameSchema = z
  .object({
    name: z.string().trim().max(255).optional(),
    auto_generate: z.boolean().optional(),
    user: z.string().max(256).optional(),
  })
  .refine((b) => b.auto_generate === true || (b.name !== undefined && b.name !== ''), {
    message: 'name is required unless auto_generate is true',
    path: ['name'],
  });

/** A generated name: the first question, cut at a word near 40 characters (Dify asks a model; Shoal does not spend a call on it). */
function nameFromQuery(query: string): string {
  const text = query.replace(/\s+/g, ' ').trim();
  if (text.length <= 40) return text || 'New conversation';
  const cut = text.slice(0, 40);
  const space = cut.lastIndexOf(' ');
  return `${space > 20 ? cut.slice(0, space) : cut}…`;
}

@Controller('v1')
@UseGuards(ApiKeyGuard)
export class DifyChatAppController {
  constructor(
    @Inject(RunsService) private readonly runs: RunsService,
    @Inject(ConversationsService) private readonly conversations: ConversationsService,
    @Inject(ConversationsRepository) private readonly repository: ConversationsRepository,
    @Inject(WorkflowsService) private readonly workflows: WorkflowsService,
    @Inject(StreamSlots) private readonly slots: StreamSlots,
    @Inject(BLOCKING_TIMEOUT_MS) private readonly blockingTimeoutMs: number,
    @Inject(SSE_LIMITS) private readonly sse: SseLimits,
  ) {}

  @Post('chat-messages')
  @HttpCode(200)
  @RequireScope('runs:write')
  @ApiDoc({
    summary: 'Send a chat message to the app (Dify API)',
    tag: 'dify',
    description: 'Dify’s `POST /v1/chat-messages` for a chatflow (advanced-chat) app, with a key bound to it.',
    body: chatMessageSchema,
    responses: { 200: { description: 'Dify’s ChatCompletionResponse (blocking), or its chunk stream (streaming)' } },
    errors: [404, 409],
  })
  async send(@Ctx() ctx: RequestContext, @Body() body: unknown, @Res() reply: FastifyReply): Promise<void> {
    const input = parseBody(chatMessageSchema, body ?? {});
    const workflowId = appWorkflowId(ctx);
    const mode = input.response_mode ?? 'blocking';
    const start = () =>
      this.runs.start(ctx, workflowId, {
        inputs: input.inputs,
        response_mode: mode,
        user: input.user,
        query: input.query,
        files: input.files ?? undefined,
        ...(input.conversation_id ? { conversation_id: input.conversation_id } : {}),
      });
    if (mode === 'streaming') {
      const release = this.slots.acquire(ctx.apiKeyId, null);
      try {
        const run = await start();
        await streamRunEvents({ reply, limits: this.sse, runs: this.runs, framing: DIFY_FRAMING }, ctx, run, 0);
      } finally {
        release();
      }
      return;
    }
    const run = await start();
    const ended = await this.runs.waitForEnd(
      ctx,
      run.id,
      AbortSignal.any([AbortSignal.timeout(this.blockingTimeoutMs), clientGone(reply)]),
    );
    if (ended.status === 'failed') throw new ApiError('upstream_error', ended.error ?? 'The chatflow failed', { status: 400 });
    reply.status(200).send(chatAnswer(ended));
  }

  @Post('chat-messages/:taskId/stop')
  @HttpCode(200)
  @RequireScope('runs:write')
  @ApiDoc({
    summary: 'Stop a chat message’s run (Dify API)',
    tag: 'dify',
    body: userSchema,
    responses: { 200: { description: '`{ "result": "success" }`' } },
  })
  async stop(@Ctx() ctx: RequestContext, @Param('taskId') taskId: string, @Body() body: unknown) {
    parseBody(userSchema, body ?? {});
    appWorkflowId(ctx);
    await this.runs.stop(ctx, taskId);
    return { result: 'success' };
  }

  @Get('messages')
  @RequireScope('read')
  @ApiDoc({
    summary: 'A conversation’s messages, a page at a time going back (Dify API)',
    tag: 'dify',
    query: messagesQuerySchema,
    responses: { 200: { description: 'Dify’s message page' } },
    errors: [404],
  })
  async messages(@Ctx() ctx: RequestContext, @Query() query: unknown) {
    const q = parseBody(messagesQuerySchema, query ?? {}, 'query');
    const conversation = await this.appConversation(ctx, q.conversation_id);
    const page = await this.conversations.messages(ctx, conversation.id, { firstId: q.first_id ?? null, limit: q.limit });
    const files = await this.conversations.runFiles(
      ctx,
      page.messages.map((m) => m.runId),
    );
    return {
      limit: q.limit,
      has_more: page.hasMore,
      // each page oldest first, as Dify answers
      data: [...page.messages].reverse().map((m) => ({
        id: m.id,
        conversation_id: m.conversationId,
        inputs: {},
        query: m.query,
        answer: m.answer,
        message_files: difyMessageFiles(files.get(m.runId) ?? []),
        feedback: null,
        retriever_resources: [],
        created_at: unixSeconds(m.createdAt),
      })),
    };
  }

  @Get('conversations')
  @RequireScope('read')
  @ApiDoc({
    summary: 'The app’s conversations, most recently active first (Dify API)',
    tag: 'dify',
    query: conversationsQuerySchema,
    responses: { 200: { description: 'Dify’s conversation page' } },
  })
  async list(@Ctx() ctx: RequestContext, @Query() query: unknown) {
    const q = parseBody(conversationsQuerySchema, query ?? {}, 'query');
    const workflowId = appWorkflowId(ctx);
    if (q.last_id && !looksLikeId(q.last_id, 'conv')) throw ApiError.notFound('Conversation', q.last_id);
    const page = await this.repository.listForWorkflow(ctx.tenantId, workflowId, { endUser: q.user, lastId: q.last_id, limit: q.limit });
    if (!page) throw ApiError.notFound('Conversation', q.last_id ?? '');
    return { limit: q.limit, has_more: page.hasMore, data: page.conversations.map(difyConversation) };
  }

  @Delete('conversations/:id')
  @RequireScope('runs:write')
  @ApiDoc({
    summary: 'Delete a conversation and its messages (Dify API)',
    tag: 'dify',
    responses: { 200: { description: '`{ "result": "success" }`' } },
    errors: [404],
  })
  async delete(@Ctx() ctx: RequestContext, @Param('id') id: string) {
    const workflowId = appWorkflowId(ctx);
    if (!looksLikeId(id, 'conv') || !(await this.repository.delete(ctx.tenantId, workflowId, id)))
      throw ApiError.notFound('Conversation', id);
    return { result: 'success' };
  }

  @Post('conversations/:id/name')
  @HttpCode(200)
  @RequireScope('runs:write')
  @ApiDoc({
    summary: 'Name a conversation, or have it named from its first question (Dify API)',
    tag: 'dify',
    body: renameSchema,
    responses: { 200: { description: 'Dify’s conversation' } },
    errors: [404],
  })
  async rename(@Ctx() ctx: RequestContext, @Param('id') id: string, @Body() body: unknown) {
    const input = parseBody(renameSchema, body ?? {});
    const conversation = await this.appConversation(ctx, id);
    const name = input.auto_generate ? nameFromQuery(await this.repository.firstQuery(ctx.tenantId, conversation.id)) : (input.name ?? '');
    const renamed = await this.repository.rename(ctx.tenantId, conversation.workflowId, conversation.id, name);
    if (!renamed) throw ApiError.notFound('Conversation', id);
    return difyConversation(renamed);
  }

  @Get('conversations/:id/variables')
  @RequireScope('read')
  @ApiDoc({
    summary: 'A conversation’s variables (Dify API)',
    tag: 'dify',
    responses: { 200: { description: 'Dify’s variable page' } },
    errors: [404],
  })
  async variables(@Ctx() ctx: RequestContext, @Param('id') id: string) {
    const conversation = await this.appConversation(ctx, id);
    const wf = await this.workflows.get(ctx, conversation.workflowId);
    const declared = wf.graph.conversation_variables ?? [];
    const values = (conversation.variables ?? {}) as Record<string, unknown>;
    return {
      limit: declared.length,
      has_more: false,
      data: declared.map((v) => ({
        id: v.id ?? v.name,
        name: v.name,
        value_type: v.value_type,
        value: Object.hasOwn(values, v.name) ? values[v.name] : v.value,
        description: v.description ?? '',
        created_at: unixSeconds(conversation.createdAt),
        updated_at: unixSeconds(conversation.updatedAt),
      })),
    };
  }

  /** A conversation of the app the key is bound to: another app's, or another tenant's, is 404. */
  private async appConversation(ctx: RequestContext, conversationId: string): Promise<ConversationRow> {
    appWorkflowId(ctx);
    return this.conversations.get(ctx, conversationId);
  }
}

/** Dify's blocking chat answer. */
function chatAnswer(run: RunRow) {
  const outputs = (run.outputs ?? {}) as { answer?: unknown };
  return {
    event: 'message',
    task_id: run.id,
    id: run.messageId,
    message_id: run.messageId,
    conversation_id: run.conversationId,
    mode: 'advanced-chat',
    answer: typeof outputs.answer === 'string' ? outputs.answer : '',
    metadata: {
      usage: {
        total_tokens: run.totalTokens,
        total_price: run.totalPrice.toFixed(),
        currency: run.currency,
        latency: (run.elapsedMs ?? 0) / 1000,
      },
      retriever_resources: [],
    },
    created_at: unixSeconds(run.createdAt),
  };
}

function difyConversation(c: ConversationRow) {
  return {
    id: c.id,
    name: c.name,
    inputs: {},
    status: 'normal',
    introduction: '',
    created_at: unixSeconds(c.createdAt),
    updated_at: unixSeconds(c.updatedAt),
  };
}
