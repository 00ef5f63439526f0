// The text a run streams and how a client holds it: ordinary pieces (text_chunk on workflow streams,
// message on chatflow streams) are appended; a replace (Dify's text_replace / message_replace) sets
// the whole text. A resumed run whose re-run LLM answered otherwise than the attempt before it sends
// a replace, so a client that applies both holds exactly the run's answer.
import type { MessageData, RunEventBody } from './run-events';

/** Why a message_replace was sent: the run was resumed after a crash and its text changed. */
export const RESUMED_REPLACE_REASON = 'resumed';

/** Dify's text_replace (workflow streams): the text the client should now hold, whole. */
export function textReplaceOf(text: string): RunEventBody {
  return { event: 'text_replace', data: { text } };
}

/** Dify's message_replace (chatflow streams): the answer the client should now hold, whole. */
export function messageReplaceOf(message: Omit<MessageData, 'answer' | 'from_variable_selector'>, answer: string): RunEventBody {
  return {
    event: 'message_replace',
    data: {
      id: message.id,
      message_id: message.message_id,
      conversation_id: message.conversation_id,
      answer,
      reason: RESUMED_REPLACE_REASON,
      created_at: message.created_at,
    },
  };
}

/** The text a client holds after `held` and one more event (events that carry no text leave it). */
export function applyStreamedText(held: string, e: RunEventBody): string {
  switch (e.event) {
    case 'text_chunk':
      return held + e.data.text;
    case 'message':
      return held + e.data.answer;
    case 'text_replace':
      return e.data.text;
    case 'message_replace':
      return e.data.answer;
    default:
      return held;
  }
}
