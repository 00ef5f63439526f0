// An uploaded file as each API shows it: Shoal's REST (ISO times, the content URL) and Dify's
// upload answer (unix seconds, Dify's fields).
import { unixSeconds } from '../dify/dify-app';
import type { FileRow } from './files.repository';

/** Where a file's bytes are read: the content route, under the configured public URL when there is one. */
export function fileContentUrl(fileId: string, publicBaseUrl: string | null): string {
  return `${publicBaseUrl ?? ''}/v1/files/${fileId}/content`;
}

export function presentFile(f: FileRow, publicBaseUrl: string | null) {
  return {
    id: f.id,
    object: 'file',
    name: f.name,
    size: f.size,
    extension: f.extension,
    mime_type: f.mimeType,
    kind: f.kind,
    sha256: f.sha256,
    url: fileContentUrl(f.id, publicBaseUrl),
    created_by: f.endUser ?? f.apiKeyId,
    api_key_id: f.apiKeyId,
    workflow_id: f.workflowId,
    created_at: f.createdAt.toISOString(),
  };
}

/** Dify's answer to POST /v1/files/upload. */
export function presentDifyFile(f: FileRow) {
  return {
    id: f.id,
    name: f.name,
    size: f.size,
    extension: f.extension,
    mime_type: f.mimeType,
    created_by: f.endUser ?? f.apiKeyId,
    created_at: unixSeconds(f.createdAt),
  };
}
