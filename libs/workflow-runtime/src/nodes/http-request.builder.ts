// Builds an http-request node's request from its data and the pool, as Dify's http_request Executor
// does (headers and params as `key: value` lines, auth headers, body types, content types), with
// every part bounded. Also renders Dify's process_data `request` text, the auth header masked.
import { renderTemplate, type HttpBodyItem, type HttpRequestNodeData, type VariableLookup } from '@shoal/workflow-dsl';
import type { HttpNodeLimits } from '../ports';
import { HttpRequestNodeError } from './http-request.errors';

export const HTTP_REQUEST_BOUNDS = {
  urlChars: 8192,
  headers: 100,
  headerBytes: 16 * 1024,
  params: 1000,
} as const;

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  json: 'application/json',
  'x-www-form-urlencoded': 'application/x-www-form-urlencoded',
  'raw-text': 'text/plain',
};

/** The bytes of a file a body sends, fetched by the node before the request is built. */
export interface BodyFile {
  filename: string;
  mimeType: string;
  bytes: Uint8Array;
}

export interface BuiltRequest {
  method: string;
  url: string;
  headers: Array<[string, string]>;
  body: Uint8Array | null;
  /** Dify's process_data.request: the request as HTTP/1.1 text, the authorization header masked. */
  log: string;
}

/** `key: value` lines; a line without ':' is a key with an empty value; blank keys are skipped. */
export function parseKeyValueLines(text: string): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line) continue;
    const at = line.indexOf(':');
    const key = (at < 0 ? line : line.slice(0, at)).trim();
    if (key) out.push([key, at < 0 ? '' : line.slice(at + 1).trim()]);
  }
  return out;
}

// A header name as RFC 9110 tokens allow it; a value without control characters (no header injection).
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f]/;

function checkHeader(name: string, value: string): void {
  if (!TOKEN.test(name)) throw new HttpRequestNodeError(`header name '${name.slice(0, 64)}' is not a valid HTTP header name`);
  if (CONTROL.test(value)) throw new HttpRequestNodeError(`header '${name}' has a value with a line break or control character`);
  if (name.length + value.length > HTTP_REQUEST_BOUNDS.headerBytes)
    throw new HttpRequestNodeError(`header '${name}' is longer than ${HTTP_REQUEST_BOUNDS.headerBytes} bytes`);
}

function setHeader(headers: Array<[string, string]>, name: string, value: string): void {
  const lower = name.toLowerCase();
  for (let i = headers.length - 1; i >= 0; i--) if (headers[i][0].toLowerCase() === lower) headers.splice(i, 1);
  headers.push([name, value]);
}

const hasHeader = (headers: Array<[string, string]>, name: string) => headers.some(([k]) => k.toLowerCase() === name);

function authHeader(data: HttpRequestNodeData, lookup: VariableLookup): [string, string] | null {
  const auth = data.authorization;
  if (auth.type !== 'api-key') return null;
  const key = renderTemplate(auth.config.api_key, lookup);
  if (!key.trim()) throw new HttpRequestNodeError('API key is required for authorization but was empty. Please provide a valid API key.');
  const header = auth.config.header.trim() || 'Authorization';
  switch (auth.config.type) {
    case 'bearer':
      return [header, `Bearer ${key}`];
    case 'basic':
      // Dify encodes `user:password`; a key without ':' is taken as already encoded
      return [header, `Basic ${key.includes(':') ? Buffer.from(key, 'utf8').toString('base64') : key}`];
    case 'custom':
      return [header, key];
  }
}

function renderUrl(data: HttpRequestNodeData, lookup: VariableLookup): URL {
  const text = renderTemplate(data.url, lookup).trim();
  if (!text) throw new HttpRequestNodeError('url is required');
  if (text.length > HTTP_REQUEST_BOUNDS.urlChars)
    throw new HttpRequestNodeError(`url is longer than ${HTTP_REQUEST_BOUNDS.urlChars} characters`);
  if (!/^https?:\/\//i.test(text)) throw new HttpRequestNodeError('url should start with http:// or https://');
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new HttpRequestNodeError(`url '${text.slice(0, 200)}' is not a valid URL`);
  }
  const params = parseKeyValueLines(data.params);
  if (params.length > HTTP_REQUEST_BOUNDS.params) throw new HttpRequestNodeError(`more than ${HTTP_REQUEST_BOUNDS.params} params`);
  for (const [k, v] of params) url.searchParams.append(renderTemplate(k, lookup), renderTemplate(v, lookup));
  if (url.href.length > HTTP_REQUEST_BOUNDS.urlChars)
    throw new HttpRequestNodeError(`url is longer than ${HTTP_REQUEST_BOUNDS.urlChars} characters`);
  return url;
}

function singleItem(data: HttpRequestNodeData): HttpBodyItem {
  const { type, data: items } = data.body;
  if (items.length !== 1) throw new HttpRequestNodeError(`${type} body type should have exactly one item`);
  return items[0];
}

interface Body {
  bytes: Uint8Array | null;
  contentType: string | null;
  /** How the body reads in process_data. */
  log: string;
}

const utf8 = (s: string) => new TextEncoder().encode(s);

