// The directory FileStore: a file's bytes as one file, `<root>/<tenant>/<shard>/<file id>`, the shard
// being the id's last two characters (its random end) so no directory grows past about a thousandth
// of a tenant's files. Written to a temporary name beside it, flushed, then renamed: a crash leaves a
// temporary file (swept as an orphan), never half a file under the final name. Standalone keeps it
// under SHOAL_DATA_DIR; distributed services share one volume (Compose, Kubernetes).
import { randomBytes } from 'node:crypto';
import { access, constants, mkdir, open, readdir, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { assertStoreIds, isSafeStoreId, type FileRecords, type FileStore } from './file-store';
import { idTime, unrecorded } from './orphans';

/** bytes per piece read */
const READ_PIECE_BYTES = 256 * 1024;
const TMP_PREFIX = '.tmp-';

export interface FsFileStoreOptions {
  /** entries (files, temporary files) one sweep looks at before it stops; the next sweep goes on from there */
  maxSweepEntries?: number;
  /** orphans one sweep removes at most */
  maxSweepRemovals?: number;
}

export class FsFileStore implements FileStore {
  private readonly maxSweepEntries: number;
  private readonly maxSweepRemovals: number;
  /** `<tenant>/<shard>` the last sweep stopped after; '' from the start */
  private sweepCursor = '';

  constructor(
    private readonly root: string,
    private readonly records: FileRecords,
    o: FsFileStoreOptions = {},
  ) {
    this.root = path.resolve(root);
    this.maxSweepEntries = o.maxSweepEntries ?? 100_000;
    this.maxSweepRemovals = o.maxSweepRemovals ?? 1000;
  }

  /** At boot: the directory exists (made when missing) and this process may write it, or the service does not start. */
  async onModuleInit(): Promise<void> {
    try {
      await mkdir(this.root, { recursive: true, mode: 0o700 });
      await access(this.root, constants.R_OK | constants.W_OK | constants.X_OK);
    } catch (err) {
      throw new Error(`the file store directory ${this.root} cannot be used: ${(err as Error).message}`, { cause: err });
    }
  }

  async put(tenantId: string, fileId: string, content: readonly Buffer[]): Promise<void> {
    const final = this.pathOf(tenantId, fileId);
    const dir = path.dirname(final);
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const tmp = path.join(dir, `${TMP_PREFIX}${fileId}-${randomBytes(6).toString('hex')}`);
    let fh: FileHandle | undefined = await open(tmp, 'wx', 0o600);
    try {
      await fh.writeFile(content);
      // on disk before the rename, so the name never points at bytes a power cut could lose
      await fh.sync();
      await fh.close();
      fh = undefined;
      await rename(tmp, final);
    } catch (err) {
      await fh?.close().catch(() => undefined);
      await unlink(tmp).catch(() => undefined);
      throw err;
    }
    await syncDir(dir);
  }

  async *read(tenantId: string, fileId: string): AsyncIterable<Buffer> {
    const file = this.pathOf(tenantId, fileId);
    let fh: FileHandle;
    try {
      fh = await open(file, 'r');
    } catch (err) {
      if (isMissing(err)) return;
      throw err;
    }
    try {
      for (;;) {
        const piece = Buffer.allocUnsafe(READ_PIECE_BYTES);
        const { bytesRead } = await fh.read(piece, 0, piece.length, null);
        if (bytesRead === 0) return;
        yield bytesRead === piece.length ? piece : piece.subarray(0, bytesRead);
      }
    } finally {
      await fh.close();
    }
  }

  async remove(tenantId: string, fileId: string): Promise<void> {
    await unlink(this.pathOf(tenantId, fileId)).catch((err: unknown) => {
      if (!isMissing(err)) throw err;
    });
  }

  /**
   * A sweep over every tenant's directory: it removes files no row names and temporary files a crash
   * left, once past the grace. Bounded per call (entries looked at, removals); a call that stops
   * early leaves a cursor, and the next goes on after it, so the whole tree is covered in turn.
   */
  async removeOrphans(graceMs: number, now = Date.now()): Promise<number> {
    let examined = 0;
    let removed = 0;
    const shards = await this.shardsAfter(this.sweepCursor);
    for (const { tenantId, shard } of shards) {
      const dir = path.join(this.root, tenantId, shard);
      const names = await readdir(dir).catch((err: unknown) => (isMissing(err) ? [] : Promise.reject(err)));
      const stale: string[] = [];
      for (const name of names) {
        examined++;
        const file = path.join(dir, name);
        if (name.startsWith(TMP_PREFIX)) {
          // a write that never reached its rename: its own time is all there is
          const mtime = await mtimeOf(file);
          if (mtime !== null && mtime < now - graceMs && (await removeQuietly(file))) removed++;
        } else if (isSafeStoreId(name)) {
          // an upload in progress has its bytes stored and its row not yet written: its id's time says when it began
          const began = idTime(name) ?? (await mtimeOf(file));
          if (began !== null && began < now - graceMs) stale.push(name);
        }
      }
      for (const id of await unrecorded(this.records, tenantId, stale)) {
        if (removed >= this.maxSweepRemovals) break;
        if (await removeQuietly(path.join(dir, id))) removed++;
      }
      this.sweepCursor = `${tenantId}/${shard}`;
      if (examined >= this.maxSweepEntries || removed >= this.maxSweepRemovals) return removed;
    }
    this.sweepCursor = '';
    return removed;
  }

  /** Every `<tenant>/<shard>` directory, in order, after the cursor. */
  private async shardsAfter(cursor: string): Promise<Array<{ tenantId: string; shard: string }>> {
    const out: Array<{ tenantId: string; shard: string }> = [];
    const [afterTenant = '', afterShard = ''] = cursor.split('/');
    const tenants = (await readdir(this.root).catch((err: unknown) => (isMissing(err) ? [] : Promise.reject(err))))
      .filter((t) => isSafeStoreId(t) && t >= afterTenant)
      .sort();
    for (const tenantId of tenants) {
      const shards = (await readdir(path.join(this.root, tenantId)).catch(() => [] as string[])).filter(isShard).sort();
      for (const shard of shards) if (tenantId > afterTenant || shard > afterShard) out.push({ tenantId, shard });
    }
    return out;
  }

  private pathOf(tenantId: string, fileId: string): string {
    assertStoreIds(tenantId, fileId);
    return path.join(this.root, tenantId, shardOf(fileId), fileId);
  }
}

const shardOf = (fileId: string): string => fileId.slice(-2);
const isShard = (name: string): boolean => /^[0-9A-Za-z_-]{2}$/.test(name);

function isMissing(err: unknown): boolean {
  return (err as { code?: unknown })?.code === 'ENOENT';
}

function mtimeOf(file: string): Promise<number | null> {
  return stat(file).then(
    (s) => s.mtimeMs,
    () => null,
  );
}

async function removeQuietly(file: string): Promise<boolean> {
  try {
    await unlink(file);
    return true;
  } catch {
    return false;
  }
}

/**
 * Makes a rename durable: the directory's entry, not only the file's bytes, reaches the disk. Best
 * effort: some network file systems refuse to sync a directory, and the bytes are already synced.
 */
async function syncDir(dir: string): Promise<void> {
  try {
    const fh = await open(dir, 'r');
    await fh.sync().finally(() => fh.close());
  } catch {
    // the entry reaches the disk with the file system's own next flush
  }
}
