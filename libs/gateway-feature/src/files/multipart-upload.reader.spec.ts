import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { ApiError } from '@shoal/platform';
import { DEFAULT_FILE_LIMITS, type FileLimits } from './file-limits';
import { readUpload } from './multipart-upload.reader';

const BOUNDARY = 'UnitBoundary42';
const LIMITS: FileLimits = { ...DEFAULT_FILE_LIMITS, maxBytes: 1000, maxImageBytes: 100, maxAudioBytes: 1000, maxVideoBytes: 1000 };

/** A request whose body is written by the test, chunk by chunk (no Content-Length: chunked). */
function request(headers: Record<string, string> = {}) {
  const body = new PassThrough();
  let read = 0;
  body.on('data', (c: Buffer) => (read += c.length));
  Object.assign(body, { headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}`, ...headers } });
  return { req: body as unknown as IncomingMessage, body, bytesRead: () => read };
}

const part = (name: string, content: string | Buffer, field = 'file') =>
  Buffer.concat([
    Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="${field}"; filename="${name}"\r\nContent-Type: text/plain\r\n\r\n`),
    Buffer.from(content),
    Buffer.from('\r\n'),
  ]);
const end = Buffer.from(`--${BOUNDARY}--\r\n`);

async function refusal(p: Promise<unknown>): Promise<ApiError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(err)}`);
  return err;
}

describe('readUpload', () => {
  it('reads the file, its kind, size and SHA-256, and the text fields asked for', async () => {
    const { req, body } = request();
    const reading = readUpload(req, { limits: LIMITS, textFields: ['user'] });
    body.end(
      Buffer.concat([
        Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="user"\r\n\r\nu-1\r\n`),
        part('Notes.MD', 'hello world'),
        end,
      ]),
    );
    const got = await reading;
    expect({ ...got, content: Buffer.concat(got.content).toString() }).toEqual({
      filename: 'Notes.MD',
      extension: 'md',
      kind: 'document',
      mimeType: 'text/plain',
      size: 11,
      sha256: createHash('sha256').update('hello world').digest('hex'),
      content: 'hello world',
      fields: { user: 'u-1' },
    });
  });

  it('keeps a plain media type the part gives, and takes the extension’s for anything else', async () => {
    const typed = async (partType: string, name = 'a.pdf') => {
      const { req, body } = request();
      const reading = readUpload(req, { limits: LIMITS, textFields: [] });
      body.end(
        Buffer.concat([
          Buffer.from(
            `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="${name}"\r\nContent-Type: ${partType}\r\n\r\nx\r\n`,
          ),
          end,
        ]),
      );
      return (await reading).mimeType;
    };
    expect(await typed('Application/PDF; charset=binary')).toBe('application/pdf');
    expect(await typed('application/octet-stream', 'a.docx')).toBe(
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    );
    expect(await typed('text/pl\u0001ain')).toBe('application/pdf');
    expect(await typed('"><script>/x')).toBe('application/pdf');
  });

  it('refuses a file over its kind’s limit with 413 after reading the rest, keeping none of it', async () => {
    const { req, body } = request();
    const reading = readUpload(req, { limits: LIMITS, textFields: [] });
    body.end(Buffer.concat([part('photo.png', Buffer.alloc(101)), end]));
    const err = await refusal(reading);
    expect([err.status, err.message, err.opts.issues, err.opts.headers]).toEqual([
      413,
      'The file is over 100 bytes, the limit for image files',
      [{ path: 'body.file', message: 'is too large' }],
      undefined,
    ]);
    // the same bytes as a document are within its limit
    const doc = request();
    const ok = readUpload(doc.req, { limits: LIMITS, textFields: [] });
    doc.body.end(Buffer.concat([part('photo.txt', Buffer.alloc(101)), end]));
    expect((await ok).size).toBe(101);
  });

  it('stops reading a body without a length at the hard cap, and says to close the connection', async () => {
    const { req, body, bytesRead } = request();
    const reading = readUpload(req, { limits: LIMITS, textFields: [] });
    body.write(part('endless.txt', '').subarray(0, -2));
    // far more than the largest limit plus the framing slack, written as a client keeps sending
    const chunk = Buffer.alloc(64 * 1024);
    for (let i = 0; i < 8 && bytesRead() < 600 * 1024; i++) {
      body.write(chunk);
      await new Promise((r) => setImmediate(r));
    }
    const err = await refusal(reading);
    expect([err.status, err.opts.headers]).toEqual([413, { connection: 'close' }]);
    const at = bytesRead();
    body.write(chunk);
    await new Promise((r) => setImmediate(r));
    expect(bytesRead()).toBe(at); // nothing more is read
  });

  it('ends when the client goes away mid-body, rather than waiting for the rest', async () => {
    const { req, body } = request();
    const reading = readUpload(req, { limits: LIMITS, textFields: [] });
    body.write(part('a.txt', 'half').subarray(0, -6));
    await new Promise((r) => setImmediate(r));
    body.destroy();
    const err = await refusal(reading);
    expect([err.status, err.message]).toEqual([400, 'The upload was cut off before it ended']);
  });

  it('refuses a declared length over the cap before reading anything', async () => {
    const { req, bytesRead } = request({ 'content-length': String(10 * 1024 * 1024) });
    const err = await refusal(Promise.resolve().then(() => readUpload(req, { limits: LIMITS, textFields: [] })));
    expect([err.status, err.opts.headers, bytesRead()]).toEqual([413, { connection: 'close' }, 0]);
  });

  it('names what is wrong: no file, two files, another field, an unknown extension, a bad name, a field too long', async () => {
    const cases: Array<[Buffer, string, string]> = [
      [
        Buffer.concat([Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="user"\r\n\r\nu\r\n`), end]),
        'no_file_uploaded',
        'body.file',
      ],
      [Buffer.concat([part('a.txt', 'a'), part('b.txt', 'b'), end]), 'too_many_files', 'body.file'],
      [Buffer.concat([part('a.txt', 'a', 'upload'), end]), 'too_many_files', 'body.upload'],
      [Buffer.concat([part('tool.exe', 'MZ'), end]), 'unsupported_file_type', 'body.file.filename'],
      [Buffer.concat([part('bad\u0007name.txt', 'x'), end]), 'malformed_request', 'body.file.filename'],
      [
        Buffer.concat([
          Buffer.from(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="user"\r\n\r\n${'u'.repeat(2000)}\r\n`),
          part('a.txt', 'a'),
          end,
        ]),
        'malformed_request',
        'body.user',
      ],
      [Buffer.concat([part('a.txt', 'cut off')]).subarray(0, -4), 'malformed_request', 'body'],
    ];
    for (const [bytes, code, path] of cases) {
      const { req, body } = request();
      const reading = readUpload(req, { limits: LIMITS, textFields: ['user'] });
      body.end(bytes);
      const err = await refusal(reading);
      expect([code, path]).toEqual([err.code, err.opts.issues?.[0].path]);
    }
  });

  it('refuses a multipart type without a boundary as the content type’s fault', async () => {
    const { req } = request({ 'content-type': 'multipart/form-data' });
    const err = await refusal(Promise.resolve().then(() => readUpload(req, { limits: LIMITS, textFields: [] })));
    expect([err.status, err.opts.issues?.[0].path]).toEqual([400, 'headers.content-type']);
  });
});
