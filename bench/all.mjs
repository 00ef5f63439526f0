#!/usr/bin/env node
// `npm run bench [-- <options>]`: builds, then runs bench/run.mjs with the options given (it runs
// bench/ledger.mjs itself), then bench/pool-faults.mjs. npm hands the options to this one script,
// where a chain of commands in package.json would have handed them to its last command only.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const step = (script, args = []) => {
  const r = spawnSync(process.execPath, [path.join(root, script), ...args], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
step('.ci/build.mjs');
step('bench/run.mjs', process.argv.slice(2));
step('bench/pool-faults.mjs');
