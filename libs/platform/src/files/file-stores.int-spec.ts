// The three FileStores against real backends: Postgres (file_chunks), a directory, and an
// S3-compatible server (s3rver over HTTP); each runs the shared contract, then what is its own.
import { mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DeleteObjectsCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createTestDatabase, startS3TestServer, type S3TestServer, type TestDatabase } from '@shoal/testing';
import { createPrismaClient, type PrismaClient } from '../database/prisma';
import { isInfrastructureError } from '../errors/infrastructure-error';
import { PostgresFileStore } from './file-chunks.repository';
import { FileRecordsRepository } from './file-records.repository';
import { bytesOf, fileIdAt, fileStoreContract, recordFile } from './file-store.contract.spec-helper';
import { FsFileStore } from './fs.file-store';
import { LayeredFileStore } from './layered.file-store';
import { FileStoreError, S3FileStore, type S3FileStoreOptions } from './s3.file-store';

// the `int` project's testTimeout is not applied per project by Jest; a generous guard, not a speed claim
jest.setTimeout(60_000);

const HOUR = 60 * 60 * 1000;
let db: TestDatabase;
let prisma: PrismaClient;
let s3: S3TestServer;

async function tenants(...ids: string[]): Promise<void> {
  await prisma.tenant.createMany({ data: ids.map((id) => ({ id, name: id })) });
}

beforeAll(async () => {
  db = await createTestDatabase('file-stores');
  prisma = createPrismaClient({ url: db.url, maxConnections: 4 });
  s3 = await startS3TestServer();
});

afterAll(async () => {
  await prisma?.$disconnect();
  await db?.drop();
  await s3?.close();
});

describe('PostgresFileStore', () => {
  let store: PostgresFileStore;
  beforeAll(async () => {
    store = new PostgresFileStore(prisma);
    await tenants('ten_pga', 'ten_pgb');
  });
  fileStoreContract('postgres', () => ({ store, prisma, tenants: ['ten_pga', 'ten_pgb'] }));
});

