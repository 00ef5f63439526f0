// One chatflow run as a turn of its conversation: what the run reads of the conversation (sys.query,
// sys.conversation_id, sys.dialogue_count, its variables, its earlier turns for LLM memory), its text
// streamed as Dify's `message` events, and the turn written once when the run ends.
import { messageReplaceOf, type MessageEndData, type RunEventBody } from '@shoal/contracts';
import type { EventSink, HistoryTurn, RunOutcome } from '@shoal/workflow-runtime';
import type { ConversationTurnsRepository } from './conversation-turns.repository';

export interface ChatRunRow {
  id: string;
  tenantId: string;
  conversationId: string;
  messageId: string;
  query: string;
  createdAt: Date;
}

export class ChatTurn {
  private constructor(
    private readonly repo: ConversationTurnsRepository,
    private readonly run: ChatRunRow,
    readonly sys: Record<string, unknown>,
    readonly variables: Record<string, unknown>,
    readonly history: readonly HistoryTurn[],
  ) {}

  /**
   * Null when the conversation is gone (deleted with its workflow or tenant). Loads `historyTurns` of
   * its newest turns: the widest memory window of the run's LLM nodes (at most Dify's 500), none
   * when no node has memory.
   */
  static async open(repo: ConversationTurnsRepository, run: ChatRunRow, historyTurns: number): Promise<ChatTurn | null> {
    const state = await repo.load(run.tenantId, run.conversationId, run.id, historyTurns);
    if (!state) return null;
    // Dify counts the turn being answered: the first turn of a conversation sees 1
    const sys = { query: run.query, conversation_id: run.conversationId, dialogue_count: state.dialogueCount + 1 };
    return new ChatTurn(repo, run, sys, state.variables, state.history);
  }

  /** The run's text goes out as Dify's chat `message` (and `message_replace`) events rather than text_chunk (text_replace). */
  sink(inner: EventSink): EventSink {
    const { run } = this;
    const message = {
      id: run.messageId,
      message_id: run.messageId,
      conversation_id: run.conversationId,
      created_at: Math.floor(run.createdAt.getTime() / 1000),
    };
    return {
      emit: (body) => {
        if (body.event === 'text_chunk')
          return inner.emit({
            event: 'message',
            data: { ...message, answer: body.data.text, from_variable_selector: body.data.from_variable_selector },
          });
        if (body.event === 'text_replace') return inner.emit(messageReplaceOf(message, body.data.text));
        return inner.emit(body);
      },
    };
  }

  /** Writes the turn and the conversation variables after it; a repeat for the same run writes nothing. */
  async record(outcome: RunOutcome): Promise<void> {
    const { run } = this;
    const tokens = await this.repo.runTokens(run.tenantId, run.id);
    const answer = typeof outcome.outputs.answer === 'string' ? outcome.outputs.answer : '';
    await this.repo.writeTurn(
      run.tenantId,
      {
        runId: run.id,
        messageId: run.messageId,
        conversationId: run.conversationId,
        query: run.query,
        answer,
        status: outcome.status,
        error: outcome.error,
        createdAt: run.createdAt,
        variables: outcome.conversationVariables,
      },
      tokens,
    );
  }

  /** Dify's message_end, for a run that did not fail: the message's usage as billing priced it. */
  async messageEnd(outcome: RunOutcome, price: { total_price: string; currency: string }): Promise<RunEventBody> {
    const { run } = this;
    const tokens = await this.repo.runTokens(run.tenantId, run.id);
    const data: MessageEndData = {
      id: run.messageId,
      message_id: run.messageId,
      conversation_id: run.conversationId,
      metadata: {
        usage: {
          prompt_tokens: tokens.prompt,
          completion_tokens: tokens.completion,
          total_tokens: tokens.total,
          total_price: price.total_price,
          currency: price.currency,
          latency: outcome.elapsedMs / 1000,
        },
        retriever_resources: [],
      },
      files: [],
    };
    return { event: 'message_end', data };
  }
}
