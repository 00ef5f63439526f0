// A provider's JSON answer, read whole (bounded), parsed once for metering, and sent on as its own
// bytes with only the `model` field swapped for the caller's alias.
import type { Readable } from 'node:stream';
import type { ProviderResponse } from './provider-http.client';

export interface JsonAnswer {
  bytes: Buffer;
  parsed: { model?: unknown; usage?: unknown; choices?: unknown };
}

/** far beyond any chat completion; a provider that sends more is broken */
export const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

/** A provider answer that is not what an OpenAI-compatible provider sends: classified as a server error, so failover moves on. */
export class MalformedProviderAnswerError extends Error {
  override readonly name = 'MalformedProviderAnswerError';
  readonly status = 502;
}

/** The response's whole body (at most `maxBytes`), parsed as parseJsonAnswer does. */
export async function readJsonAnswer(res: ProviderResponse, maxBytes = MAX_ANSWER_BYTES): Promise<JsonAnswer> {
  let bytes: Buffer;
  try {
    bytes = await readBounded(res.body, maxBytes);
  } finally {
    res.body.destroy();
  }
  return parseJsonAnswer(bytes);
}

/** A provider's whole answer, parsed once: a JSON object, else MalformedProviderAnswerError. */
export function parseJsonAnswer(bytes: Buffer): JsonAnswer {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new MalformedProviderAnswerError('the provider answered with a body that is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new MalformedProviderAnswerError('the provider answered with JSON that is not a chat completion');
  return { bytes, parsed: parsed as JsonAnswer['parsed'] };
}

/**
 * The body's bytes, at most `maxBytes`, read with its async iterator (which destroys it on a
 * throw). Not with 'data' events: read that way, undici kept each answer's request (its handler,
 * headers and buffers) reachable until after the next scavenge, which promoted all of it to the old
 * generation on every call: a few KB a call for the major collector to find, and longer scavenges
 * (bench/README.md, "Tenth round").
 */
async function readBounded(body: Readable, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new MalformedProviderAnswerError(`the provider's answer is larger than ${maxBytes} bytes`);
    chunks.push(chunk);
  }
  return chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
}

const MODEL_FIELD = /"model"\s*:\s*"(?:[^"\\]|\\.)*"/;

/** The answer's bytes with its `model` naming `alias`: unchanged when it already does. */
export function withAliasModel(answer: JsonAnswer, alias: string): Buffer {
  if (answer.parsed.model === alias || typeof answer.parsed.model !== 'string') return answer.bytes;
  const text = answer.bytes.toString('utf8');
  const model = JSON.stringify(answer.parsed.model);
  // the first `"model": "<what the provider said>"` is the top-level one (it precedes `choices` in every provider's answer)
  const replaced = text.replace(MODEL_FIELD, (whole) => (whole.endsWith(model) ? `"model":${JSON.stringify(alias)}` : whole));
  // a provider that escapes its model name differently: re-serialise, rather than answer with the wrong name
  return replaced === text ? Buffer.from(JSON.stringify({ ...answer.parsed, model: alias })) : Buffer.from(replaced, 'utf8');
}
