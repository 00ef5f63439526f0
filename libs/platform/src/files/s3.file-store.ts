// The S3-compatible FileStore (AWS S3, MinIO, R2, …): a file's bytes as one object,
// `<prefix><tenant>/<file id>`, uploaded in one PutObject of known length (uploads are size-capped
// and held in memory before they are stored, so the body is a buffer the SDK can retry) and read back
// as a stream. Orphans are found by
// listing the prefix a bounded number of pages per sweep, the next sweep going on after the last key.
import type { Readable } from 'node:stream';
import type { ListObjectsV2CommandOutput, S3Client } from '@aws-sdk/client-s3';
import { assertStoreIds, isSafeStoreId, type FileRecords, type FileStore } from './file-store';
import { pastGrace, unrecorded } from './orphans';

// The AWS SDK's S3 client is loaded by the first S3FileStore, not by every service that imports this
// lib (most never store a file, and none does unless an S3 bucket is configured)
let loaded: typeof import('@aws-sdk/client-s3') | undefined;
const s3 = (): typeof import('@aws-sdk/client-s3') => (loaded ??= require('@aws-sdk/client-s3') as typeof import('@aws-sdk/client-s3'));

export interface S3FileStoreOptions {
  bucket: string;
  region: string;
  /** a non-AWS service's URL (MinIO, R2, …); AWS's own endpoint when omitted */
  endpoint?: string;
  /** both, or neither (the SDK's default chain then: AWS_* variables, an IAM role, …) */
  accessKeyId?: string;
  secretAccessKey?: string;
  /** `bucket` in the path rather than the host name (MinIO and most emulators need it) */
  forcePathStyle: boolean;
  /** keys start with it ('' or ending in '/') */
  prefix: string;
  /** listing pages one orphan sweep reads, and keys per page (S3's most: 1000) */
  maxSweepPages?: number;
  sweepPageKeys?: number;
  connectTimeoutMs?: number;
  /** until the response's headers */
  requestTimeoutMs?: number;
  /** the longest a connection may stay silent, a body being read included */
  idleTimeoutMs?: number;
}

/** A failure of the bucket; `kind` says whether it is passing (the API answers 503 with Retry-After) or not. */
export class FileStoreError extends Error {
  constructor(
    message: string,
    readonly kind: 'FileStoreUnavailable' | 'FileStoreFailed',
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'FileStoreError';
  }
}

/** keys in one listing page or one DeleteObjects request, at most (S3's limit) */
const MAX_KEYS = 1000;

export class S3FileStore implements FileStore {
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly maxSweepPages: number;
  private readonly sweepPageKeys: number;
  /** the last key the last sweep listed when it stopped early; undefined from the start */
  private sweepAfter: string | undefined;

  constructor(
    o: S3FileStoreOptions,
    private readonly records: FileRecords,
  ) {
    this.bucket = o.bucket;
    this.prefix = o.prefix;
    this.maxSweepPages = o.maxSweepPages ?? 10;
    this.sweepPageKeys = Math.min(o.sweepPageKeys ?? MAX_KEYS, MAX_KEYS);
    this.client = new (s3().S3Client)({
      region: o.region,
      endpoint: o.endpoint,
      forcePathStyle: o.forcePathStyle,
      credentials: o.accessKeyId && o.secretAccessKey ? { accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey } : undefined,
      // checksums only where S3 requires one: S3-compatible services (and emulators) differ in the
      // newer trailing-checksum uploads they accept, never in these
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 3,
      requestHandler: {
        connectionTimeout: o.connectTimeoutMs ?? 5_000,
        requestTimeout: o.requestTimeoutMs ?? 60_000,
        throwOnRequestTimeout: true,
        socketTimeout: o.idleTimeoutMs ?? 30_000,
      },
    });
  }

  async put(tenantId: string, fileId: string, content: readonly Buffer[]): Promise<void> {
    const Key = this.keyOf(tenantId, fileId);
    // one buffer, not a stream of the pieces: the SDK retries a request whose body it can send again,
    // never a stream's (the bytes are in memory already: uploads are size-capped and read before they are stored)
    const Body = content.length === 1 ? content[0] : Buffer.concat(content as Buffer[]);
    await this.send('PutObject', () =>
      this.client.send(new (s3().PutObjectCommand)({ Bucket: this.bucket, Key, Body, ContentLength: Body.length })),
    );
  }

