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
