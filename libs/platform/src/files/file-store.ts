// Where the bytes of uploaded files live. The Postgres store (file_chunks) works the same in
// standalone (PGlite) and distributed mode; an S3-compatible store can implement this port later,
// the metadata staying in Postgres either way.

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
