// Conversations and their messages as the API shows them: Dify's field names, Shoal's ISO timestamps.
import type { ConversationRow, MessageRow } from './conversations.repository';

export function presentConversation(c: ConversationRow) {
  return {
    id: c.id,
    object: 'conversation',
    workflow_id: c.workflowId,
    name: c.name,
    user: c.endUser,
    variables: c.variables,
    dialogue_count: c.dialogueCount,
    created_at: c.createdAt.toISOString(),
    updated_at: c.updatedAt.toISOString(),
  };
}

export function presentMessage(m: MessageRow) {
  return {
    id: m.id,
    object: 'message',
    conversation_id: m.conversationId,
    run_id: m.runId,
    query: m.query,
    answer: m.answer,
    status: m.status,
    error: m.error,
    usage: { prompt_tokens: m.promptTokens, completion_tokens: m.completionTokens, total_tokens: m.totalTokens },
    created_at: m.createdAt.toISOString(),
    finished_at: m.finishedAt.toISOString(),
  };
}

/** A page of messages as Dify's GET /messages answers: the page in chronological order, and whether older ones remain. */
export function presentMessagePage(page: { messages: MessageRow[]; hasMore: boolean }, limit: number) {
  return { object: 'list', limit, has_more: page.hasMore, data: [...page.messages].reverse().map(presentMessage) };
}
