// File values of a run, as Dify's API takes them (a file input, or the request's `files`), turned into
// Dify's file object for the variable pool. Uploaded files (`local_file`) are looked up through a
// function the caller fills beforehand (the gateway reads the tenant's files), so this stays pure.
import { FILE_KINDS, extensionOf, fileKindOf, isFileKind } from './file-kinds';
import type { StartVariable } from './nodes/start.node';
import { describeValue, formatPath, quoteList, type ValidationIssue } from './validation-issue';

/** What a run needs to know of an uploaded file. */
export interface UploadedFileFacts {
  id: string;
  filename: string;
  /** lower case, without the dot */
  extension: string;
  mimeType: string;
  size: number;
  /** where its bytes are read (the content route) */
  url: string;
}

/** The tenant's uploaded file of that id, or undefined when it has none (or the caller may not use it). */
export type UploadedFileLookup = (id: string) => UploadedFileFacts | undefined;

/** The rules a file value is checked against: a file variable's, or none for the request's `files`. */
export type FileRules = Pick<StartVariable, 'allowed_file_types' | 'allowed_file_extensions' | 'allowed_file_upload_methods'>;

const MAX_URL_LENGTH = 2048;
const MAX_ID_LENGTH = 128;
/** no run names more uploads than this, across its inputs and `files` */
export const MAX_UPLOAD_IDS_PER_RUN = 100;

type Fields = Record<string, unknown>;

