// Which FileStore a service uses (SHOAL_FILE_STORE and its variables, config/file-store.env.ts), and
// the provider that builds it. Gateway and engine must agree: what one stores the other reads.
import type { FactoryProvider } from '@nestjs/common';
import { PrismaClient } from '../database/prisma';
import { PostgresFileStore } from './file-chunks.repository';
import { FileRecordsRepository } from './file-records.repository';
import { FILE_STORE, type FileStore } from './file-store';
import { FsFileStore } from './fs.file-store';
import { LayeredFileStore } from './layered.file-store';
import { S3FileStore, type S3FileStoreOptions } from './s3.file-store';

export type FileStoreSettings = { kind: 'postgres' } | { kind: 'fs'; dir: string } | { kind: 's3'; s3: S3FileStoreOptions };

export const POSTGRES_FILE_STORE: FileStoreSettings = { kind: 'postgres' };

/**
 * The store the settings name. A directory or bucket store sits over the Postgres one, which still
 * reads (and removes) what was stored before the switch.
 */
export function createFileStore(settings: FileStoreSettings, prisma: PrismaClient): FileStore {
  const postgres = new PostgresFileStore(prisma);
  if (settings.kind === 'postgres') return postgres;
  const records = new FileRecordsRepository(prisma);
  const current = settings.kind === 'fs' ? new FsFileStore(settings.dir, records) : new S3FileStore(settings.s3, records);
  return new LayeredFileStore(current, postgres);
}

/** FILE_STORE for a service's module. */
export function fileStoreProvider(settings: FileStoreSettings = POSTGRES_FILE_STORE): FactoryProvider<FileStore> {
  return { provide: FILE_STORE, inject: [PrismaClient], useFactory: (prisma: PrismaClient) => createFileStore(settings, prisma) };
}
