// The mock's `/v1/embeddings`: a deterministic vector per input (a hash of its text, so equal
// inputs get equal vectors), OpenAI's response shape and usage.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { mockTokenCount } from './mock-answer';

export const embeddingsRequestSchema = z.looseObject({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(z.string()).min(1), z.array(z.number().int()).min(1), z.array(z.array(z.number().int())).min(1)]),
  encoding_format: z.enum(['float', 'base64']).optional(),
  dimensions: z.number().int().positive().max(4096).optional(),
});
export type EmbeddingsRequest = z.infer<typeof embeddingsRequestSchema>;

/** Dimensions of a mock vector when the request does not ask for a number. */
export const MOCK_EMBEDDING_DIMENSIONS = 8;

/** The mock's vector of `text`: unit length, deterministic. */
export function mockEmbedding(text: string, dimensions = MOCK_EMBEDDING_DIMENSIONS): number[] {
  const out: number[] = [];
  for (let block = 0; out.length < dimensions; block++) {
    const digest = createHash('sha256').update(`${block}:${text}`).digest();
    for (let i = 0; i + 1 < digest.length && out.length < dimensions; i += 2) out.push(digest.readUInt16BE(i) / 32767.5 - 1);
  }
  const norm = Math.hypot(...out) || 1;
  // float32 values, so a float answer and a base64 one (float32 bytes) decode to the same vector
  return out.map((v) => Math.fround(v / norm));
}

function inputs(input: EmbeddingsRequest['input']): string[] {
  if (typeof input === 'string') return [input];
  // token arrays are embedded by their numbers' text
  return (input as unknown[]).map((item) => (typeof item === 'string' ? item : Array.isArray(item) ? item.join(' ') : String(item)));
}

export function embeddingsAnswer(req: EmbeddingsRequest): object {
  const texts = Array.isArray(req.input) && req.input.every((i) => typeof i === 'number') ? [req.input.join(' ')] : inputs(req.input);
  const tokens = texts.reduce((sum, t) => sum + mockTokenCount(t), 0);
  return {
    object: 'list',
    model: req.model,
    data: texts.map((text, index) => {
      const vector = mockEmbedding(text, req.dimensions);
      return {
        object: 'embedding',
        index,
        embedding: req.encoding_format === 'base64' ? Buffer.from(new Float32Array(vector).buffer).toString('base64') : vector,
      };
    }),
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}