describe('FsFileStore', () => {
  let root: string;
  let store: FsFileStore;
  beforeAll(async () => {
    root = mkdtempSync(path.join(tmpdir(), 'shoal-fs-store-'));
    store = new FsFileStore(root, new FileRecordsRepository(prisma));
    await store.onModuleInit();
    await tenants('ten_fsa', 'ten_fsb', 'ten_fsc');
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  fileStoreContract('fs', () => ({ store, prisma, tenants: ['ten_fsa', 'ten_fsb'] }));

  it('keeps a file as <root>/<tenant>/<shard>/<id>, readable by this process only', async () => {
    const id = fileIdAt(Date.now());
    await store.put('ten_fsa', id, [Buffer.from('on disk')]);
    const file = path.join(root, 'ten_fsa', id.slice(-2), id);
    expect(statSync(file).size).toBe(7);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('leaves no file under the final name when a write fails halfway, and no temporary file either', async () => {
    const id = fileIdAt(Date.now());
    const failing = [Buffer.from('first piece')];
    // the bytes' source breaks after the first piece (a client gone, memory short)
    failing[Symbol.iterator] = function* () {
      yield Buffer.from('first piece');
      throw new Error('the source broke');
    };
    await expect(store.put('ten_fsa', id, failing)).rejects.toThrow('the source broke');
    expect((await bytesOf(store.read('ten_fsa', id))).bytes.length).toBe(0);
    expect(readdirSync(path.join(root, 'ten_fsa', id.slice(-2))).filter((n) => n.includes(id))).toEqual([]);
  });

  it('sweeps a temporary file a crash left once past the grace, not one being written', async () => {
    const dir = path.join(root, 'ten_fsc', 'zz');
    mkdirSync(dir, { recursive: true });
    const old = path.join(dir, '.tmp-file_crashed-0a0b');
    const fresh = path.join(dir, '.tmp-file_writing-0c0d');
    writeFileSync(old, 'half');
    writeFileSync(fresh, 'half');
    const twoHoursAgo = new Date(Date.now() - 2 * HOUR);
    utimesSync(old, twoHoursAgo, twoHoursAgo);
    expect(await store.removeOrphans(HOUR)).toBe(1);
    expect(readdirSync(dir)).toEqual(['.tmp-file_writing-0c0d']);
    rmSync(fresh);
  });

  it('bounds one sweep by the entries it looks at and goes on from there in the next', async () => {
    const own = mkdtempSync(path.join(tmpdir(), 'shoal-fs-sweep-'));
    const small = new FsFileStore(own, new FileRecordsRepository(prisma), { maxSweepEntries: 1 });
    const now = Date.now();
    // three orphans in three shards of one tenant
    const ids = ['aa', 'bb', 'cc'].map((end) => fileIdAt(now - 2 * HOUR).slice(0, -2) + end);
    for (const id of ids) await small.put('ten_fsc', id, [Buffer.from('x')]);
    const removed = [await small.removeOrphans(HOUR, now), await small.removeOrphans(HOUR, now), await small.removeOrphans(HOUR, now)];
    expect(removed).toEqual([1, 1, 1]);
    for (const id of ids) expect((await bytesOf(small.read('ten_fsc', id))).bytes.length).toBe(0);
    rmSync(own, { recursive: true, force: true });
  });

  it('refuses to start on a directory it cannot write', async () => {
    const file = path.join(root, 'not-a-dir');
    writeFileSync(file, 'x');
    await expect(new FsFileStore(path.join(file, 'files'), new FileRecordsRepository(prisma)).onModuleInit()).rejects.toThrow(
      /file store directory .*not-a-dir\/files cannot be used/,
    );
  });
});

describe('S3FileStore (s3rver)', () => {
  let store: S3FileStore;
  let opts: S3FileStoreOptions;
  let raw: S3Client;
  beforeAll(async () => {
    opts = {
      bucket: s3.bucket,
      region: s3.region,
      endpoint: s3.endpoint,
      accessKeyId: s3.accessKeyId,
      secretAccessKey: s3.secretAccessKey,
      forcePathStyle: true,
      prefix: 'shoal/files/',
    };
    store = new S3FileStore(opts, new FileRecordsRepository(prisma));
    raw = new S3Client({
      region: s3.region,
      endpoint: s3.endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
      requestChecksumCalculation: 'WHEN_REQUIRED',
    });
    await tenants('ten_s3a', 'ten_s3b', 'ten_s3c');
  });
  afterAll(() => {
    store?.onModuleDestroy();
    raw?.destroy();
  });

  const keys = async (Prefix: string) =>
    ((await raw.send(new ListObjectsV2Command({ Bucket: s3.bucket, Prefix }))).Contents ?? []).map((o) => o.Key).sort();

  fileStoreContract('s3', () => ({ store, prisma, tenants: ['ten_s3a', 'ten_s3b'] }));

  it('keeps a file as one object <prefix><tenant>/<id>', async () => {
    const id = fileIdAt(Date.now());
    await store.put('ten_s3c', id, [Buffer.from('in the '), Buffer.from('bucket')]);
    expect(await keys('shoal/files/ten_s3c/')).toEqual([`shoal/files/ten_s3c/${id}`]);
    await store.remove('ten_s3c', id);
    expect(await keys('shoal/files/ten_s3c/')).toEqual([]);
  });

  it('leaves alone what else the bucket holds under the prefix, however old', async () => {
    const foreign = ['shoal/files/readme.txt', 'shoal/files/ten_s3c/sub/file_x', 'shoal/files/ten_s3c/.tmp'];
    for (const Key of foreign) await raw.send(new PutObjectCommand({ Bucket: s3.bucket, Key, Body: 'not Shoal’s' }));
    // far in the future: everything listed is past the grace
    await store.removeOrphans(HOUR, Date.now() + 1000 * HOUR);
    expect(await keys('shoal/files/')).toEqual(expect.arrayContaining(foreign));
    await raw.send(new DeleteObjectsCommand({ Bucket: s3.bucket, Delete: { Objects: foreign.map((Key) => ({ Key })) } }));
  });

  it('lists a bounded number of pages per sweep and goes on from there in the next', async () => {
    const paged = new S3FileStore({ ...opts, prefix: 'paged/', maxSweepPages: 1, sweepPageKeys: 2 }, new FileRecordsRepository(prisma));
    const now = Date.now();
    const ids = [1, 2, 3, 4, 5].map(() => fileIdAt(now - 2 * HOUR));
    for (const id of ids) await paged.put('ten_s3c', id, [Buffer.from('x')]);
    await recordFile(prisma, 'ten_s3c', ids[0]);
    const removed: number[] = [];
    for (let i = 0; i < 3; i++) removed.push(await paged.removeOrphans(HOUR, now));
    // pages of two keys: one recorded and three orphans over the first two pages, the last orphan on the third
    expect(removed.reduce((a, b) => a + b)).toBe(4);
    expect(removed.every((n) => n <= 2)).toBe(true);
    expect(await keys('paged/')).toEqual([`paged/ten_s3c/${ids[0]}`]);
    paged.onModuleDestroy();
  });

  it('fails with S3’s error code and never the secret when the credentials are refused', async () => {
    const secret = 'this-secret-must-not-leak-0123456789';
    const wrong = new S3FileStore({ ...opts, accessKeyId: 'NOT-A-KEY', secretAccessKey: secret }, new FileRecordsRepository(prisma));
    const err = await wrong.put('ten_s3c', fileIdAt(Date.now()), [Buffer.from('x')]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FileStoreError);
    expect((err as FileStoreError).message).toMatch(/PutObject with InvalidAccessKeyId \(403\)/);
    expect((err as FileStoreError).kind).toBe('FileStoreFailed');
    expect(JSON.stringify(err, Object.getOwnPropertyNames(err))).not.toContain(secret);
    expect(String((err as Error).stack)).not.toContain(secret);
    wrong.onModuleDestroy();
  });

  it('fails as an outage (the API answers 503 with Retry-After) when the bucket does not answer', async () => {
    const down = new S3FileStore({ ...opts, endpoint: 'http://127.0.0.1:1', connectTimeoutMs: 1000 }, new FileRecordsRepository(prisma));
    const err = await bytesOf(down.read('ten_s3c', fileIdAt(Date.now()))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FileStoreError);
    expect((err as FileStoreError).kind).toBe('FileStoreUnavailable');
    expect(isInfrastructureError(err)).toBe(true);
    down.onModuleDestroy();
  });
});

describe('LayeredFileStore (a store switched to, over Postgres)', () => {
  it('reads a file stored in Postgres before the switch, stores new ones in the new store, removes from both', async () => {
    await tenants('ten_lay');
    const root = mkdtempSync(path.join(tmpdir(), 'shoal-layered-'));
    const postgres = new PostgresFileStore(prisma);
    const layered = new LayeredFileStore(new FsFileStore(root, new FileRecordsRepository(prisma)), postgres);
    const before = fileIdAt(Date.now());
    await postgres.put('ten_lay', before, [Buffer.from('from before the switch')]);
    expect((await bytesOf(layered.read('ten_lay', before))).bytes.toString()).toBe('from before the switch');
    const after = fileIdAt(Date.now());
    await layered.put('ten_lay', after, [Buffer.from('new')]);
    expect((await bytesOf(postgres.read('ten_lay', after))).bytes.length).toBe(0);
    expect((await bytesOf(layered.read('ten_lay', after))).bytes.toString()).toBe('new');
    await layered.remove('ten_lay', before);
    expect((await bytesOf(layered.read('ten_lay', before))).bytes.length).toBe(0);
    rmSync(root, { recursive: true, force: true });
  });
});
