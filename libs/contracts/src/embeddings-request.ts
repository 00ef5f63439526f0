// What Shoal reads of an OpenAI embeddings request (gateway and model-pool): the model, and the
// input, bounded in count and size so one request cannot hold a replica. Other fields pass through.
import { z } from 'zod';

/** Inputs in one request (OpenAI's own limit). */
export const MAX_EMBEDDING_INPUTS = 2048;
/** Characters (or token ids) in one input. */
export const MAX_EMBEDDING_INPUT_LENGTH = 100_000;
/** Characters (or token ids) over all inputs of one request. */
export const MAX_EMBEDDING_TOTAL_LENGTH = 2_000_000;

const text = z
  .string()
  .min(1, 'must not be empty')
  .max(MAX_EMBEDDING_INPUT_LENGTH, `must be at most ${MAX_EMBEDDING_INPUT_LENGTH} characters`);
const tokens = z
  .array(z.number().int('must be integer token ids').nonnegative('must be token ids'))
  .min(1, 'must not be empty')
  .max(MAX_EMBEDDING_INPUT_LENGTH, `must be at most ${MAX_EMBEDDING_INPUT_LENGTH} tokens`);
const many = <T extends z.ZodType>(item: T) =>
  z.array(item).min(1, 'must contain at least one input').max(MAX_EMBEDDING_INPUTS, `must contain at most ${MAX_EMBEDDING_INPUTS} inputs`);

function totalLength(input: string | number[] | string[] | number[][]): number {
  if (typeof input === 'string') return input.length;
  let n = 0;
  for (const item of input) n += typeof item === 'number' ? 1 : item.length;
  return n;
}

export const embeddingsRequestSchema = z
  .looseObject({
    model: z.string().min(1),
    input: z.union([text, tokens, many(text), many(tokens)]),
    encoding_format: z.enum(['float', 'base64']).optional(),
    dimensions: z.number().int('must be an integer').positive('must be a positive integer').max(16_384).optional(),
    user: z.string().max(256).optional(),
  })
  .refine((b) => totalLength(b.input) <= MAX_EMBEDDING_TOTAL_LENGTH, {
    path: ['input'],
    message: `must total at most ${MAX_EMBEDDING_TOTAL_LENGTH} characters (or token ids) over all inputs`,
  });
export type EmbeddingsRequest = z.infer<typeof embeddingsRequestSchema>;
