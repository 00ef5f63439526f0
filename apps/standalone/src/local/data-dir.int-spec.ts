import { chmodSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DataDirNotPrivateError, ensurePrivateDir } from './data-dir';

describe('ensurePrivateDir (real file system)', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(path.join(tmpdir(), 'shoal-datadir-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const mode = (p: string) => statSync(p).mode & 0o7777;

  it('creates a missing data directory, and its parents, with mode 0700', () => {
    const dir = path.join(root, 'a', 'b', '.shoal');
    ensurePrivateDir(dir);
    expect(mode(dir)).toBe(0o700);
  });

  it('tightens a data directory of this user that an older version made 0755', () => {
    const dir = path.join(root, 'old');
    ensurePrivateDir(dir);
    chmodSync(dir, 0o755);
    ensurePrivateDir(dir);
    expect(mode(dir)).toBe(0o700);
  });

  it('refuses a shared sticky directory such as /tmp instead of changing it', () => {
    const dir = path.join(root, 'shared');
    ensurePrivateDir(dir);
    chmodSync(dir, 0o1777);
    expect(() => ensurePrivateDir(dir)).toThrow(DataDirNotPrivateError);
    expect(mode(dir)).toBe(0o1777);
  });
});
