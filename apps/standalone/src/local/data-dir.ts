// The standalone data directory holds the database, its socket and the admin key: only its owner
// may enter it.
import { chmodSync, mkdirSync, statSync } from 'node:fs';

/** Creates `dir` (and any missing parents) with mode 0700; an existing directory is tightened to 0700. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if ((statSync(dir).mode & 0o077) !== 0) chmodSync(dir, 0o700);
}
