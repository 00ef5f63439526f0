// Conversations and their turns, as the gateway reads and starts them. Every query is tenant-scoped.
import { Inject, Injectable } from '@nestjs/common';
import { PrismaClient, Prisma } from '@shoal/platform';

export type ConversationRow = Prisma.ConversationGetPayload<object>;
export type MessageRow = Prisma.MessageGetPayload<object>;
type RunCreate = Omit<Prisma.WorkflowRunUncheckedCreateInput, 'tenantId' | 'status' | 'conversationId'>;

/** Why a run could not start in a conversation. */
export type StartTurnRefusal =
  { refused: 'not_found' } | { refused: 'other_workflow'; workflowId: string } | { refused: 'busy'; runId: string };

@Injectable()
export class ConversationsRepository {
  constructor(@Inject(PrismaClient) private readonly prisma: PrismaClient) {}

  /**
   * Writes the queued run of one turn: in a new conversation when `conversationId` is null, else in
   * that one, if it is this tenant's (and this end user's, when it was started with one), of this
   * workflow, and its last run has finished. The conversation
   * row is locked while this is decided, so two starts in one conversation cannot both pass: one run at
   * a time reads and writes a conversation's variables.
   */
  startTurn(
    tenantId: string,
    turn: { conversationId: string | null; newConversationId: string; workflowId: string; endUser: string | null; run: RunCreate },
  ): Promise<{ run: Prisma.WorkflowRunGetPayload<object>; conversationId: string } | StartTurnRefusal> {
    return this.prisma.$transaction(async (tx) => {
      let conversationId = turn.conversationId;
      if (conversationId === null) {
        conversationId = turn.newConversationId;
        await tx.conversation.create({ data: { id: conversationId, tenantId, workflowId: turn.workflowId, endUser: turn.endUser } });
      } else {
        const rows = await tx.$queryRaw<Array<{ workflow_id: string; last_run_id: string | null; end_user: string | null }>>`
          SELECT workflow_id, last_run_id, end_user FROM conversations WHERE id = ${conversationId} AND tenant_id = ${tenantId} FOR UPDATE`;
        // as Dify: a conversation started for one end user does not exist for another
        if (rows.length === 0 || (rows[0].end_user !== null && rows[0].end_user !== turn.endUser)) return { refused: 'not_found' as const };
        if (rows[0].workflow_id !== turn.workflowId) return { refused: 'other_workflow' as const, workflowId: rows[0].workflow_id };
        const last = rows[0].last_run_id;
        if (last) {
          const lastRun = await tx.workflowRun.findFirst({ where: { id: last, tenantId }, select: { status: true } });
          if (lastRun && (lastRun.status === 'queued' || lastRun.status === 'running')) return { refused: 'busy' as const, runId: last };
        }
      }
      const run = await tx.workflowRun.create({ data: { ...turn.run, tenantId, status: 'queued', conversationId } });
      await tx.conversation.update({ where: { id: conversationId }, data: { lastRunId: run.id } });
      return { run, conversationId };
    });
  }

  find(tenantId: string, conversationId: string): Promise<ConversationRow | null> {
    return this.prisma.conversation.findFirst({ where: { id: conversationId, tenantId } });
  }

  /** Up to `limit` turns older than `beforeId` (or the newest), newest first, and whether there are more. */
  async messages(
    tenantId: string,
    conversationId: string,
    page: { beforeId: string | null; limit: number },
  ): Promise<{ messages: MessageRow[]; hasMore: boolean } | null> {
    let before: { createdAt: Date; id: string } | undefined;
    if (page.beforeId) {
      const anchor = await this.prisma.message.findFirst({
        where: { id: page.beforeId, tenantId, conversationId },
        select: { createdAt: true, id: true },
      });
      if (!anchor) return null;
      before = anchor;
    }
    const rows = await this.prisma.message.findMany({
      where: {
        tenantId,
        conversationId,
        ...(before ? { OR: [{ createdAt: { lt: before.createdAt } }, { createdAt: before.createdAt, id: { lt: before.id } }] } : {}),
      },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: page.limit + 1,
    });
    return { messages: rows.slice(0, page.limit), hasMore: rows.length > page.limit };
  }

  /** A workflow's conversations (optionally one end user's), most recently active first; `lastId` pages on. */
  async listForWorkflow(
    tenantId: string,
    workflowId: string,
    q: { endUser?: string; lastId?: string; limit: number },
  ): Promise<{ conversations: ConversationRow[]; hasMore: boolean } | null> {
    let before: { updatedAt: Date; id: string } | undefined;
    if (q.lastId) {
      const anchor = await this.prisma.conversation.findFirst({
        where: { id: q.lastId, tenantId, workflowId },
        select: { updatedAt: true, id: true },
      });
      if (!anchor) return null;
      before = anchor;
    }
    const rows = await this.prisma.conversation.findMany({
      where: {
        tenantId,
        workflowId,
        ...(q.endUser !== undefined ? { endUser: q.endUser } : {}),
        ...(before ? { OR: [{ updatedAt: { lt: before.updatedAt } }, { updatedAt: before.updatedAt, id: { lt: before.id } }] } : {}),
      },
      orderBy: [{ updatedAt: 'desc' }, { id: 'desc' }],
      take: q.limit + 1,
    });
    return { conversations: rows.slice(0, q.limit), hasMore: rows.length > q.limit };
  }

  /** Deletes a conversation and its messages (runs stay); false when the workflow has no such conversation. */
  async delete(tenantId: string, workflowId: string, conversationId: string): Promise<boolean> {
    const { count } = await this.prisma.conversation.deleteMany({ where: { id: conversationId, tenantId, workflowId } });
    return count > 0;
  }

  /** Names a conversation of the workflow; null when it has none of that id. */
  async rename(tenantId: string, workflowId: string, conversationId: string, name: string): Promise<ConversationRow | null> {
    const { count } = await this.prisma.conversation.updateMany({ where: { id: conversationId, tenantId, workflowId }, data: { name } });
    return count ? this.find(tenantId, conversationId) : null;
  }

  /** The files (sys.files) each of these runs was started with, by run id; runs without any are absent. */
  async runFiles(tenantId: string, runIds: readonly string[]): Promise<Map<string, unknown[]>> {
    if (runIds.length === 0) return new Map();
    const rows = await this.prisma.workflowRun.findMany({
      where: { tenantId, id: { in: [...runIds] }, files: { not: Prisma.DbNull } },
      select: { id: true, files: true },
    });
    return new Map(rows.flatMap((r) => (Array.isArray(r.files) ? [[r.id, r.files as unknown[]] as const] : [])));
  }

  /** The query of the conversation's first turn ('' before any). */
  async firstQuery(tenantId: string, conversationId: string): Promise<string> {
    const first = await this.prisma.message.findFirst({
      where: { tenantId, conversationId },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
      select: { query: true },
    });
    return first?.query ?? '';
  }
}
