// Where file bytes are kept (SHOAL_FILE_STORE and the SHOAL_FILE_STORE_DIR / SHOAL_S3_* settings):
// read by the gateway (uploads), the engine (files nodes read and store) and standalone. The two
// distributed services must name the same store.
import path from 'node:path';
import { z } from 'zod';
import type { FileStoreSettings } from '../files/file-store.settings';
import { env } from './parse-config';

export type FileStoreKind = 'postgres' | 'fs' | 's3';

/** SHOAL_FILE_STORE with its default: distributed services keep Postgres, standalone uses its data directory. */
export const fileStoreKindEnv = (def: FileStoreKind) =>
  z.enum(['postgres', 'fs', 's3'], { error: 'must be postgres, fs or s3' }).default(def);

// a bucket name as S3 allows it (3-63 lower-case letters, digits, dots, hyphens)
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
// key segments of letters, digits and . _ - separated by '/', no empty, '.' or '..' segment
const PREFIX_SEGMENT = /^[A-Za-z0-9._-]+$/;

export const fileStoreEnv = {
  SHOAL_FILE_STORE: fileStoreKindEnv('postgres'),
  /** fs: the directory (a volume every gateway and engine replica mounts) */
  SHOAL_FILE_STORE_DIR: z
    .string()
    .refine((p) => path.isAbsolute(p), 'must be an absolute path')
    .optional(),
  SHOAL_S3_BUCKET: z.string().regex(BUCKET, 'must be a bucket name (3-63 lower-case letters, digits, dots and hyphens)').optional(),
  SHOAL_S3_REGION: z.string().min(1).default('us-east-1'),
  /** a non-AWS service (MinIO, R2, …); AWS's own endpoint for the region when unset */
  SHOAL_S3_ENDPOINT: env.url(['http', 'https']).optional(),
  SHOAL_S3_ACCESS_KEY_ID: z.string().min(1).optional(),
  SHOAL_S3_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  SHOAL_S3_FORCE_PATH_STYLE: z.enum(['true', 'false'], { error: 'must be true or false' }).default('false'),
  /** keys start with it, e.g. `shoal/files` */
  SHOAL_S3_PREFIX: z
    .string()
    .refine(
      (p) =>
        p
          .replace(/^\/+|\/+$/g, '')
          .split('/')
          .every((s) => PREFIX_SEGMENT.test(s) && s !== '.' && s !== '..'),
      'must be key segments of letters, digits, ".", "_" and "-" separated by "/"',
    )
    .optional(),
};

type FileStoreEnv = {
  SHOAL_FILE_STORE: FileStoreKind;
  SHOAL_FILE_STORE_DIR?: string;
  SHOAL_S3_BUCKET?: string;
  SHOAL_S3_REGION: string;
  SHOAL_S3_ENDPOINT?: string;
  SHOAL_S3_ACCESS_KEY_ID?: string;
  SHOAL_S3_SECRET_ACCESS_KEY?: string;
  SHOAL_S3_FORCE_PATH_STYLE: 'true' | 'false';
  SHOAL_S3_PREFIX?: string;
};

/**
 * The rules across the variables, for an app schema's `.superRefine`: fs needs a directory (unless
 * the app has a default one: standalone's data directory), s3 a bucket, and the two S3 keys go together.
 */
export function checkFileStoreEnv(o: { dirRequired: boolean }) {
  return (c: FileStoreEnv, ctx: z.RefinementCtx): void => {
    const need = (variable: keyof FileStoreEnv, message: string) => ctx.addIssue({ code: 'custom', path: [variable], message });
    if (c.SHOAL_FILE_STORE === 'fs' && o.dirRequired && !c.SHOAL_FILE_STORE_DIR)
      need('SHOAL_FILE_STORE_DIR', 'is required when SHOAL_FILE_STORE is fs');
    if (c.SHOAL_FILE_STORE !== 's3') return;
    if (!c.SHOAL_S3_BUCKET) need('SHOAL_S3_BUCKET', 'is required when SHOAL_FILE_STORE is s3');
    if (c.SHOAL_S3_ACCESS_KEY_ID && !c.SHOAL_S3_SECRET_ACCESS_KEY)
      need('SHOAL_S3_SECRET_ACCESS_KEY', 'is required when SHOAL_S3_ACCESS_KEY_ID is set');
    if (c.SHOAL_S3_SECRET_ACCESS_KEY && !c.SHOAL_S3_ACCESS_KEY_ID)
      need('SHOAL_S3_ACCESS_KEY_ID', 'is required when SHOAL_S3_SECRET_ACCESS_KEY is set');
  };
}

/** The store the parsed variables name; `defaultDir` is the directory fs uses when none is set. */
export function fileStoreSettingsOf(c: FileStoreEnv, o: { defaultDir?: string } = {}): FileStoreSettings {
  switch (c.SHOAL_FILE_STORE) {
    case 'postgres':
      return { kind: 'postgres' };
    case 'fs': {
      const dir = c.SHOAL_FILE_STORE_DIR ?? o.defaultDir;
      if (!dir) throw new Error('SHOAL_FILE_STORE_DIR: is required when SHOAL_FILE_STORE is fs');
      return { kind: 'fs', dir };
    }
    case 's3': {
      const prefix = (c.SHOAL_S3_PREFIX ?? '').replace(/^\/+|\/+$/g, '');
      return {
        kind: 's3',
        s3: {
          bucket: c.SHOAL_S3_BUCKET ?? '',
          region: c.SHOAL_S3_REGION,
          endpoint: c.SHOAL_S3_ENDPOINT,
          accessKeyId: c.SHOAL_S3_ACCESS_KEY_ID,
          secretAccessKey: c.SHOAL_S3_SECRET_ACCESS_KEY,
          forcePathStyle: c.SHOAL_S3_FORCE_PATH_STYLE === 'true',
          prefix: prefix ? `${prefix}/` : '',
        },
      };
    }
  }
}
