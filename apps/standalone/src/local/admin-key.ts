// Standalone mode's admin key: generated on the first start and kept in the data directory (mode
// 0600), so that later starts can run the example without asking for it. Shown in full only when
// it is created; later starts name its prefix and the file.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateApiKey } from '@shoal/platform';

export type AdminKeySource = { kind: 'created'; file: string } | { kind: 'file'; file: string } | { kind: 'env' };

export interface AdminKey {
  key: string;
  source: AdminKeySource;
}

export const ADMIN_KEY_FILE = 'admin-api-key';

export function adminKey(dataDir: string, bootstrapKey: string | undefined): AdminKey {
  if (bootstrapKey) return { key: bootstrapKey, source: { kind: 'env' } };
  const file = path.join(dataDir, ADMIN_KEY_FILE);
  if (existsSync(file)) return { key: readFileSync(file, 'utf8').trim(), source: { kind: 'file', file } };
  const key = generateApiKey();
  // 'wx': never overwrite a key another process wrote in the meantime
  writeFileSync(file, key + '\n', { mode: 0o600, flag: 'wx' });
  return { key, source: { kind: 'created', file } };
}
