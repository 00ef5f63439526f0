// Imported first by main.ts, before any other module is loaded: Node keeps V8's compiled code of
// every module this process loads in SHOAL_CACHE_DIR/compile-cache and reuses it at the next start,
// instead of compiling the ~1,500 files standalone loads from source each time. Node checks each
// entry against its file's content, so a changed build is compiled again. NODE_COMPILE_CACHE, when
// set, is Node's own switch and wins.
import { enableCompileCache } from 'node:module';
import path from 'node:path';
import { cacheDirOf } from './local/cache-dir';
import { ensurePrivateDir } from './local/data-dir';

const dir = cacheDirOf(process.env['SHOAL_CACHE_DIR'], process.env);
if (dir && !process.env['NODE_COMPILE_CACHE']) {
  try {
    const cache = path.join(dir, 'compile-cache');
    ensurePrivateDir(cache);
    enableCompileCache(cache);
  } catch {
    // an unusable cache only costs start-up time (pgdata-template.ts says so when it tries the same directory)
  }
}