function multipart(fields: Array<[string, string]>, files: Array<[string, BodyFile]>, boundary: string): Body {
  const chunks: Uint8Array[] = [];
  let log = '';
  const quote = (s: string) => s.replace(/["\\\r\n]/g, (c) => (c === '"' ? '%22' : c === '\\' ? '\\\\' : ' '));
  for (const [name, value] of fields) {
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="${quote(name)}"\r\n\r\n`;
    chunks.push(utf8(head + value + '\r\n'));
    log += head + value + '\r\n';
  }
  for (const [name, file] of files) {
    const head =
      `--${boundary}\r\nContent-Disposition: form-data; name="${quote(name)}"; filename="${quote(file.filename)}"\r\n` +
      `Content-Type: ${file.mimeType}\r\n\r\n`;
    chunks.push(utf8(head), file.bytes, utf8('\r\n'));
    log += `--${boundary}\r\nContent-Disposition: form-data; name="${quote(name)}"\r\n\r\n<file_content_binary: '${file.filename}', type='${file.mimeType}', size=${file.bytes.length} bytes>\r\n`;
  }
  chunks.push(utf8(`--${boundary}--\r\n`));
  log += `--${boundary}--\r\n`;
  return { bytes: Buffer.concat(chunks), contentType: `multipart/form-data; boundary=${boundary}`, log };
}

function buildBody(
  data: HttpRequestNodeData,
  lookup: VariableLookup,
  files: ReadonlyMap<HttpBodyItem, BodyFile[]>,
  boundary: string,
): Body {
  const { type } = data.body;
  switch (type) {
    case 'none':
      return { bytes: null, contentType: null, log: '' };
    case 'raw-text': {
      const text = renderTemplate(singleItem(data).value, lookup);
      return { bytes: utf8(text), contentType: CONTENT_TYPES[type], log: text };
    }
    case 'json': {
      const text = renderTemplate(singleItem(data).value, lookup);
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch (e) {
        throw new HttpRequestNodeError(`Failed to parse JSON: ${(e as Error).message}`);
      }
      return { bytes: utf8(JSON.stringify(value)), contentType: CONTENT_TYPES[type], log: text };
    }
    case 'x-www-form-urlencoded': {
      const form = new URLSearchParams();
      for (const item of data.body.data) form.append(renderTemplate(item.key, lookup), renderTemplate(item.value, lookup));
      return { bytes: utf8(form.toString()), contentType: CONTENT_TYPES[type], log: form.toString() };
    }
    case 'binary': {
      const [file] = files.get(singleItem(data)) ?? [];
      if (!file) throw new HttpRequestNodeError(`cannot fetch file with selector ${singleItem(data).file.join('.')}`);
      return { bytes: file.bytes, contentType: null, log: `<binary_content: size=${file.bytes.length} bytes>` };
    }
    case 'form-data': {
      const fields: Array<[string, string]> = [];
      const parts: Array<[string, BodyFile]> = [];
      for (const item of data.body.data) {
        const key = renderTemplate(item.key, lookup);
        if (item.type === 'file') for (const f of files.get(item) ?? []) parts.push([key, f]);
        else fields.push([key, renderTemplate(item.value, lookup)]);
      }
      return multipart(fields, parts, boundary);
    }
  }
}

/**
 * The request the node sends. `files` holds the fetched files of binary and form-data items;
 * `boundary` is the multipart boundary (random per request in production).
 */
export function buildHttpRequest(
  data: HttpRequestNodeData,
  lookup: VariableLookup,
  files: ReadonlyMap<HttpBodyItem, BodyFile[]>,
  limits: Pick<HttpNodeLimits, 'maxBinaryBytes'>,
  boundary: string,
): BuiltRequest {
  const url = renderUrl(data, lookup);
  const lines = parseKeyValueLines(data.headers);
  if (lines.length > HTTP_REQUEST_BOUNDS.headers) throw new HttpRequestNodeError(`more than ${HTTP_REQUEST_BOUNDS.headers} headers`);
  const headers: Array<[string, string]> = [];
  for (const [k, v] of lines) {
    const name = renderTemplate(k, lookup).trim();
    const value = renderTemplate(v, lookup).trim();
    checkHeader(name, value);
    setHeader(headers, name, value);
  }
  const auth = authHeader(data, lookup);
  if (auth) {
    checkHeader(auth[0], auth[1]);
    setHeader(headers, auth[0], auth[1]);
  }
  const body = buildBody(data, lookup, files, boundary);
  if (body.bytes && body.bytes.length > limits.maxBinaryBytes)
    throw new HttpRequestNodeError(`the request body is ${body.bytes.length} bytes, more than the limit of ${limits.maxBinaryBytes}`);
  // a multipart body always carries its own boundary; other types keep a content type the node set
  if (body.contentType && (data.body.type === 'form-data' || !hasHeader(headers, 'content-type')))
    setHeader(headers, 'Content-Type', body.contentType);
  const method = data.method.toUpperCase();
  return { method, url: url.href, headers, body: body.bytes, log: requestLog(method, url, headers, auth?.[0] ?? null, body.log) };
}

function requestLog(method: string, url: URL, headers: Array<[string, string]>, authName: string | null, body: string): string {
  let raw = `${method} ${url.pathname || '/'}${url.search} HTTP/1.1\r\nHost: ${url.host}\r\n`;
  for (const [k, v] of headers) raw += `${k}: ${authName && k.toLowerCase() === authName.toLowerCase() ? '*'.repeat(v.length) : v}\r\n`;
  if (body) raw += `Content-Length: ${Buffer.byteLength(body)}\r\n`;
  return raw + '\r\n' + body;
}