function isObject(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function uploadIdOf(f: Fields): unknown {
  return f.upload_file_id ?? f.related_id;
}

/**
 * The upload ids a run's inputs (values of its variables, and lists of them) and `files` name, at
 * most `MAX_UPLOAD_IDS_PER_RUN` of them: what the caller must look up before validating.
 */
export function uploadIdsIn(inputs: unknown, files: unknown): string[] {
  const ids = new Set<string>();
  const visit = (value: unknown) => {
    if (ids.size >= MAX_UPLOAD_IDS_PER_RUN) return;
    if (isObject(value) && value.transfer_method === 'local_file') {
      const id = uploadIdOf(value);
      if (typeof id === 'string' && id.length <= MAX_ID_LENGTH) ids.add(id);
    }
  };
  const values = [...(isObject(inputs) ? Object.values(inputs) : []), ...(Array.isArray(files) ? files : [])];
  for (const v of values) {
    if (Array.isArray(v)) v.slice(0, MAX_UPLOAD_IDS_PER_RUN).forEach(visit);
    else visit(v);
  }
  return [...ids];
}

/**
 * A file as Dify's API takes it: `{ type, transfer_method: 'remote_url', url }` (or just the URL), or
 * `{ type, transfer_method: 'local_file', upload_file_id }`, checked against the rules. Returns Dify's
 * file object, or what is wrong as a sentence. Without `uploads` (the engine re-checking a stored
 * run) an uploaded file is taken only as the file object the gateway resolved it to.
 */
export function toRunFile(value: unknown, rules: FileRules, uploads?: UploadedFileLookup): Fields | string {
  const given = typeof value === 'string' ? { transfer_method: 'remote_url', url: value } : value;
  if (!isObject(given))
    return `must be a file: { "type", "transfer_method": "remote_url", "url" }, { "type", "transfer_method": "local_file", "upload_file_id" } or a URL (got ${describeValue(value)})`;
  const method = given.transfer_method ?? 'remote_url';
  if (method !== 'remote_url' && method !== 'local_file')
    return `has transfer_method ${describeValue(method)}; must be 'remote_url' or 'local_file'`;
  if (rules.allowed_file_upload_methods?.length && !rules.allowed_file_upload_methods.includes(method))
    return method === 'local_file'
      ? 'must be given by URL; this variable does not take uploads'
      : 'must be uploaded; this variable does not take URLs';
  const file = method === 'local_file' ? localFile(given, uploads) : remoteFile(given);
  if (typeof file === 'string') return file;
  const kind = given.type ?? fileKindOf(file.extension as string);
  if (!isFileKind(kind)) return `has type ${describeValue(kind)}; must be one of ${quoteList([...FILE_KINDS])}`;
  const allowedKinds = rules.allowed_file_types ?? [];
  if (allowedKinds.length && !allowedKinds.includes(kind)) {
    // 'custom' admits the listed extensions, as Dify's form does
    const byExtension =
      allowedKinds.includes('custom') &&
      (rules.allowed_file_extensions ?? []).map((e) => e.toLowerCase()).includes(file.extension as string);
    if (!byExtension) return `has type '${kind}'; this variable takes ${quoteList(allowedKinds)}`;
  }
  return { dify_model_identity: '__dify__file__', type: kind, ...file };
}

function remoteFile(f: Fields): Fields | string {
  const url = f.url ?? f.remote_url;
  if (typeof url !== 'string' || url.length > MAX_URL_LENGTH) return `must have a url of at most ${MAX_URL_LENGTH} characters`;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `has a url that is not a URL (${describeValue(url.slice(0, 80))})`;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')
    return `has a url whose scheme is not http or https (${parsed.protocol})`;
  let filename: string;
  try {
    filename = decodeURIComponent(parsed.pathname.split('/').pop() ?? '') || 'file';
  } catch {
    filename = 'file';
  }
  const extension = extensionOf(filename);
  return {
    transfer_method: 'remote_url',
    remote_url: url,
    related_id: null,
    url,
    filename,
    extension: extension ? `.${extension}` : '',
    mime_type: null,
    size: -1,
  };
}

function localFile(f: Fields, uploads: UploadedFileLookup | undefined): Fields | string {
  const id = uploadIdOf(f);
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID_LENGTH)
    return `must name its upload: upload_file_id, a file id of at most ${MAX_ID_LENGTH} characters (got ${describeValue(id)})`;
  if (!uploads) {
    // the gateway stored what it resolved: Dify's file object, which carries all of this
    const resolved =
      f.dify_model_identity === '__dify__file__' &&
      typeof f.filename === 'string' &&
      typeof f.extension === 'string' &&
      typeof f.url === 'string' &&
      typeof f.size === 'number';
    if (!resolved) return `names upload '${id}', which cannot be looked up here`;
    return {
      transfer_method: 'local_file',
      remote_url: null,
      related_id: id,
      url: f.url,
      filename: f.filename,
      extension: f.extension,
      mime_type: typeof f.mime_type === 'string' ? f.mime_type : null,
      size: f.size,
    };
  }
  const upload = uploads(id);
  if (!upload) return `names upload_file_id '${id}', which is not a file uploaded to this workspace (POST /v1/files)`;
  return {
    transfer_method: 'local_file',
    remote_url: null,
    related_id: upload.id,
    url: upload.url,
    filename: upload.filename,
    extension: upload.extension ? `.${upload.extension}` : '',
    mime_type: upload.mimeType,
    size: upload.size,
  };
}

export type ValidateRunFilesResult = { ok: true; files: Fields[] } | { ok: false; issues: ValidationIssue[] };

/** The request's `files` (Dify's, for sys.files): a list of at most `max` files, each as `toRunFile` takes it under `rules`. */
export function validateRunFiles(
  files: unknown,
  opts: { max: number; rules?: FileRules; uploads?: UploadedFileLookup },
): ValidateRunFilesResult {
  if (files === undefined || files === null) return { ok: true, files: [] };
  if (!Array.isArray(files))
    return {
      ok: false,
      issues: [{ path: 'files', code: 'invalid_type', message: `files must be a list of files (got ${describeValue(files)})` }],
    };
  if (files.length > opts.max)
    return {
      ok: false,
      issues: [{ path: 'files', code: 'too_big', message: `files must hold at most ${opts.max} files (got ${files.length})` }],
    };
  const out: Fields[] = [];
  const issues: ValidationIssue[] = [];
  for (const [i, f] of files.entries()) {
    const file = toRunFile(f, opts.rules ?? {}, opts.uploads);
    const path = formatPath(['files', i]);
    if (typeof file === 'string') issues.push({ path, code: 'invalid_value', message: `${path} ${file}` });
    else out.push(file);
  }
  return issues.length ? { ok: false, issues } : { ok: true, files: out };
}
