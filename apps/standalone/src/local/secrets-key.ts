// Standalone mode's SHOAL_SECRET_KEY: 32 random bytes made on the first start and kept in the
// data directory (mode 0600, in the 0700 directory), so secret environment variables sealed by one
// start open on the next. Losing the file loses those secrets (re-enter them), nothing else.
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseSecretsKey } from '@shoal/platform';

export const SECRETS_KEY_FILE = 'secrets-key';

export function secretsKey(dataDir: string): Buffer {
  const file = path.join(dataDir, SECRETS_KEY_FILE);
  if (existsSync(file)) {
    const key = parseSecretsKey(readFileSync(file, 'utf8'));
    if (!key) throw new Error(`${file} does not hold a secrets key (base64 of 32 bytes); move it away to make a new one`);
    return key;
  }
  const key = randomBytes(32);
  // 'wx': never overwrite a key another process wrote in the meantime
  writeFileSync(file, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  return key;
}
