// A store switched to (SHOAL_FILE_STORE=fs or s3) over the Postgres one it replaced: new bytes go to
// the new store, and a file the new store does not hold is read from file_chunks, so uploads made
// before the switch stay readable. Removal and the orphan sweep go to both.
import type { FileStore } from './file-store';

export class LayeredFileStore implements FileStore {
  constructor(
    private readonly current: FileStore,
    private readonly previous: FileStore,
  ) {}

  put(tenantId: string, fileId: string, content: readonly Buffer[]): Promise<void> {
    return this.current.put(tenantId, fileId, content);
  }

  async *read(tenantId: string, fileId: string): AsyncIterable<Buffer> {
    let any = false;
    for await (const piece of this.current.read(tenantId, fileId)) {
      any = true;
      yield piece;
    }
    // an empty file reads empty from both
    if (!any) yield* this.previous.read(tenantId, fileId);
  }

  async remove(tenantId: string, fileId: string): Promise<void> {
    await this.current.remove(tenantId, fileId);
    await this.previous.remove(tenantId, fileId);
  }

  async removeOrphans(graceMs: number, now?: number): Promise<number> {
    return (await this.current.removeOrphans(graceMs, now)) + (await this.previous.removeOrphans(graceMs, now));
  }

  /** The stores' own checks at boot (a directory that cannot be written stops the service). */
  async onModuleInit(): Promise<void> {
    for (const s of [this.current, this.previous]) await (s as Partial<{ onModuleInit(): unknown }>).onModuleInit?.();
  }

  /** Closes what the stores hold open (the S3 client's sockets). */
  async onModuleDestroy(): Promise<void> {
    for (const s of [this.current, this.previous]) await (s as Partial<{ onModuleDestroy(): unknown }>).onModuleDestroy?.();
  }
}
