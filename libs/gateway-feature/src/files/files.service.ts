// Uploads: read as they stream in (bounded), bytes to the FileStore, then the metadata row, so a
// file that can be listed can be read. Also the lookup a run's file inputs are resolved with.
import type { IncomingMessage } from 'node:http';
import { Inject, Injectable, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { looksLikeId, newId } from '@shoal/contracts';
import { ApiError, FILE_STORE, createLogger, type FileStore, type RequestContext } from '@shoal/platform';
import { uploadIdsIn, type UploadedFileLookup } from '@shoal/workflow-dsl';
import { FILE_LIMITS, type FileLimits } from './file-limits';
import { fileContentUrl } from './file.presenter';
import { FilesRepository, type FileRow, type FileScope } from './files.repository';
import { readUpload } from './multipart-upload.reader';

const scopeOf = (ctx: RequestContext): FileScope => ({ tenantId: ctx.tenantId, workflowId: ctx.workflowId });

/** how often a process sweeps orphaned bytes, and how old an upload must be for its bytes to count as orphaned */
const SWEEP_EVERY_MS = 60 * 60 * 1000;
const ORPHAN_GRACE_MS = 60 * 60 * 1000;

@Injectable()
export class FilesService implements OnModuleInit, OnModuleDestroy {
  private readonly log = createLogger('FilesService');
  private uploading = 0;
  private sweeper: NodeJS.Timeout | undefined;

  constructor(
    @Inject(FilesRepository) private readonly files: FilesRepository,
    @Inject(FILE_STORE) private readonly store: FileStore,
    @Inject(FILE_LIMITS) readonly limits: FileLimits,
  ) {}

  onModuleInit(): void {
    // every replica sweeps; the sweep is idempotent, and an hour apart it costs one query
    this.sweeper = setInterval(() => void this.sweepOrphans(), SWEEP_EVERY_MS);
    this.sweeper.unref();
  }

  onModuleDestroy(): void {
    clearInterval(this.sweeper);
  }

  /** Removes the bytes of uploads that crashed between storing them and writing their row. */
  async sweepOrphans(now = Date.now()): Promise<number> {
    try {
      const removed = await this.store.removeOrphans(ORPHAN_GRACE_MS, now);
      if (removed) this.log.info({ removed }, 'removed the bytes of uploads never recorded');
      return removed;
    } catch (err) {
      this.log.warn({ err }, 'could not sweep orphaned upload bytes');
      return 0;
    }
  }

  /**
   * Reads the request's one file (multipart field `file`) and stores it for the caller's tenant
   * (and workflow, for a bound key). `user` is Dify's end user field, kept as who it was uploaded for.
   */
  async upload(ctx: RequestContext, req: IncomingMessage): Promise<FileRow> {
    // each upload in flight is held in memory up to its limit: their number bounds what that takes
    if (this.uploading >= this.limits.maxConcurrentUploads)
      throw new ApiError('upstream_unavailable', 'Too many uploads are in progress; retry shortly', {
        retryAfterSeconds: 1,
        headers: { connection: 'close' },
      });
    this.uploading++;
    try {
      const received = await readUpload(req, { limits: this.limits, textFields: ['user'] });
      const id = newId('file');
      await this.store.put(ctx.tenantId, id, received.content);
      try {
        return await this.files.create(ctx.tenantId, {
          id,
          apiKeyId: ctx.apiKeyId,
          workflowId: ctx.workflowId,
          endUser: received.fields.user?.trim() || null,
          name: received.filename,
          size: received.size,
          extension: received.extension,
          mimeType: received.mimeType,
          kind: received.kind,
          sha256: received.sha256,
        });
      } catch (err) {
        await this.store
          .remove(ctx.tenantId, id)
          .catch((e: unknown) => this.log.warn({ err: e, fileId: id }, 'could not remove the bytes of a file not recorded'));
        throw err;
      }
    } finally {
      this.uploading--;
    }
  }

  async get(ctx: RequestContext, id: string): Promise<FileRow> {
    const file = looksLikeId(id, 'file') ? await this.files.find(scopeOf(ctx), id) : null;
    if (!file) throw ApiError.notFound('File', id);
    return file;
  }

  list(ctx: RequestContext, q: { limit: number; after?: string }) {
    return this.files.list(scopeOf(ctx), q);
  }

  /** The file and its bytes, a piece at a time. */
  async content(ctx: RequestContext, id: string): Promise<{ file: FileRow; body: AsyncIterable<Buffer> }> {
    const file = await this.get(ctx, id);
    return { file, body: this.store.read(ctx.tenantId, file.id) };
  }

  async delete(ctx: RequestContext, id: string): Promise<void> {
    if (!looksLikeId(id, 'file') || !(await this.files.delete(scopeOf(ctx), id))) throw ApiError.notFound('File', id);
    await this.store.remove(ctx.tenantId, id);
  }

  /**
   * The uploads a run's inputs and `files` name, looked up at once among those the caller sees:
   * what validation resolves `local_file` values with (an id it does not find is reported there,
   * naming the input).
   */
  async lookupFor(ctx: RequestContext, inputs: unknown, files?: unknown): Promise<UploadedFileLookup> {
    const ids = uploadIdsIn(inputs, files).filter((id) => looksLikeId(id, 'file'));
    const rows = await this.files.findMany(scopeOf(ctx), ids);
    const byId = new Map(rows.map((f) => [f.id, f]));
    return (id) => {
      const f = byId.get(id);
      return f
        ? {
            id: f.id,
            filename: f.name,
            extension: f.extension,
            mimeType: f.mimeType,
            size: f.size,
            url: fileContentUrl(f.id, this.limits.publicBaseUrl),
          }
        : undefined;
    };
  }
}
