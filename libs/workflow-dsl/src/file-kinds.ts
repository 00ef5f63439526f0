// Dify's file kinds and the extensions each takes, so an upload, a file input and the app's form agree.

export const FILE_KINDS = ['document', 'image', 'audio', 'video', 'custom'] as const;
export type FileKind = (typeof FILE_KINDS)[number];

/**
 * Dify's extension lists (lower case, no dot). Documents are the list Dify takes with its
 * Unstructured extractor, the wider of its two: Shoal stores and hands files on, it extracts nothing.
 */
export const FILE_KIND_EXTENSIONS: Readonly<Record<Exclude<FileKind, 'custom'>, readonly string[]>> = Object.freeze({
  document: [
    'txt',
    'markdown',
    'md',
    'mdx',
    'pdf',
    'html',
    'htm',
    'xlsx',
    'xls',
    'vtt',
    'properties',
    'doc',
    'docx',
    'csv',
    'eml',
    'msg',
    'pptx',
    'xml',
    'epub',
  ],
  image: ['jpg', 'jpeg', 'png', 'webp', 'gif', 'svg'],
  audio: ['mp3', 'm4a', 'wav', 'amr', 'mpga'],
  video: ['mp4', 'mov', 'mpeg', 'webm'],
});

const KIND_BY_EXTENSION = new Map<string, FileKind>(
  Object.entries(FILE_KIND_EXTENSIONS).flatMap(([kind, exts]) => exts.map((e) => [e, kind as FileKind] as const)),
);

/** The kind an extension (with or without its dot, any case) belongs to; `custom` for any other. */
export function fileKindOf(extension: string): FileKind {
  return KIND_BY_EXTENSION.get(extension.replace(/^\./, '').toLowerCase()) ?? 'custom';
}

export function isFileKind(value: unknown): value is FileKind {
  return typeof value === 'string' && (FILE_KINDS as readonly string[]).includes(value);
}

/** `Report.PDF` → `pdf`; '' when the name has no extension. */
export function extensionOf(filename: string): string {
  const dot = filename.lastIndexOf('.');
  return dot > 0 && dot < filename.length - 1 ? filename.slice(dot + 1).toLowerCase() : '';
}
