// The request a deployment is sent, built from the caller's: the deployment's model name, the
// provider's endpoint, and the provider's rules checked before any call (a 400 naming the field).
// Every field Shoal does not know passes through untouched, `reasoning_content` in messages included.
import type { Deployment } from '../deployment';
import { deepseekModelOf, retiredModelOf, upstreamModelOf } from './deepseek.models';
import { endpointUrl, strictToolsBaseUrlOf } from './provider-endpoint';
import { RequestRefusedError } from './request-refused.error';

export type ChatBody = Readonly<Record<string, unknown>>;

export interface UpstreamChatRequest {
  readonly url: string;
  readonly body: Record<string, unknown>;
  /** `response_format: json_object`: a blank answer is retried once (DeepSeek may answer one). */
  readonly jsonMode: boolean;
}

export const DEEPSEEK_THINKING_TYPES = ['enabled', 'disabled'] as const;
export const DEEPSEEK_REASONING_EFFORTS = ['low', 'high', 'max'] as const;

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const listOf = (values: readonly string[]): string => values.map((v) => `'${v}'`).join(', ');

function messagesOf(body: ChatBody): ReadonlyArray<Record<string, unknown>> {
  return Array.isArray(body.messages) ? body.messages.filter(isRecord) : [];
}

/** The text of every message, parts included, for the "json" word check. */
function promptText(body: ChatBody): string {
  let text = '';
  for (const m of messagesOf(body)) {
    if (typeof m.content === 'string') text += `${m.content}\n`;
    else if (Array.isArray(m.content))
      for (const part of m.content) if (isRecord(part) && typeof part.text === 'string') text += `${part.text}\n`;
  }
  return text;
}

function isJsonMode(body: ChatBody): boolean {
  return isRecord(body.response_format) && body.response_format.type === 'json_object';
}

function hasStrictTools(body: ChatBody): boolean {
  return Array.isArray(body.tools) && body.tools.some((t) => isRecord(t) && isRecord(t.function) && t.function.strict === true);
}

function checkDeepseek(body: ChatBody, d: Deployment): void {
  if (body.thinking !== undefined && body.thinking !== null) {
    if (!isRecord(body.thinking) || !(DEEPSEEK_THINKING_TYPES as readonly unknown[]).includes(body.thinking.type))
      throw new RequestRefusedError(
        `Invalid value for 'thinking.type': DeepSeek takes ${listOf(DEEPSEEK_THINKING_TYPES)}`,
        'thinking.type',
        'invalid_value',
      );
  }
  const effort = body.reasoning_effort;
  if (effort !== undefined && effort !== null && !(DEEPSEEK_REASONING_EFFORTS as readonly unknown[]).includes(effort))
    throw new RequestRefusedError(
      `Invalid value for 'reasoning_effort': DeepSeek takes ${listOf(DEEPSEEK_REASONING_EFFORTS)}`,
      'reasoning_effort',
      'invalid_value',
    );
  const model = deepseekModelOf(d);
  if (!model) return;
  if (!model.images) {
    messagesOf(body).forEach((m, i) => {
      if (!Array.isArray(m.content)) return;
      m.content.forEach((part, j) => {
        if (isRecord(part) && typeof part.type === 'string' && part.type.startsWith('image'))
          throw new RequestRefusedError(
            `${model.name} does not take images (of DeepSeek's models only deepseek-flash does): remove the image or ask for a model served by deepseek-flash`,
            `messages[${i}].content[${j}]`,
            'image_not_supported',
          );
      });
    });
  }
  for (const field of ['max_tokens', 'max_completion_tokens'] as const) {
    const max = body[field];
    if (typeof max === 'number' && max > model.maxOutputTokens)
      throw new RequestRefusedError(`'${field}' must be at most ${model.maxOutputTokens} for ${model.name}`, field, 'invalid_value');
  }
}

/**
 * @throws RequestRefusedError when the provider would refuse the request for a reason the caller
 * can fix (DeepSeek: an unknown thinking type or reasoning effort, images to a model without
 * vision, JSON mode without the word "json" in the prompt).
 */
export function upstreamChatRequest(body: ChatBody, d: Deployment, stream: boolean): UpstreamChatRequest {
  const jsonMode = isJsonMode(body);
  if (d.provider === 'deepseek') checkDeepseek(body, d);
  // DeepSeek and OpenAI both refuse JSON mode when the prompt never says "json"
  if (jsonMode && d.provider !== 'openai-compatible' && !/json/i.test(promptText(body)))
    throw new RequestRefusedError(
      "JSON mode (response_format: json_object) needs the word 'json' in the prompt: say in a message that the answer is JSON, ideally with an example",
      'messages',
      'json_word_missing',
    );

  const out: Record<string, unknown> = { ...body, model: upstreamModelOf(d) };
  const retired = retiredModelOf(d);
  // the old name chose the thinking mode; the caller's own choice wins
  if (retired?.thinking && (body.thinking === undefined || body.thinking === null)) out.thinking = { type: retired.thinking };
  if (stream) {
    out.stream = true;
    out.stream_options = { ...(isRecord(body.stream_options) ? body.stream_options : {}), include_usage: true };
  } else out.stream = false;

  const strictBase = hasStrictTools(body) ? strictToolsBaseUrlOf(d) : undefined;
  return { url: endpointUrl(strictBase ?? d.baseUrl, d.provider, 'chat/completions'), body: out, jsonMode };
}
