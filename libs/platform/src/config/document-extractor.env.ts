// document-extractor node settings (SHOAL_DOCUMENT_*): what one document may cost to read and parse.
import { env } from './parse-config';

export const documentExtractorEnv = {
  /** bytes of one document, uploaded or fetched (Dify's document upload limit: 15 MB) */
  SHOAL_DOCUMENT_MAX_BYTES: env.positiveInt(15 * 1024 * 1024),
  /** pages of one PDF */
  SHOAL_DOCUMENT_MAX_PAGES: env.positiveInt(500),
  /** characters of one document's text */
  SHOAL_DOCUMENT_MAX_CHARS: env.positiveInt(1_000_000),
  /** bytes a DOCX may unpack to (zip bombs stop here) */
  SHOAL_DOCUMENT_MAX_UNZIPPED_BYTES: env.positiveInt(100 * 1024 * 1024),
  /** wall time of one parse, its worker's start included */
  SHOAL_DOCUMENT_TIMEOUT_MS: env.positiveInt(30_000),
  /** V8 heap of one parsing worker */
  SHOAL_DOCUMENT_WORKER_MEMORY_MB: env.positiveInt(256),
  /** documents parsed at once (a worker thread each), and how many may wait */
  SHOAL_DOCUMENT_WORKERS: env.positiveInt(2),
  SHOAL_DOCUMENT_MAX_QUEUE: env.positiveInt(100),
};

/** @shoal/workflow-engine-feature's DocumentLimits */
export interface DocumentSettings {
  maxBytes: number;
  maxPages: number;
  maxChars: number;
  maxUnzippedBytes: number;
  timeoutMs: number;
  heapMb: number;
  workers: number;
  maxQueue: number;
}

type DocumentEnv = { [K in keyof typeof documentExtractorEnv]: number };

export function documentSettingsOf(c: DocumentEnv): DocumentSettings {
  return {
    maxBytes: c.SHOAL_DOCUMENT_MAX_BYTES,
    maxPages: c.SHOAL_DOCUMENT_MAX_PAGES,
    maxChars: c.SHOAL_DOCUMENT_MAX_CHARS,
    maxUnzippedBytes: c.SHOAL_DOCUMENT_MAX_UNZIPPED_BYTES,
    timeoutMs: c.SHOAL_DOCUMENT_TIMEOUT_MS,
    heapMb: c.SHOAL_DOCUMENT_WORKER_MEMORY_MB,
    workers: c.SHOAL_DOCUMENT_WORKERS,
    maxQueue: c.SHOAL_DOCUMENT_MAX_QUEUE,
  };
}
