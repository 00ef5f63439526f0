// Reads the one file of a multipart/form-data upload as it streams in: bytes counted against the
// limit of the file's kind, hashed on the way, and nothing read past a hard cap, so a huge or
// endless upload never buffers unbounded. Every refusal names the part of the request at fault.
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import Busboy from '@fastify/busboy';
import { ApiError } from '@shoal/platform';
import { extensionOf, type FileKind } from '@shoal/workflow-dsl';
import { largestUpload, sizeLimitFor, uploadKindOf, type FileLimits } from './file-limits';
import { mimeTypeFor } from './mime-types';

export interface ReceivedUpload {
  filename: string;
  /** lower case, no dot */
  extension: string;
  kind: FileKind;
  mimeType: string;
  size: number;
  sha256: string;
  content: Buffer[];
  /** the text fields the caller asked for, as sent */
  fields: Record<string, string>;
}

export interface UploadReadOptions {
  limits: FileLimits;
  /** text fields taken besides the file (Dify's `user`); others are refused */
  textFields: readonly string[];
}

export const FILE_FIELD = 'file';
/** multipart framing and text fields around the file: what may come besides its bytes */
const FRAMING_SLACK_BYTES = 256 * 1024;
const MAX_FILENAME_LENGTH = 255;
const MAX_FIELD_BYTES = 1024;
const MEDIA_TYPE = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,62}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,62}$/;

const filePath = `body.${FILE_FIELD}`;

/** Refused before a byte is read: the request says it is bigger than any upload may be. */
export function refuseDeclaredOversize(req: IncomingMessage, limits: FileLimits): void {
  const declared = Number(req.headers['content-length']);
  const cap = largestUpload(limits) + FRAMING_SLACK_BYTES;
  if (Number.isFinite(declared) && declared > cap)
    throw tooLarge(`The upload is ${declared} bytes; no file may be over ${largestUpload(limits)} bytes`, true);
}

