// What every FileStore's orphan sweep shares: how old a file's bytes are (its id's time, for
// `file_…` ULIDs), and which of a tenant's stored ids no file row names.
import type { FileRecords } from './file-store';

const ULID_ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
/** ids asked about in one metadata query */
const RECORDS_BATCH = 500;

/** The creation time (ms) a `file_…` id carries in its ULID, or null for anything else. */
export function idTime(id: string): number | null {
  const time = id.startsWith('file_') ? id.slice(5, 15) : '';
  if (time.length !== 10) return null;
  let ms = 0;
  for (const c of time) {
    const v = ULID_ALPHABET.indexOf(c);
    if (v < 0) return null;
    ms = ms * 32 + v;
  }
  return ms;
}

/**
 * Whether stored bytes are old enough to be an orphan: an upload in progress has its bytes stored and
 * its row not yet written, and its id's time says when it began (the store's modification time for
 * an id that carries none).
 */
export function pastGrace(fileId: string, modifiedMs: number, graceMs: number, now: number): boolean {
  return (idTime(fileId) ?? modifiedMs) < now - graceMs;
}

/** Those of a tenant's `fileIds` that no file row names, asked in batches. */
export async function unrecorded(records: FileRecords, tenantId: string, fileIds: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (let at = 0; at < fileIds.length; at += RECORDS_BATCH) {
    const batch = fileIds.slice(at, at + RECORDS_BATCH);
    const known = await records.recorded(tenantId, batch);
    for (const id of batch) if (!known.has(id)) out.push(id);
  }
  return out;
}
