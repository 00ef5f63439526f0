// What an upload request is, for the docs and for the two upload routes (Shoal's and Dify's).
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { DEFAULT_FILE_LIMITS } from './file-limits';
import { FILE_FIELD } from './multipart-upload.reader';

export const uploadBodySchema = z.object({
  [FILE_FIELD]: z
    .string()
    .meta({ contentMediaType: 'application/octet-stream' })
    .describe('the file, as a multipart file part with its filename'),
  user: z.string().max(1024).optional().describe('the end user it is uploaded for (Dify’s `user`)'),
});

const mb = (bytes: number) => `${bytes / (1024 * 1024)} MB`;

export function uploadDescription(): string {
  const d = DEFAULT_FILE_LIMITS;
  return (
    `A multipart/form-data body with the file in the field \`${FILE_FIELD}\`. Dify's kinds and limits (by default; ` +
    `UPLOAD_*_SIZE_LIMIT change them): documents and others ${mb(d.maxBytes)}, images ${mb(d.maxImageBytes)}, ` +
    `audio ${mb(d.maxAudioBytes)}, video ${mb(d.maxVideoBytes)}. Too large: 413; an extension of no kind: 415; no file: 400.`
  );
}

/**
 * Runs the read of an upload's body; if it fails before the body was read to its end, the
 * connection is closed after the answer rather than left to drain an upload nobody will store.
 */
export async function withUploadBody<T>(req: FastifyRequest, reply: FastifyReply, read: () => Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (err) {
    if (!req.raw.readableEnded) reply.header('connection', 'close');
    throw err;
  }
}
