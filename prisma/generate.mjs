// Runs `prisma generate` without Prisma's native schema engine, which the CLI would
// otherwise download from a host that air-gapped machines (and this one) cannot reach.
// The generator does not use the engine; the path only has to exist.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? path.join(root, 'prisma/schema-engine-shim.mjs'),
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
  CHECKPOINT_DISABLE: '1',
};
const r = spawnSync(
  process.execPath,
  [path.join(root, 'node_modules/prisma/build/index.js'), 'generate', '--config', 'prisma/prisma.config.ts'],
  { cwd: root, env, stdio: 'inherit' },
);
process.exit(r.status ?? 1);
