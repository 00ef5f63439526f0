import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { ApiError, type RequestContext } from '@shoal/platform';
import { DEFAULT_FILE_LIMITS } from './file-limits';
import type { FileStore } from '@shoal/platform';
import type { FileRow, FilesRepository } from './files.repository';
import { FilesService } from './files.service';

const ctx: RequestContext = { tenantId: 'ten_a', apiKeyId: 'key_a', scopes: ['admin'], workflowId: null };
const BOUNDARY = 'SvcBoundary';

function pendingUpload() {
  const body = new PassThrough();
  Object.assign(body, { headers: { 'content-type': `multipart/form-data; boundary=${BOUNDARY}` } });
  body.write(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\n`);
  return {
    req: body as unknown as IncomingMessage,
    finish: () => body.end(`abc\r\n--${BOUNDARY}--\r\n`),
  };
}

function service() {
  const stored: string[] = [];
  const rows: FileRow[] = [];
  const store: FileStore = {
    put: async (_t, id) => void stored.push(id),
    read: async function* () {
      yield* [];
    },
    remove: async (_t, id) => void stored.splice(stored.indexOf(id), 1),
    removeOrphans: async () => 0,
  };
  const repo = {
    create: async (tenantId: string, row: Omit<FileRow, 'tenantId' | 'createdAt'>) => {
      const r = { ...row, tenantId, createdAt: new Date() } as FileRow;
      rows.push(r);
      return r;
    },
  } as unknown as FilesRepository;
  return { files: new FilesService(repo, store, { ...DEFAULT_FILE_LIMITS, maxConcurrentUploads: 2 }), stored, rows };
}

describe('FilesService.upload', () => {
  it('reads at most maxConcurrentUploads at once: one more is a 503 with Retry-After, and the slot frees when one ends', async () => {
    const { files, rows } = service();
    const a = pendingUpload();
    const b = pendingUpload();
    const first = files.upload(ctx, a.req);
    const second = files.upload(ctx, b.req);
    const refused = await files.upload(ctx, pendingUpload().req).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ApiError);
    expect([(refused as ApiError).status, (refused as ApiError).opts.retryAfterSeconds]).toEqual([503, 1]);
    a.finish();
    await first;
    const c = pendingUpload();
    const third = files.upload(ctx, c.req);
    b.finish();
    c.finish();
    await Promise.all([second, third]);
    expect(rows.map((r) => [r.name, r.size, r.tenantId, r.apiKeyId])).toEqual([
      ['a.txt', 3, 'ten_a', 'key_a'],
      ['a.txt', 3, 'ten_a', 'key_a'],
      ['a.txt', 3, 'ten_a', 'key_a'],
    ]);
  });

  it('removes the stored bytes when the metadata row cannot be written', async () => {
    const { files, stored } = service();
    (files as unknown as { files: { create: () => Promise<never> } }).files.create = () => Promise.reject(new Error('db down'));
    const u = pendingUpload();
    const done = files.upload(ctx, u.req).catch((e: unknown) => e);
    u.finish();
    expect(((await done) as Error).message).toBe('db down');
    expect(stored).toEqual([]);
  });
});
