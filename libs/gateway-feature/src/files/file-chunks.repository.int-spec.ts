import { createPrismaClient, type PrismaClient } from '@shoal/platform';
import { createTestDatabase, type TestDatabase } from '@shoal/testing';
import { CHUNK_BYTES, PostgresFileStore, idTime } from '@shoal/platform';

// the `int` project's testTimeout is not applied per project by Jest; a generous guard, not a speed claim
jest.setTimeout(30_000);

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
/** A file id made at `ms` (the ULID's time part), with a fixed random part. */
function fileIdAt(ms: number, tail = 'a'.repeat(16)): string {
  let time = '';
  for (let i = 0, t = ms; i < 10; i++, t = Math.floor(t / 32)) time = ALPHABET[t % 32] + time;
  return `file_${time}${tail}`;
}

async function bytesOf(it: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const p of it) parts.push(p);
  return Buffer.concat(parts);
}

describe('PostgresFileStore (real Postgres)', () => {
  let db: TestDatabase;
  let prisma: PrismaClient;
  let store: PostgresFileStore;

  beforeAll(async () => {
    db = await createTestDatabase('file-chunks');
    prisma = createPrismaClient({ url: db.url, maxConnections: 4 });
    store = new PostgresFileStore(prisma);
    await prisma.tenant.createMany({
      data: [
        { id: 'ten_a', name: 'a' },
        { id: 'ten_b', name: 'b' },
      ],
    });
  });

  afterAll(async () => {
    await prisma?.$disconnect();
    await db?.drop();
  });

  it('keeps a file’s bytes in 1 MiB rows and gives them back in order, to its tenant only', async () => {
    const bytes = Buffer.alloc(CHUNK_BYTES * 2 + 123);
    for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7) % 251;
    const id = fileIdAt(Date.now());
    // as the upload arrives: in pieces of any size
    await store.put('ten_a', id, [bytes.subarray(0, 1000), bytes.subarray(1000, 70_000), bytes.subarray(70_000)]);
    expect(await prisma.fileChunk.count({ where: { fileId: id } })).toBe(3);
    expect((await bytesOf(store.read('ten_a', id))).equals(bytes)).toBe(true);
    expect((await bytesOf(store.read('ten_b', id))).length).toBe(0);
    await store.remove('ten_b', id);
    expect(await prisma.fileChunk.count({ where: { fileId: id } })).toBe(3);
    await store.remove('ten_a', id);
    expect(await prisma.fileChunk.count({ where: { fileId: id } })).toBe(0);

    const empty = fileIdAt(Date.now(), 'b'.repeat(16));
    await store.put('ten_a', empty, []);
    expect((await bytesOf(store.read('ten_a', empty))).length).toBe(0);
  });

  it('sweeps bytes no file row names once their upload is older than the grace period, and nothing else', async () => {
    const now = Date.now();
    const hour = 60 * 60 * 1000;
    const crashed = fileIdAt(now - 2 * hour, 'c'.repeat(16));
    const inProgress = fileIdAt(now - 60_000, 'd'.repeat(16));
    const recorded = fileIdAt(now - 3 * hour, 'e'.repeat(16));
    for (const id of [crashed, inProgress, recorded]) await store.put('ten_b', id, [Buffer.from('bytes')]);
    await prisma.uploadedFile.create({
      data: {
        id: recorded,
        tenantId: 'ten_b',
        name: 'r.txt',
        size: 5,
        extension: 'txt',
        mimeType: 'text/plain',
        kind: 'document',
        sha256: 'x',
      },
    });
    expect(await store.removeOrphans(hour, now)).toBe(1);
    const left = (await prisma.fileChunk.findMany({ where: { tenantId: 'ten_b' }, select: { fileId: true } })).map((c) => c.fileId);
    expect(left.sort()).toEqual([inProgress, recorded].sort());
    expect(await store.removeOrphans(hour, now)).toBe(0);
    expect(idTime(crashed)).toBe(now - 2 * hour);
    expect(idTime('run_whatever')).toBeNull();
  });
});