export function readUpload(req: IncomingMessage, opts: UploadReadOptions): Promise<ReceivedUpload> {
  refuseDeclaredOversize(req, opts.limits);
  const hardCap = largestUpload(opts.limits) + FRAMING_SLACK_BYTES;
  return new Promise<ReceivedUpload>((resolve, reject) => {
    let settled = false;
    let received = 0;
    // the first thing wrong with the request; the rest of it is read and dropped, then this is the answer
    let refusal: ApiError | undefined;
    let file: (Omit<ReceivedUpload, 'fields' | 'sha256'> & { hash: ReturnType<typeof createHash> }) | undefined;
    let files = 0;
    const fields: Record<string, string> = {};
    const refuse = (err: ApiError) => {
      refusal ??= err;
    };
    const fail = (err: ApiError) => {
      if (settled) return;
      settled = true;
      req.unpipe();
      req.off('data', count);
      reject(err);
    };
    const count = (chunk: Buffer) => {
      received += chunk.length;
      // past the cap nothing more is read: the answer closes the connection
      if (received > hardCap) fail(tooLarge(`The upload is over ${largestUpload(opts.limits)} bytes, more than any file may be`, true));
    };

    let parser: ReturnType<typeof Busboy>;
    try {
      parser = Busboy({
        headers: req.headers as Parameters<typeof Busboy>[0]['headers'],
        defCharset: 'utf8',
        limits: { fields: 16, fieldSize: MAX_FIELD_BYTES, fieldNameSize: 100, files: 4, parts: 32, headerPairs: 32, headerSize: 8 * 1024 },
      });
    } catch (err) {
      throw malformed(`The multipart body cannot be read: ${(err as Error).message}`, 'headers.content-type');
    }

    parser.on('file', (field, stream, rawName, _encoding, partType) => {
      // a part cut off mid-way errors on its own stream (an unhandled one would take the process down)
      stream.on('error', (err: Error) => fail(malformed(`The multipart body cannot be read: ${err.message}`, 'body')));
      files++;
      if (field !== FILE_FIELD || files > 1) {
        refuse(
          field !== FILE_FIELD
            ? new ApiError('too_many_files', `Send the file in the form field '${FILE_FIELD}' (got a file in '${field}')`, {
                issues: [{ path: `body.${field}`, message: `is not a field files are taken in; use '${FILE_FIELD}'` }],
              })
            : new ApiError('too_many_files', 'Only one file is allowed per upload', {
                issues: [{ path: filePath, message: 'holds more than one file' }],
              }),
        );
        stream.resume();
        return;
      }
      const filename = (rawName ?? '').split(/[\\/]/).pop()?.trim() ?? '';
      const extension = extensionOf(filename);
      const kind = uploadKindOf(extension, opts.limits);
      // eslint-disable-next-line no-control-regex -- control characters are what is refused
      if (!filename || filename.length > MAX_FILENAME_LENGTH || /[\u0000-\u001f\u007f]/.test(filename)) {
        refuse(
          malformed(
            `The file needs a name of 1 to ${MAX_FILENAME_LENGTH} characters without control characters (the part's filename)`,
            `${filePath}.filename`,
          ),
        );
        stream.resume();
        return;
      }
      if (kind === null) {
        refuse(
          new ApiError(
            'unsupported_file_type',
            `Files of type '${extension || 'none'}' are not taken; send a document, image, audio or video file`,
            {
              issues: [{ path: `${filePath}.filename`, message: `has extension '${extension || 'none'}', which is not allowed` }],
            },
          ),
        );
        stream.resume();
        return;
      }
      const limit = sizeLimitFor(kind, opts.limits);
      const given = (partType ?? '').toLowerCase().split(';')[0].trim();
      // only a plain type/subtype is kept: it is served back as a header
      const mimeType = MEDIA_TYPE.test(given) && given !== 'application/octet-stream' ? given : mimeTypeFor(extension);
      const current = { filename, extension, kind, mimeType, size: 0, content: [] as Buffer[], hash: createHash('sha256') };
      file = current;
      stream.on('data', (chunk: Buffer) => {
        current.size += chunk.length;
        if (current.size > limit) {
          if (!refusal) refuse(tooLarge(`The file is over ${limit} bytes, the limit for ${kind} files`, false));
          current.content = [];
          return;
        }
        current.content.push(chunk);
        current.hash.update(chunk);
      });
    });
    parser.on('field', (name, value, nameTruncated, valueTruncated) => {
      if (!opts.textFields.includes(name) || nameTruncated) {
        refuse(
          malformed(
            `The form field '${name.slice(0, 100)}' is not taken here; send '${FILE_FIELD}'${opts.textFields.map((f) => ` and '${f}'`).join('')}`,
            `body.${name.slice(0, 100)}`,
          ),
        );
        return;
      }
      if (valueTruncated) {
        refuse(malformed(`The form field '${name}' is longer than ${MAX_FIELD_BYTES} bytes`, `body.${name}`));
        return;
      }
      fields[name] = value;
    });
    for (const limit of ['partsLimit', 'filesLimit', 'fieldsLimit'] as const)
      parser.on(limit, () => refuse(malformed('The multipart body has too many parts', 'body')));
    parser.on('error', (err: unknown) => fail(malformed(`The multipart body cannot be read: ${(err as Error).message}`, 'body')));
    parser.on('finish', () => {
      if (settled) return;
      settled = true;
      req.off('data', count);
      if (refusal) return reject(refusal);
      if (!file)
        return reject(
          new ApiError('no_file_uploaded', `No file was uploaded: send it in the multipart form field '${FILE_FIELD}'`, {
            issues: [{ path: filePath, message: 'is required', code: 'required' }],
          }),
        );
      const { hash, ...rest } = file;
      resolve({ ...rest, sha256: hash.digest('hex'), fields });
    });
    req.on('data', count);
    // a client gone (or a request timeout) mid-body: the parser would wait for the rest forever
    req.on('close', () => {
      if (!req.readableEnded) fail(malformed('The upload was cut off before it ended', 'body'));
    });
    req.on('error', () => fail(malformed('The upload was cut off before it ended', 'body')));
    req.pipe(parser);
  });
}

function malformed(message: string, path: string): ApiError {
  return new ApiError('malformed_request', message, { issues: [{ path, message }] });
}

/** `close`: the rest of the body is not read, so the connection cannot carry another request. */
function tooLarge(message: string, close: boolean): ApiError {
  return new ApiError('payload_too_large', message, {
    issues: [{ path: filePath, message: 'is too large' }],
    ...(close ? { headers: { connection: 'close' } } : {}),
  });
}
