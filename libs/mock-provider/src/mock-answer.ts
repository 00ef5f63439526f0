// The mock provider's deterministic "model": what it answers and how it counts tokens.
// Exported so tests compute the expected answer and usage instead of hard-coding them.
import { mockScriptedTurn, type MockToolCall } from './mock-script';

/** A chat message as the OpenAI API takes it; the `openai` SDK's message params fit this shape. */
export interface MockChatMessage {
  role: string;
  content?: string | ReadonlyArray<MockContentPart> | null;
}

export interface MockContentPart {
  type: string;
  text?: string;
}

export interface MockUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  /** The answer as sent, after any `max_tokens` truncation. */
  answer: string;
  finish_reason: 'stop' | 'length' | 'tool_calls';
  /** A scripted function call (mock-script.ts); `answer` is then ''. */
  tool_calls?: MockToolCall[];
  /** A scripted reasoning_content. */
  reasoning?: string;
}

export const MOCK_ANSWER_PREFIX = 'Mock answer: ';

/** The full (untruncated) answer to a conversation whose last user message is `lastUserMessage`. */
export function mockAnswer(lastUserMessage: string): string {
  return MOCK_ANSWER_PREFIX + lastUserMessage;
}

/** Mock tokens: maximal runs of non-whitespace characters ("a  b\nc" is 3). */
export function mockTokenCount(text: string): number {
  return text.match(/\S+/g)?.length ?? 0;
}

/** The text of a message: string content as is, array content as its text parts joined by "\n". */
export function mockMessageText(message: MockChatMessage): string {
  const { content } = message;
  if (typeof content === 'string') return content;
  if (!content) return '';
  return content
    .filter((part) => part.type === 'text' && typeof part.text === 'string')
    .map((part) => part.text)
    .join('\n');
}

/** The text of the last message with role 'user'; '' when there is none. */
export function mockLastUserMessage(messages: ReadonlyArray<MockChatMessage>): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i].role === 'user') return mockMessageText(messages[i]);
  }
  return '';
}

/**
 * Splits text into one piece per token, each piece carrying the whitespace before its word
 * (trailing whitespace joins the last piece), so the pieces concatenate back to the text.
 * These are the content deltas of a streamed answer.
 */
export function mockWordPieces(text: string): string[] {
  const pieces: string[] = text.match(/\s*\S+/g)?.slice() ?? [];
  const rest = text.slice(pieces.join('').length);
  if (rest) {
    if (pieces.length) pieces[pieces.length - 1] += rest;
    else pieces.push(rest);
  }
  return pieces;
}

/**
 * What the mock answers and reports as usage for `messages`. With `maxTokens` below the
 * answer's token count the answer is cut to its first `maxTokens` words (finish_reason 'length').
 * `answered` replaces the deterministic answer (a test's per-call script, see MockAnswerScript); a
 * script inside the prompt (`<mock-answer>`, `<mock-tool-call>`, see mock-script.ts) replaces it otherwise.
 */
export function mockUsageFor(messages: ReadonlyArray<MockChatMessage>, maxTokens?: number, answered?: string): MockUsage {
  const prompt = messages.reduce((sum, m) => sum + mockTokenCount(mockMessageText(m)), 0);
  const turn = mockScriptedTurn(messages);
  if (turn?.toolCall) {
    const completion = mockTokenCount(turn.toolCall.arguments);
    return {
      prompt_tokens: prompt,
      completion_tokens: completion,
      total_tokens: prompt + completion,
      answer: '',
      finish_reason: 'tool_calls',
      tool_calls: [turn.toolCall],
      ...(turn.reasoning !== undefined ? { reasoning: turn.reasoning } : {}),
    };
  }
  const full = answered ?? (turn ? turn.content : mockAnswer(mockLastUserMessage(messages)));
  const fullTokens = mockTokenCount(full);
  const truncated = maxTokens !== undefined && maxTokens < fullTokens;
  const answer = truncated ? mockWordPieces(full).slice(0, Math.max(0, maxTokens)).join('') : full;
  const completion = truncated ? Math.max(0, maxTokens) : fullTokens;
  return {
    prompt_tokens: prompt,
    completion_tokens: completion,
    total_tokens: prompt + completion,
    answer,
    finish_reason: truncated ? 'length' : 'stop',
    ...(turn?.reasoning !== undefined ? { reasoning: turn.reasoning } : {}),
  };
}
