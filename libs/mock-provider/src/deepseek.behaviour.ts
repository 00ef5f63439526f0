// What the mock does for a `deepseek-*` model, as DeepSeek's API does in November 2026: retired
// names refused, parameters checked, thinking on by default (reasoning_content, in messages and
// stream deltas, and required back on a tool-call turn), prompt cache hit/miss usage, JSON mode's
// word check, strict tool schemas only on the /beta base URL.
import { mockLastUserMessage, mockMessageText, mockTokenCount, type MockChatMessage, type MockUsage } from './mock-answer';
import { openAiError, type OpenAiErrorBody } from './openai-error';

export const isDeepseekModel = (model: string): boolean => model.startsWith('deepseek-');

const RETIRED = ['deepseek-chat', 'deepseek-reasoner'];
const IMAGES = ['deepseek-flash'];
const THINKING = ['enabled', 'disabled'];
const EFFORTS = ['low', 'high', 'max'];
export const MOCK_REASONING_PREFIX = 'Reasoning about: ';

type Body = Record<string, unknown> & { model: string; messages: ReadonlyArray<MockChatMessage & Record<string, unknown>> };
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const bad = (message: string, param: string | null = null): { status: number; body: OpenAiErrorBody } => ({
  status: 400,
  body: openAiError(message, 'invalid_request_error', param, 'invalid_request_error'),
});

export function thinkingEnabled(body: Body): boolean {
  return !(isRecord(body.thinking) && body.thinking.type === 'disabled');
}

/** DeepSeek's 400 for this request, or undefined. `beta`: it came to the /beta base URL. */
export function deepseekRefusal(body: Body, beta: boolean): { status: number; body: OpenAiErrorBody } | undefined {
  if (RETIRED.includes(body.model))
    return bad(`Model ${body.model} was retired on 2026-07-24: use deepseek-flash or deepseek-v4-pro`, 'model');
  if (body.thinking !== undefined && !(isRecord(body.thinking) && THINKING.includes(body.thinking.type as string)))
    return bad('thinking.type must be enabled or disabled', 'thinking');
  if (body.reasoning_effort !== undefined && !EFFORTS.includes(body.reasoning_effort as string))
    return bad('reasoning_effort must be low, high or max', 'reasoning_effort');
  const images = body.messages.some((m) => Array.isArray(m.content) && m.content.some((p) => p.type.startsWith('image')));
  if (images && !IMAGES.includes(body.model)) return bad(`${body.model} does not support image input`, 'messages');
  if (isRecord(body.response_format) && body.response_format.type === 'json_object') {
    if (!body.messages.some((m) => /json/i.test(mockMessageText(m))))
      return bad("Prompt must contain the word 'json' in some form to use 'response_format' of type 'json_object'", 'messages');
  }
  const strict = Array.isArray(body.tools) && body.tools.some((t) => isRecord(t) && isRecord(t.function) && t.function.strict === true);
  if (strict && !beta)
    return bad('strict mode for tools is only available on the beta endpoint (base_url=https://api.deepseek.com/beta)', 'tools');
  if (thinkingEnabled(body)) {
    // in thinking mode every assistant tool-call turn since the last user message must carry its reasoning back
    const lastUser = body.messages.map((m) => m.role).lastIndexOf('user');
    const missing = body.messages.findIndex(
      (m, i) => i > lastUser && m.role === 'assistant' && Array.isArray(m.tool_calls) && typeof m.reasoning_content !== 'string',
    );
    if (missing >= 0)
      return bad(
        `Missing \`reasoning_content\` field in the assistant message at message index ${missing}: in thinking mode it must be passed back on tool-call turns`,
        `messages[${missing}].reasoning_content`,
      );
  }
  return undefined;
}

export interface DeepseekShape {
  usage: MockUsage;
  /** The reasoning_content sent before the answer (thinking mode). */
  reasoning?: string;
  /** Prompt tokens served from DeepSeek's context cache: every message but the last (a repeated prefix). */
  cacheHitTokens: number;
}

/**
 * The answer DeepSeek gives: reasoning in thinking mode, a JSON object in JSON mode, `blank` (empty
 * or whitespace content) when asked to be.
 */
export function deepseekShape(body: Body, usage: MockUsage, blank: string | undefined): DeepseekShape {
  const json = isRecord(body.response_format) && body.response_format.type === 'json_object';
  const answer = blank ?? (json ? JSON.stringify({ answer: usage.answer }) : usage.answer);
  const reasoning = thinkingEnabled(body) ? `${MOCK_REASONING_PREFIX}${mockLastUserMessage(body.messages)}` : undefined;
  const completion = mockTokenCount(answer) + (reasoning ? mockTokenCount(reasoning) : 0);
  const last = body.messages[body.messages.length - 1];
  const cacheHitTokens = Math.max(0, usage.prompt_tokens - mockTokenCount(last ? mockMessageText(last) : ''));
  return {
    usage: { ...usage, answer, completion_tokens: completion, total_tokens: usage.prompt_tokens + completion },
    reasoning,
    cacheHitTokens,
  };
}
