#!/usr/bin/env node
// Compiles every app and lib with swc into dist/ (apps at dist/apps/<app>/src/main.js). Library
// imports (@shoal/*) are rewritten to relative paths, so the output runs with plain `node`.
// Type checking is separate: `npm run typecheck`.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
rmSync(path.join(root, 'dist'), { recursive: true, force: true });
const swc = path.join(root, 'node_modules/@swc/cli/bin/swc.js');
const r = spawnSync(process.execPath, [swc, 'apps', 'libs', '-d', 'dist', '--config-file', '.swcrc', '--quiet'], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