  async *read(tenantId: string, fileId: string): AsyncIterable<Buffer> {
    const Key = this.keyOf(tenantId, fileId);
    let body: Readable;
    try {
      const res = await this.client.send(new (s3().GetObjectCommand)({ Bucket: this.bucket, Key }));
      body = res.Body as Readable;
    } catch (err) {
      if (isNotFound(err)) return;
      throw storeError('GetObject', err);
    }
    try {
      for await (const piece of body) yield piece as Buffer;
    } catch (err) {
      throw storeError('GetObject', err);
    } finally {
      // a reader that stops early (a client gone) must not leave the connection open
      body.destroy();
    }
  }

  async remove(tenantId: string, fileId: string): Promise<void> {
    await this.deleteKeys([this.keyOf(tenantId, fileId)]);
  }

  async removeOrphans(graceMs: number, now = Date.now()): Promise<number> {
    let removed = 0;
    for (let page = 0; page < this.maxSweepPages; page++) {
      const listed: ListObjectsV2CommandOutput = await this.send('ListObjectsV2', () =>
        this.client.send(
          new (s3().ListObjectsV2Command)({
            Bucket: this.bucket,
            Prefix: this.prefix || undefined,
            MaxKeys: this.sweepPageKeys,
            // resumed after a key rather than by continuation token: a key never expires, and every
            // S3-compatible service takes it
            StartAfter: this.sweepAfter,
          }),
        ),
      );
      const objects = listed.Contents ?? [];
      removed += await this.removeUnrecorded(objects, graceMs, now);
      this.sweepAfter = listed.IsTruncated ? objects.at(-1)?.Key : undefined;
      if (!this.sweepAfter) break;
    }
    return removed;
  }

  /** The S3 client's sockets closed (Nest calls it at shutdown). */
  onModuleDestroy(): void {
    this.client.destroy();
  }

  /** Of one listing page, the objects of Shoal's layout past the grace that no row names. */
  private async removeUnrecorded(objects: ReadonlyArray<{ Key?: string; LastModified?: Date }>, graceMs: number, now: number) {
    const byTenant = new Map<string, string[]>();
    for (const o of objects) {
      const parts = o.Key?.slice(this.prefix.length).split('/') ?? [];
      // anything else under the prefix is not Shoal's to remove
      if (parts.length !== 2 || !isSafeStoreId(parts[0]) || !isSafeStoreId(parts[1])) continue;
      const [tenantId, fileId] = parts;
      if (!pastGrace(fileId, o.LastModified?.getTime() ?? now, graceMs, now)) continue;
      byTenant.set(tenantId, [...(byTenant.get(tenantId) ?? []), fileId]);
    }
    const keys: string[] = [];
    for (const [tenantId, ids] of byTenant)
      for (const id of await unrecorded(this.records, tenantId, ids)) keys.push(this.keyOf(tenantId, id));
    await this.deleteKeys(keys);
    return keys.length;
  }

  private async deleteKeys(keys: readonly string[]): Promise<void> {
    for (let at = 0; at < keys.length; at += MAX_KEYS) {
      const batch = keys.slice(at, at + MAX_KEYS);
      const res = await this.send('DeleteObjects', () =>
        this.client.send(
          new (s3().DeleteObjectsCommand)({ Bucket: this.bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } }),
        ),
      );
      const failed = res.Errors?.[0];
      if (failed)
        throw new FileStoreError(
          `the bucket refused to delete ${res.Errors?.length} object(s): ${failed.Code ?? 'error'}`,
          'FileStoreFailed',
        );
    }
  }

  private keyOf(tenantId: string, fileId: string): string {
    assertStoreIds(tenantId, fileId);
    return `${this.prefix}${tenantId}/${fileId}`;
  }

  private async send<T>(op: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (err) {
      throw storeError(op, err);
    }
  }
}

function isNotFound(err: unknown): boolean {
  return err instanceof s3().S3ServiceException && (err.name === 'NoSuchKey' || err.$metadata.httpStatusCode === 404);
}

/**
 * The SDK's error in the store's words: the operation and S3's error code, never a credential (the
 * SDK's errors carry none; the cause is kept for the log and for telling an outage from a refusal).
 */
function storeError(op: string, err: unknown): FileStoreError {
  if (err instanceof s3().S3ServiceException) {
    const status = err.$metadata.httpStatusCode ?? 0;
    const passing = status >= 500 || err.name === 'SlowDown' || err.$retryable !== undefined;
    return new FileStoreError(
      `the S3 bucket answered ${op} with ${err.name} (${status})`,
      passing ? 'FileStoreUnavailable' : 'FileStoreFailed',
      {
        cause: err,
      },
    );
  }
  // no answer at all: a connection refused or reset, a timeout
  return new FileStoreError(
    `the S3 bucket could not be reached for ${op}: ${err instanceof Error ? err.message : String(err)}`,
    'FileStoreUnavailable',
    {
      cause: err,
    },
  );
}
