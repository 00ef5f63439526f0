// What every FileStore must do, as a suite each store's test file runs against its own store (real
// Postgres, a real directory, a real S3-compatible server): bytes back in order and in pieces, an
// unknown id reads empty, a tenant reaches only its own ids, ids that could name another path are
// refused, and the orphan sweep removes exactly the bytes no row names once past the grace.
import { randomBytes } from 'node:crypto';
import type { PrismaClient } from '../database/prisma';
import { InvalidFileStoreIdError, type FileStore } from './file-store';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/** A file id made at `ms` (its ULID's time part), with a random end. */
export function fileIdAt(ms: number): string {
  let time = '';
  for (let i = 0, t = ms; i < 10; i++, t = Math.floor(t / 32)) time = ALPHABET[t % 32] + time;
  let tail = '';
  for (const b of randomBytes(16)) tail += ALPHABET[b % 32];
  return `file_${time}${tail}`;
}

export async function bytesOf(it: AsyncIterable<Buffer>): Promise<{ bytes: Buffer; pieces: number }> {
  const parts: Buffer[] = [];
  for await (const p of it) parts.push(p);
  return { bytes: Buffer.concat(parts), pieces: parts.length };
}

/** Bytes that tell one offset from another (a piece out of order or repeated shows). */
export function patterned(size: number): Buffer {
  const b = Buffer.alloc(size);
  for (let i = 0; i < size; i++) b[i] = (i * 7 + (i >> 16)) % 251;
  return b;
}

export interface FileStoreContext {
  store: FileStore;
  prisma: PrismaClient;
  /** two tenants of this suite's own (rows exist for them) */
  tenants: [string, string];
}

/** Writes the metadata row that makes stored bytes a recorded file. */
export async function recordFile(prisma: PrismaClient, tenantId: string, id: string, size = 5): Promise<void> {
  await prisma.uploadedFile.create({
    data: { id, tenantId, name: 'f.txt', size, extension: 'txt', mimeType: 'text/plain', kind: 'document', sha256: 'x' },
  });
}

export function fileStoreContract(name: string, ctx: () => FileStoreContext): void {
  describe(`${name}: the FileStore contract`, () => {
    it('gives back a large file’s bytes in order, in several pieces, whatever pieces it was given', async () => {
      const { store, tenants } = ctx();
      const bytes = patterned(3 * 1024 * 1024 + 123);
      const id = fileIdAt(Date.now());
      await store.put(tenants[0], id, [bytes.subarray(0, 1000), bytes.subarray(1000, 70_000), bytes.subarray(70_000)]);
      const back = await bytesOf(store.read(tenants[0], id));
      expect(back.bytes.equals(bytes)).toBe(true);
      expect(back.pieces).toBeGreaterThan(1);
    });

    it('reads an unknown id as empty, and an empty file as empty', async () => {
      const { store, tenants } = ctx();
      expect((await bytesOf(store.read(tenants[0], fileIdAt(Date.now())))).bytes.length).toBe(0);
      const empty = fileIdAt(Date.now());
      await store.put(tenants[0], empty, []);
      expect((await bytesOf(store.read(tenants[0], empty))).bytes.length).toBe(0);
    });

    it('keeps tenants apart: another tenant neither reads nor removes an id it does not own', async () => {
      const { store, tenants } = ctx();
      const [a, b] = tenants;
      const id = fileIdAt(Date.now());
      await store.put(a, id, [Buffer.from('tenant A only')]);
      expect((await bytesOf(store.read(b, id))).bytes.length).toBe(0);
      await store.remove(b, id);
      expect((await bytesOf(store.read(a, id))).bytes.toString()).toBe('tenant A only');
    });

    it('removes a file’s bytes; removing what is not there is no error', async () => {
      const { store, tenants } = ctx();
      const id = fileIdAt(Date.now());
      await store.put(tenants[0], id, [Buffer.from('bye')]);
      await store.remove(tenants[0], id);
      expect((await bytesOf(store.read(tenants[0], id))).bytes.length).toBe(0);
      await expect(store.remove(tenants[0], id)).resolves.toBeUndefined();
    });

    it.each(['../ten_x', 'a/b', '.hidden', '', 'x', 'a\0b', 'ten x', '..', 'C:\\x'])(
      'refuses the id %j as a tenant or a file',
      async (bad) => {
        const { store, tenants } = ctx();
        const id = fileIdAt(Date.now());
        await expect(store.put(bad, id, [Buffer.from('x')])).rejects.toBeInstanceOf(InvalidFileStoreIdError);
        await expect(store.put(tenants[0], bad, [Buffer.from('x')])).rejects.toBeInstanceOf(InvalidFileStoreIdError);
        await expect(bytesOf(store.read(tenants[0], bad))).rejects.toBeInstanceOf(InvalidFileStoreIdError);
        await expect(store.remove(bad, id)).rejects.toBeInstanceOf(InvalidFileStoreIdError);
      },
    );

    it('sweeps bytes no row names once their upload is past the grace, and nothing else', async () => {
      const { store, prisma, tenants } = ctx();
      const [, b] = tenants;
      const now = Date.now();
      const hour = 60 * 60 * 1000;
      const crashed = fileIdAt(now - 2 * hour);
      const inProgress = fileIdAt(now - 60_000);
      const recorded = fileIdAt(now - 3 * hour);
      for (const id of [crashed, inProgress, recorded]) await store.put(b, id, [Buffer.from('bytes')]);
      await recordFile(prisma, b, recorded);
      // a sweep may also meet orphans other tests of the suite left (none are past the grace)
      expect(await store.removeOrphans(hour, now)).toBe(1);
      expect((await bytesOf(store.read(b, crashed))).bytes.length).toBe(0);
      expect((await bytesOf(store.read(b, inProgress))).bytes.toString()).toBe('bytes');
      expect((await bytesOf(store.read(b, recorded))).bytes.toString()).toBe('bytes');
      expect(await store.removeOrphans(hour, now)).toBe(0);
    });

    it('sweeps by the row of the same tenant: a row of another tenant does not keep bytes', async () => {
      const { store, prisma, tenants } = ctx();
      const [a, b] = tenants;
      const now = Date.now();
      const id = fileIdAt(now - 5 * 60 * 60 * 1000);
      await store.put(b, id, [Buffer.from('stray')]);
      // the id is recorded, but for tenant A: B's bytes under it are nobody's
      await recordFile(prisma, a, id);
      expect(await store.removeOrphans(60 * 60 * 1000, now)).toBe(1);
      expect((await bytesOf(store.read(b, id))).bytes.length).toBe(0);
    });
  });
}
