// How big an upload may be, of which kinds, and where its content is served: Dify's defaults,
// each overridable from the environment (parsed once in the app's config schema).
import { z } from 'zod';
import { env } from '@shoal/platform';
import { FILE_KIND_EXTENSIONS, fileKindOf, type FileKind } from '@shoal/workflow-dsl';

export interface FileLimits {
  /** bytes of a document or any other file (Dify's UPLOAD_FILE_SIZE_LIMIT, 15 MB) */
  maxBytes: number;
  /** bytes of an image (Dify's UPLOAD_IMAGE_FILE_SIZE_LIMIT, 10 MB) */
  maxImageBytes: number;
  /** bytes of an audio file (Dify's UPLOAD_AUDIO_FILE_SIZE_LIMIT, 50 MB) */
  maxAudioBytes: number;
  /** bytes of a video (Dify's UPLOAD_VIDEO_FILE_SIZE_LIMIT, 100 MB) */
  maxVideoBytes: number;
  /** extensions taken besides Dify's document, image, audio and video ones (lower case, no dot); they upload as `custom` */
  extraExtensions: readonly string[];
  /** uploads one process reads at once: each is held in memory (up to its limit) until it is stored */
  maxConcurrentUploads: number;
  /** files a request's `files` may name (sys.files) when the app does not say (Dify's file_upload.number_limits) */
  maxRunFiles: number;
  /** prefix of the content URL a run's file objects carry (`https://api.example.com`); none: a path, `/v1/files/{id}/content` */
  publicBaseUrl: string | null;
}

const MB = 1024 * 1024;

export const DEFAULT_FILE_LIMITS: Readonly<FileLimits> = Object.freeze({
  maxBytes: 15 * MB,
  maxImageBytes: 10 * MB,
  maxAudioBytes: 50 * MB,
  maxVideoBytes: 100 * MB,
  extraExtensions: [],
  maxConcurrentUploads: 8,
  maxRunFiles: 10,
  publicBaseUrl: null,
});

export const FILE_LIMITS = Symbol('FILE_LIMITS');

/** Past this no size limit may go: the Postgres store keeps bytes in rows, and a file is held in memory while it is stored. */
const MAX_CONFIGURABLE_MB = 512;

const megabytes = (def: number) => z.coerce.number().int().positive().max(MAX_CONFIGURABLE_MB).default(def);

/** The environment variables of the file routes (the gateway's and standalone's config schemas spread them). */
export const filesEnv = {
  UPLOAD_FILE_SIZE_LIMIT: megabytes(15),
  UPLOAD_IMAGE_FILE_SIZE_LIMIT: megabytes(10),
  UPLOAD_AUDIO_FILE_SIZE_LIMIT: megabytes(50),
  UPLOAD_VIDEO_FILE_SIZE_LIMIT: megabytes(100),
  /** comma-separated: `json,yaml` */
  UPLOAD_EXTRA_EXTENSIONS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((e) => e.trim().replace(/^\./, '').toLowerCase())
        .filter(Boolean),
    )
    .refine(
      (list) => list.length <= 100 && list.every((e) => /^[a-z0-9]{1,16}$/.test(e)),
      'must be up to 100 extensions of letters and digits',
    ),
  UPLOAD_MAX_CONCURRENT: env.positiveInt(8),
  FILES_PUBLIC_BASE_URL: env.url(['http', 'https']).optional(),
};

export function fileLimitsOf(c: {
  UPLOAD_FILE_SIZE_LIMIT: number;
  UPLOAD_IMAGE_FILE_SIZE_LIMIT: number;
  UPLOAD_AUDIO_FILE_SIZE_LIMIT: number;
  UPLOAD_VIDEO_FILE_SIZE_LIMIT: number;
  UPLOAD_EXTRA_EXTENSIONS: string[];
  UPLOAD_MAX_CONCURRENT: number;
  FILES_PUBLIC_BASE_URL?: string;
}): FileLimits {
  return {
    ...DEFAULT_FILE_LIMITS,
    maxBytes: c.UPLOAD_FILE_SIZE_LIMIT * MB,
    maxImageBytes: c.UPLOAD_IMAGE_FILE_SIZE_LIMIT * MB,
    maxAudioBytes: c.UPLOAD_AUDIO_FILE_SIZE_LIMIT * MB,
    maxVideoBytes: c.UPLOAD_VIDEO_FILE_SIZE_LIMIT * MB,
    extraExtensions: c.UPLOAD_EXTRA_EXTENSIONS,
    maxConcurrentUploads: c.UPLOAD_MAX_CONCURRENT,
    publicBaseUrl: c.FILES_PUBLIC_BASE_URL?.replace(/\/+$/, '') ?? null,
  };
}

/** The kind of an extension (no dot, lower case), or null when uploads of it are refused. */
export function uploadKindOf(extension: string, limits: FileLimits): FileKind | null {
  const kind = fileKindOf(extension);
  if (kind !== 'custom') return kind;
  return extension && limits.extraExtensions.includes(extension) ? 'custom' : null;
}

export function sizeLimitFor(kind: FileKind, limits: FileLimits): number {
  return kind === 'image'
    ? limits.maxImageBytes
    : kind === 'audio'
      ? limits.maxAudioBytes
      : kind === 'video'
        ? limits.maxVideoBytes
        : limits.maxBytes;
}

/** The largest upload any kind allows: the hard cap on what is read of a request. */
export function largestUpload(limits: FileLimits): number {
  return Math.max(limits.maxBytes, limits.maxImageBytes, limits.maxAudioBytes, limits.maxVideoBytes);
}

/** Every extension an upload may have, for messages and the docs. */
export function allowedExtensions(limits: FileLimits): string[] {
  return [...Object.values(FILE_KIND_EXTENSIONS).flat(), ...limits.extraExtensions];
}
