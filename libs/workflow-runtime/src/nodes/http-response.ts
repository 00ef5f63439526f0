// Reads an http-request node's response as Dify's Response does: text or file (by Content-Disposition,
// content type and a look at the bytes), headers as one value per lower-cased name.
import { EXTENSIONS, difyFileType } from './tool-file';

const TEXT_APPLICATION_TYPES = ['json', 'xml', 'javascript', 'x-www-form-urlencoded', 'yaml', 'graphql'];
const TEXT_MARKERS = ['{', '[', '<', 'function', 'var ', 'const ', 'let '];
/**
 * application/* types Python's mimetypes knows (it maps them to an extension, so Dify reads them as
 * files); an application type it does not know and that does not look like text is not a file.
 */
const KNOWN_APPLICATION_TYPES = new Set([
  'octet-stream',
  'pdf',
  'zip',
  'gzip',
  'x-gzip',
  'x-tar',
  'x-7z-compressed',
  'x-bzip2',
  'msword',
  'rtf',
  'epub+zip',
  'wasm',
  'x-sh',
  'x-shockwave-flash',
  'postscript',
  'vnd.ms-excel',
  'vnd.ms-powerpoint',
  'vnd.openxmlformats-officedocument.wordprocessingml.document',
  'vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  'vnd.openxmlformats-officedocument.presentationml.presentation',
]);

/** One value per lower-cased name, repeated headers joined by ', ' (httpx's `dict(response.headers)`). */
export function headersObject(headers: ReadonlyArray<[string, string]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of headers) {
    const key = k.toLowerCase();
    out[key] = Object.hasOwn(out, key) ? `${out[key]}, ${v}` : v;
  }
  return out;
}

/** The filename of a Content-Disposition (`filename*=UTF-8''…` first), or null; whether it says attachment. */
export function contentDisposition(value: string | undefined): { attachment: boolean; filename: string | null } {
  if (!value) return { attachment: false, filename: null };
  const attachment = /^\s*attachment\b/i.test(value);
  const extended = /filename\*\s*=\s*([^']*)'[^']*'([^;]+)/i.exec(value);
  if (extended) {
    try {
      return { attachment, filename: decodeURIComponent(extended[2].trim()) };
    } catch {
      // a malformed percent-encoding: fall back to the plain filename
    }
  }
  const plain = /filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]+))/i.exec(value);
  return { attachment, filename: plain ? (plain[1] ?? plain[2]).trim() : null };
}

function looksLikeUtf8Text(body: Uint8Array): boolean {
  let sample: string;
  try {
    sample = new TextDecoder('utf-8', { fatal: true }).decode(body.subarray(0, 1024));
  } catch {
    // a sample cut inside a multi-byte character still counts as UTF-8 when the rest decodes
    try {
      sample = new TextDecoder('utf-8', { fatal: true }).decode(body.subarray(0, 1021));
    } catch {
      return false;
    }
  }
  return TEXT_MARKERS.some((m) => sample.includes(m));
}

/** Dify's Response.is_file. */
export function isFileResponse(headers: Readonly<Record<string, string>>, body: Uint8Array): boolean {
  const contentType = (headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  const disposition = contentDisposition(headers['content-disposition']);
  if (disposition.attachment || disposition.filename !== null) return true;
  if (contentType.startsWith('text/') && !contentType.includes('csv')) return false;
  if (contentType.startsWith('application/')) {
    if (TEXT_APPLICATION_TYPES.some((t) => contentType.includes(t))) return false;
    if (looksLikeUtf8Text(body)) return false;
  }
  const [main, sub = ''] = contentType.split('/');
  if (main === 'image' || main === 'audio' || main === 'video') return true;
  return main === 'application' && KNOWN_APPLICATION_TYPES.has(sub);
}

/** The body as text in the charset the content type names (UTF-8 otherwise or when unknown), bad bytes replaced. */
export function decodeText(headers: Readonly<Record<string, string>>, body: Uint8Array): string {
  const charset = /charset\s*=\s*"?([^";\s]+)/i.exec(headers['content-type'] ?? '')?.[1];
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(body);
  } catch {
    return new TextDecoder('utf-8').decode(body);
  }
}

/** The response described as Dify's file object, pointing at the URL that answered (remote_url). */
export function responseFile(url: string, headers: Readonly<Record<string, string>>, size: number): ResponseFile {
  const mimeType = (headers['content-type'] ?? '').split(';')[0].trim().toLowerCase() || 'application/octet-stream';
  const fromUrl = safeDecode(new URL(url).pathname.split('/').pop() ?? '');
  const filename = contentDisposition(headers['content-disposition']).filename || fromUrl || `file${EXTENSIONS[mimeType] ?? ''}`;
  const dot = filename.lastIndexOf('.');
  return {
    dify_model_identity: '__dify__file__',
    type: difyFileType(mimeType),
    transfer_method: 'remote_url',
    remote_url: url,
    related_id: null,
    url,
    filename,
    extension: dot > 0 ? filename.slice(dot).toLowerCase() : (EXTENSIONS[mimeType] ?? null),
    mime_type: mimeType,
    size,
  };
}

export interface ResponseFile extends Record<string, unknown> {
  filename: string;
  extension: string | null;
  mime_type: string;
}

/** The response file once stored: Dify's tool file (`transfer_method: tool_file`, `related_id` the stored id). */
export function storedFile(file: ResponseFile, stored: { id: string; url: string }): ResponseFile {
  return { ...file, transfer_method: 'tool_file', remote_url: null, related_id: stored.id, url: stored.url };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
