// A chatflow run's conversation, as the engine reads it at the start of a run and writes it at the end.
import { Inject, Injectable } from '@nestjs/common';
import { PrismaClient, type Prisma } from '@shoal/platform';
import type { HistoryTurn } from '@shoal/workflow-runtime';

export interface ConversationState {
  variables: Record<string, unknown>;
  /** turns written before this run */
  dialogueCount: number;
  /** the newest turns before this run, oldest first */
  history: HistoryTurn[];
}

export interface TurnRecord {
  runId: string;
  messageId: string;
  conversationId: string;
  query: string;
  answer: string;
  status: string;
  error: string | null;
  createdAt: Date;
  variables: Record<string, unknown>;
}

export interface RunTokens {
  prompt: number;
  completion: number;
  total: number;
}

@Injectable()
export class ConversationTurnsRepository {
  constructor(@Inject(PrismaClient) private readonly prisma: PrismaClient) {}

  /** The conversation before `runId`'s turn: its variables, its turn count, and up to `maxTurns` of its newest turns. */
  async load(tenantId: string, conversationId: string, runId: string, maxTurns: number): Promise<ConversationState | null> {
    const conversation = await this.prisma.conversation.findFirst({
      where: { id: conversationId, tenantId },
      select: { variables: true, dialogueCount: true },
    });
    if (!conversation) return null;
    const rows =
      maxTurns > 0
        ? await this.prisma.message.findMany({
            where: { tenantId, conversationId, runId: { not: runId } },
            select: { query: true, answer: true },
            orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
            take: maxTurns,
          })
        : [];
    // a resumed run whose turn is already written counts it neither in history nor in the dialogue count
    const written = await this.prisma.message.count({ where: { tenantId, runId } });
    return {
      variables: (conversation.variables ?? {}) as Record<string, unknown>,
      dialogueCount: conversation.dialogueCount - written,
      history: rows.reverse(),
    };
  }

  /**
   * Writes the turn and the conversation's new variables, once per run: a second call for the same run
   * (a run resumed after a crash between this write and the run's end) changes nothing. Returns whether
   * this call wrote it.
   */
  writeTurn(tenantId: string, t: TurnRecord, tokens: RunTokens): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const inserted = await tx.$queryRaw<Array<{ id: string }>>`
        INSERT INTO messages (id, tenant_id, conversation_id, run_id, query, answer, status, error,
          prompt_tokens, completion_tokens, total_tokens, created_at, finished_at)
        VALUES (${t.messageId}, ${tenantId}, ${t.conversationId}, ${t.runId}, ${t.query}, ${t.answer}, ${t.status},
          ${t.error}, ${tokens.prompt}, ${tokens.completion}, ${tokens.total}, ${t.createdAt}, now())
        ON CONFLICT (run_id) DO NOTHING
        RETURNING id`;
      if (inserted.length === 0) return false;
      await tx.conversation.updateMany({
        where: { id: t.conversationId, tenantId },
        data: { variables: t.variables as Prisma.InputJsonValue, dialogueCount: { increment: 1 } },
      });
      return true;
    });
  }

  /** The run's tokens, summed over its node executions. */
  async runTokens(tenantId: string, runId: string): Promise<RunTokens> {
    const sum = await this.prisma.nodeExecution.aggregate({
      where: { tenantId, runId },
      _sum: { promptTokens: true, completionTokens: true, totalTokens: true },
    });
    return { prompt: sum._sum.promptTokens ?? 0, completion: sum._sum.completionTokens ?? 0, total: sum._sum.totalTokens ?? 0 };
  }
}
