// Dify's reading of MCP tool calls (MCPTool): empty arguments dropped, a text that is a JSON object (or
// a list of objects) becomes json, structured content becomes variables, an error result fails the node,
// images, audio and binary resources become files (blobs the tool node stores), text resources text.
// Pure, so the app that makes the call and the tests share it.
import { EXTENSIONS } from '../nodes/tool-file';
import { DEFAULT_TOOL_FILE_LIMITS, type NodeFileToStore, type ToolCallOutput, type ToolFileLimits } from '../ports';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The arguments to send: null and blank ones dropped (Dify's _handle_none_parameter), text cast to the
 * type the tool's input schema declares for it (number, integer, boolean, object, array).
 */
export function mcpArguments(
  params: Readonly<Record<string, unknown>>,
  inputSchema?: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const props = isObject(inputSchema?.properties) ? inputSchema.properties : {};
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(params)) {
    if (value === null || value === undefined || (typeof value === 'string' && value.trim() === '')) continue;
    const prop = props[name];
    const type = isObject(prop) ? prop.type : undefined;
    out[name] = typeof value === 'string' && typeof type === 'string' ? castText(value, type) : value;
  }
  return out;
}

function castText(text: string, type: string): unknown {
  const t = text.trim();
  switch (type) {
    case 'number':
    case 'integer': {
      const n = Number(t);
      return t !== '' && Number.isFinite(n) ? n : text;
    }
    case 'boolean':
      return t === 'true' ? true : t === 'false' ? false : text;
    case 'object':
    case 'array':
      try {
        const v: unknown = JSON.parse(t);
        return (type === 'array' ? Array.isArray(v) : isObject(v)) ? v : text;
      } catch {
        return text;
      }
    default:
      return text;
  }
}

export interface McpResultLike {
  content: ReadonlyArray<Record<string, unknown>>;
  structuredContent?: Record<string, unknown>;
  isError: boolean;
}

/** An MCP error result: the node's error is the tool's text. */
export class McpToolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ToolInvokeError';
  }
}

/** A tool result over one of the ToolFileLimits: the node's error names the limit. */
export class McpToolFilesError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ToolFileLimitError';
  }
}

export function mcpResultToOutput(result: McpResultLike, limits: ToolFileLimits = DEFAULT_TOOL_FILE_LIMITS): ToolCallOutput {
  const out: ToolCallOutput = { text: '', json: [], files: [] };
  const texts: string[] = [];
  for (const item of result.content) {
    if (item.type === 'text' && typeof item.text === 'string') readText(item.text, out, texts);
    else if (item.type === 'resource' && isObject(item.resource) && typeof item.resource.text === 'string') texts.push(item.resource.text);
  }
  out.text = texts.join('');
  if (result.isError) throw new McpToolError(out.text || 'the MCP tool returned an error');
  const blobs = blobsOf(result.content, limits);
  if (blobs.length) out.blobs = blobs;
  if (result.structuredContent && isObject(result.structuredContent)) out.variables = { ...result.structuredContent };
  return out;
}

/** The result's images, audio and binary resources, decoded, within the limits (checked before decoding). */
function blobsOf(content: McpResultLike['content'], limits: ToolFileLimits): NodeFileToStore[] {
  const blobs: NodeFileToStore[] = [];
  const names = new Set<string>();
  let total = 0;
  for (const item of content) {
    const resource = item.type === 'resource' && isObject(item.resource) ? item.resource : null;
    const data = item.type === 'image' || item.type === 'audio' ? item.data : resource?.blob;
    if (typeof data !== 'string') continue;
    const mimeType = mimeOf(resource ? resource.mimeType : item.mimeType);
    const filename = uniqueName(names, nameOf(String(item.type), mimeType, resource?.uri));
    if (blobs.length >= limits.maxFiles)
      throw new McpToolFilesError(
        `the tool returned more than ${limits.maxFiles} files; a tool node keeps at most ${limits.maxFiles} (MCP_MAX_FILES)`,
      );
    const size = base64Size(data);
    if (size === null) throw new McpToolFilesError(`the tool returned ${filename} with data that is not base64`);
    if (size > limits.maxFileBytes)
      throw new McpToolFilesError(
        `the tool returned ${filename} of ${size} bytes; a file may have at most ${limits.maxFileBytes} (HTTP_REQUEST_NODE_MAX_BINARY_SIZE)`,
      );
    total += size;
    if (total > limits.maxTotalBytes)
      throw new McpToolFilesError(
        `the tool returned files of more than ${limits.maxTotalBytes} bytes together; a tool node keeps at most ${limits.maxTotalBytes} (MCP_MAX_FILES_BYTES)`,
      );
    const dot = filename.lastIndexOf('.');
    blobs.push({
      filename,
      mimeType,
      extension: dot > 0 ? filename.slice(dot).toLowerCase() : '',
      bytes: Buffer.from(data, 'base64'),
    });
  }
  return blobs;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** The bytes standard base64 decodes to, or null when it is not base64 (padded or not). */
function base64Size(data: string): number | null {
  if (!BASE64.test(data) || data.length % 4 === 1) return null;
  const padding = data.endsWith('==') ? 2 : data.endsWith('=') ? 1 : 0;
  return Math.floor(((data.length - padding) * 3) / 4);
}

function mimeOf(value: unknown): string {
  const m = typeof value === 'string' ? value.split(';')[0].trim().toLowerCase() : '';
  return /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+$/.test(m) ? m : 'application/octet-stream';
}

/**
 * A name for the file: a resource's own (the last segment of its URI) when it has one, else its kind
 * (`image`, `audio`, `file`) with the extension of its MIME type.
 */
function nameOf(kind: string, mimeType: string, uri: unknown): string {
  const ext = EXTENSIONS[mimeType] ?? extensionOfSubtype(mimeType);
  if (typeof uri === 'string') {
    let last = uri.split(/[?#]/)[0].split('/').pop() ?? '';
    try {
      last = decodeURIComponent(last);
    } catch {
      // a malformed escape: the segment as it is
    }
    // no path separators or control characters in a file's name, and a bounded length
    const clean = [...last]
      .filter((c) => c !== '/' && c !== '\\' && c.charCodeAt(0) > 0x1f && c.charCodeAt(0) !== 0x7f)
      .join('')
      .trim()
      .slice(0, 200);
    if (clean && clean !== '.' && clean !== '..') return clean.includes('.') ? clean : `${clean}${ext}`;
  }
  return `${kind === 'image' || kind === 'audio' ? kind : 'file'}${ext}`;
}

function extensionOfSubtype(mimeType: string): string {
  const sub = mimeType.split('/')[1] ?? '';
  return /^[a-z0-9]{1,10}$/.test(sub) ? `.${sub}` : '.bin';
}

/** `image.png`, then `image-2.png`, … for files of one call with the same name. */
function uniqueName(taken: Set<string>, name: string): string {
  let candidate = name;
  const dot = name.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  for (let n = 2; taken.has(candidate); n++) candidate = `${stem}-${n}${ext}`;
  taken.add(candidate);
  return candidate;
}

function readText(text: string, out: ToolCallOutput, texts: string[]): void {
  const t = text.trim();
  if (t && (t[0] === '{' || t[0] === '[') && (t.endsWith('}') || t.endsWith(']'))) {
    try {
      const v: unknown = JSON.parse(t);
      if (isObject(v)) return void out.json.push(v);
      if (Array.isArray(v) && v.every(isObject)) return void out.json.push(...(v as Array<Record<string, unknown>>));
    } catch {
      // not JSON: plain text
    }
  }
  texts.push(text);
}
