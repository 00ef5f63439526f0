// Dify's file object for a file a node received and stored (Dify's tool file: `transfer_method:
// tool_file`, `related_id` the stored id), and the MIME type facts both http-request and tool nodes
// name their files with.

/** The extension Shoal gives a file of that MIME type when nothing else names one. */
export const EXTENSIONS: Readonly<Record<string, string>> = {
  'application/pdf': '.pdf',
  'application/zip': '.zip',
  'application/json': '.json',
  'application/octet-stream': '.bin',
  'image/png': '.png',
  'image/jpeg': '.jpg',
  'image/gif': '.gif',
  'image/webp': '.webp',
  'image/svg+xml': '.svg',
  'audio/mpeg': '.mp3',
  'audio/wav': '.wav',
  'video/mp4': '.mp4',
  'text/csv': '.csv',
};

/** Dify's file `type` for a MIME type. */
export function difyFileType(mimeType: string): string {
  if (mimeType.startsWith('image/')) return 'image';
  if (mimeType.startsWith('audio/')) return 'audio';
  if (mimeType.startsWith('video/')) return 'video';
  if (mimeType === 'application/pdf' || mimeType.includes('word') || mimeType.includes('sheet') || mimeType === 'text/csv')
    return 'document';
  return 'custom';
}

/** The stored file as Dify's file object. */
export function toolFileObject(
  file: { filename: string; extension: string; mimeType: string; size: number },
  stored: { id: string; url: string },
): Record<string, unknown> {
  return {
    dify_model_identity: '__dify__file__',
    type: difyFileType(file.mimeType),
    transfer_method: 'tool_file',
    remote_url: null,
    related_id: stored.id,
    url: stored.url,
    filename: file.filename,
    extension: file.extension || null,
    mime_type: file.mimeType,
    size: file.size,
  };
}
