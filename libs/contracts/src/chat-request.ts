// What Shoal itself reads of an OpenAI chat completion request (gateway and model-pool): enough to
// route it and fail early. Every other field passes through to the provider untouched. Sampling
// parameters are checked against the ranges OpenAI and DeepSeek accept, so a bad one is refused
// here, with its name, instead of by a provider (or not at all).
import { z } from 'zod';

const between = (min: number, max: number) =>
  z.number().min(min, `must be between ${min} and ${max}`).max(max, `must be between ${min} and ${max}`).nullish();
const positiveInt = z.number().int('must be an integer').positive('must be a positive integer').nullish();

export const chatCompletionRequestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(z.looseObject({ role: z.string().min(1) })).min(1, 'must contain at least one message'),
  stream: z.boolean().optional(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  temperature: between(0, 2),
  top_p: between(0, 1),
  presence_penalty: between(-2, 2),
  frequency_penalty: between(-2, 2),
  max_tokens: positiveInt,
  max_completion_tokens: positiveInt,
  // one answer per request: usage, metering and streaming relay assume a single choice
  n: z.number().int('must be an integer').min(1, 'must be 1').max(1, 'must be 1: Shoal returns one choice per request').nullish(),
});
export type ChatCompletionRequest = z.infer<typeof chatCompletionRequestSchema>;

/**
 * The request as `chatCompletionRequestSchema` parses it (the same object: every field passes
 * through), when it plainly satisfies the schema; otherwise undefined, and the schema decides,
 * naming what is wrong. Every chat is checked; the schema's generic walk copied every message. A
 * property test (chat-request.spec.ts) holds this to the schema.
 */
export function plainChatCompletionRequest(v: unknown): ChatCompletionRequest | undefined {
  if (!isObject(v)) return undefined;
  const r = v as Record<string, unknown>;
  if (typeof r.model !== 'string' || r.model.length === 0) return undefined;
  const messages = r.messages;
  if (!Array.isArray(messages) || messages.length === 0) return undefined;
  for (const m of messages) {
    if (!isObject(m)) return undefined;
    const role = (m as Record<string, unknown>).role;
    if (typeof role !== 'string' || role.length === 0) return undefined;
  }
  if (r.stream !== undefined && typeof r.stream !== 'boolean') return undefined;
  const options = r.stream_options;
  if (options !== undefined && options !== null) {
    if (!isObject(options)) return undefined;
    const include = (options as Record<string, unknown>).include_usage;
    if (include !== undefined && typeof include !== 'boolean') return undefined;
  }
  const ok =
    inRange(r.temperature, 0, 2) &&
    inRange(r.top_p, 0, 1) &&
    inRange(r.presence_penalty, -2, 2) &&
    inRange(r.frequency_penalty, -2, 2) &&
    positive(r.max_tokens) &&
    positive(r.max_completion_tokens) &&
    (r.n === undefined || r.n === null || r.n === 1);
  return ok ? (v as ChatCompletionRequest) : undefined;
}

const isObject = (v: unknown): boolean => typeof v === 'object' && v !== null && !Array.isArray(v);
const inRange = (n: unknown, min: number, max: number): boolean =>
  n === undefined || n === null || (typeof n === 'number' && n >= min && n <= max);
const positive = (n: unknown): boolean => n === undefined || n === null || (Number.isSafeInteger(n) && (n as number) > 0);
