// Where standalone keeps what it can rebuild (the empty database a new data directory is copied
// from, V8's compiled code): SHOAL_CACHE_DIR as set; unset: `$XDG_CACHE_HOME/shoal`, else
// `~/.cache/shoal`; empty: nothing is kept. No imports beyond Node's own: the compile cache reads
// it before anything else is loaded.
import { homedir } from 'node:os';
import path from 'node:path';

export function cacheDirOf(value: string | undefined, env: Record<string, string | undefined>): string | undefined {
  if (value === '') return undefined;
  if (value !== undefined) return path.resolve(value);
  return path.join(env['XDG_CACHE_HOME'] || path.join(homedir(), '.cache'), 'shoal');
}
