// The standalone data directory holds the database, its socket and the admin key: only its owner
// may enter it.
import { chmodSync, mkdirSync, statSync } from 'node:fs';

export class DataDirNotPrivateError extends Error {
  constructor(dir: string, mode: number) {
    super(
      `SHOAL_DATA_DIR ${dir} is shared (mode ${(mode & 0o7777).toString(8)}, not owned by this user or sticky like /tmp); point SHOAL_DATA_DIR at a directory of its own`,
    );
    this.name = 'DataDirNotPrivateError';
  }
}

/**
 * Creates `dir` (and any missing parents) with mode 0700. An existing directory of this user is
 * tightened to 0700 (a data dir made by an older version was 0755); a shared one (another owner,
 * or sticky like /tmp) is refused rather than changed.
 */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const st = statSync(dir);
  if ((st.mode & 0o077) === 0) return;
  const mine = typeof process.getuid !== 'function' || st.uid === process.getuid();
  if (!mine || (st.mode & 0o1000) !== 0) throw new DataDirNotPrivateError(dir, st.mode);
  chmodSync(dir, 0o700);
}
