// What Shoal itself reads of an OpenAI chat completion request (gateway and model-pool): enough to
// route it and fail early. Every other field passes through to the provider untouched.
import { z } from 'zod';

export const chatCompletionRequestSchema = z.looseObject({
  model: z.string().min(1),
  messages: z.array(z.looseObject({ role: z.string().min(1) })).min(1, 'must contain at least one message'),
  stream: z.boolean().optional(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
});
export type ChatCompletionRequest = z.infer<typeof chatCompletionRequestSchema>;
