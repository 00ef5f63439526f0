// Where the bytes of uploaded files (and files nodes store) live: Postgres (file_chunks), a
// directory (a shared volume when distributed) or an S3-compatible bucket, chosen by
// SHOAL_FILE_STORE (file-store.settings.ts). The metadata row stays in Postgres in every case.

export interface FileStore {
  /** Stores a file's bytes under its id; it is not yet visible (its metadata row is written after). */
  put(tenantId: string, fileId: string, content: readonly Buffer[]): Promise<void>;
  /** The bytes in order, a piece at a time; empty when the store holds nothing for that id. */
  read(tenantId: string, fileId: string): AsyncIterable<Buffer>;
  remove(tenantId: string, fileId: string): Promise<void>;
  /**
   * Removes bytes no file row names, of uploads begun over `graceMs` ago: what a crash between
   * storing the bytes and writing the row leaves. Answers how many files' bytes went.
   */
  removeOrphans(graceMs: number, now?: number): Promise<number>;
}

export const FILE_STORE = Symbol('FILE_STORE');

/**
 * Which files have a metadata row: what the directory and bucket stores ask before they remove
 * bytes as orphans (the Postgres store asks its own tables). Tenant-scoped, as every file query is.
 */
export interface FileRecords {
  /** Those of `fileIds` that the tenant has a file row for. */
  recorded(tenantId: string, fileIds: readonly string[]): Promise<Set<string>>;
}

/** A tenant or file id a store refuses: it could name a path or key outside the tenant's own. */
export class InvalidFileStoreIdError extends Error {
  constructor(what: 'tenant' | 'file') {
    super(`not a valid ${what} id for the file store`);
    this.name = 'InvalidFileStoreIdError';
  }
}

// letters, digits, '_' and '-' only (every Shoal id is of that form): no '/', no '.', no NUL, so an id
// is one path segment or key segment, never `..`, and never a hidden or temporary file's name
const SAFE_ID = /^[0-9A-Za-z][0-9A-Za-z_-]{1,127}$/;

export const isSafeStoreId = (id: string): boolean => SAFE_ID.test(id);

/** Throws unless both ids are safe to use as path and key segments. */
export function assertStoreIds(tenantId: string, fileId: string): void {
  if (!SAFE_ID.test(tenantId)) throw new InvalidFileStoreIdError('tenant');
  if (!SAFE_ID.test(fileId)) throw new InvalidFileStoreIdError('file');
}
