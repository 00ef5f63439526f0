import { mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SECRETS_KEY_FILE, secretsKey } from './secrets-key';

describe('standalone secrets key', () => {
  it('is made once (32 bytes, mode 0600) and read back on later starts', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'shoal-secrets-key-'));
    const first = secretsKey(dir);
    expect(first).toHaveLength(32);
    expect(statSync(path.join(dir, SECRETS_KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(secretsKey(dir).equals(first)).toBe(true);
  });

  it('refuses a file that does not hold a key, naming it, rather than replacing it', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'shoal-secrets-key-'));
    const file = path.join(dir, SECRETS_KEY_FILE);
    writeFileSync(file, 'too short\n');
    expect(() => secretsKey(dir)).toThrow(file);
    expect(readFileSync(file, 'utf8')).toBe('too short\n');
  });
});
