// http-request: builds the request from the pool, sends it through the HTTP fetcher port, and outputs
// Dify's status_code, body, headers and files. A non-2xx answer is an output, not a failure, unless
// the node has an error_strategy or retries (Dify's rule); the response is capped by size.
import type { HttpBodyItem, HttpRequestNode, HttpRequestNodeData } from '@shoal/workflow-dsl';
import type { NodeExecutor, NodeRunContext } from '../node-executor';
import { DEFAULT_HTTP_NODE_LIMITS, type HttpFetchRequest, type HttpNodeLimits } from '../ports';
import { errorMessage } from '../error-message';
import { buildHttpRequest, type BodyFile } from './http-request.builder';
import { HttpRequestNodeError, HttpResponseCodeError, ResponseSizeError } from './http-request.errors';
import { decodeText, headersObject, isFileResponse, responseFile, storedFile } from './http-response';

/** Files one request may send (binary and form-data items together). */
const MAX_BODY_FILES = 20;

export const httpRequestNodeExecutor: NodeExecutor<HttpRequestNode> = {
  callsLlm: false,
  async execute(node, ctx) {
    const { data } = node;
    const limits: HttpNodeLimits = { ...DEFAULT_HTTP_NODE_LIMITS, ...ctx.http.limits };
    const timeouts = timeoutsOf(data, limits);
    const sslVerify = data.ssl_verify ?? limits.sslVerify;
    const files = await bodyFiles(data, ctx, limits, timeouts, sslVerify);
    const req = buildHttpRequest(data, ctx.pool.lookup, files, limits, boundary());
    const res = await send(ctx, {
      method: req.method,
      url: req.url,
      headers: req.headers,
      body: req.body,
      timeouts,
      // the larger cap while reading: which one applies is known once the response says what it is
      maxResponseBytes: Math.max(limits.maxBinaryBytes, limits.maxTextBytes),
      sslVerify,
      signal: ctx.signal,
    });
    const headers = headersObject(res.headers);
    const isFile = isFileResponse(headers, res.body);
    const cap = isFile ? limits.maxBinaryBytes : limits.maxTextBytes;
    if (res.body.length > cap)
      throw new ResponseSizeError(
        `${isFile ? 'File' : 'Text'} size is too large, max size is ${mb(cap)} MB, but current size is ${mb(res.body.length)} MB.`,
      );
    if ((res.status < 200 || res.status > 299) && (data.error_strategy !== undefined || data.retry_config?.retry_enabled))
      throw new HttpResponseCodeError(res.status);
    return {
      inputs: null,
      outputs: {
        status_code: res.status,
        body: isFile ? '' : decodeText(headers, res.body),
        headers,
        files: isFile ? [await storedResponseFile(ctx, res.url, headers, res.body)] : [],
      },
      processData: { request: req.log },
    };
  },
};

/** The response file, stored for the run's tenant when the run has a file store (else described by its URL). */
async function storedResponseFile(ctx: NodeRunContext, url: string, headers: Readonly<Record<string, string>>, body: Uint8Array) {
  const file = responseFile(url, headers, body.length);
  if (!ctx.fileStore) return file;
  try {
    const stored = await ctx.fileStore.save(
      { filename: file.filename, mimeType: file.mime_type, extension: file.extension ?? '', bytes: body },
      ctx.signal,
    );
    return storedFile(file, stored);
  } catch (e) {
    if (ctx.signal.aborted) throw e;
    throw new HttpRequestNodeError(`could not store the response file ${file.filename}: ${errorMessage(e)}`);
  }
}

const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(2);

/** A node's timeouts in ms: its own seconds (or the maximum when unset), never above the operator's maximum. */
function timeoutsOf(data: HttpRequestNodeData, limits: HttpNodeLimits): HttpFetchRequest['timeouts'] {
  const pick = (own: number | undefined, max: number) => Math.min(own && own > 0 ? own : max, max) * 1000;
  return {
    connectMs: pick(data.timeout.connect, limits.maxConnectTimeout),
    readMs: pick(data.timeout.read, limits.maxReadTimeout),
    writeMs: pick(data.timeout.write, limits.maxWriteTimeout),
  };
}

function boundary(): string {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return `----ShoalFormBoundary${Buffer.from(bytes).toString('hex')}`;
}

/** Sends through the port; a failure becomes the node's error, a cancelled run stays cancelled. */
async function send(ctx: NodeRunContext, req: HttpFetchRequest) {
  try {
    return await ctx.http.fetch(req);
  } catch (e) {
    if (ctx.signal.aborted || e instanceof HttpRequestNodeError) throw e;
    throw new HttpRequestNodeError(errorMessage(e));
  }
}

/** The file objects at a selector: one file or an array of them (Dify's FileSegment, ArrayFileSegment). */
function filesAt(value: unknown): Array<Record<string, unknown>> {
  const list = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  return list.filter((f): f is Record<string, unknown> => typeof f === 'object' && f !== null && !Array.isArray(f));
}

/** Fetches the files binary and form-data items send (Shoal's files are remote URLs), through the same fetcher and policy. */
async function bodyFiles(
  data: HttpRequestNodeData,
  ctx: NodeRunContext,
  limits: HttpNodeLimits,
  timeouts: HttpFetchRequest['timeouts'],
  sslVerify: boolean,
): Promise<Map<HttpBodyItem, BodyFile[]>> {
  const out = new Map<HttpBodyItem, BodyFile[]>();
  const { type } = data.body;
  if (type !== 'binary' && type !== 'form-data') return out;
  let count = 0;
  let bytes = 0;
  for (const item of data.body.data) {
    if (type === 'form-data' && item.type !== 'file') continue;
    const files: BodyFile[] = [];
    for (const file of filesAt(ctx.pool.get(item.file))) {
      const url = file.remote_url ?? file.url;
      if (typeof url !== 'string' || !url) continue; // Dify skips files it cannot download
      if (++count > MAX_BODY_FILES) throw new HttpRequestNodeError(`more than ${MAX_BODY_FILES} files in the request body`);
      const res = await send(ctx, {
        method: 'GET',
        url,
        headers: [],
        body: null,
        timeouts,
        maxResponseBytes: limits.maxBinaryBytes - bytes,
        sslVerify,
        signal: ctx.signal,
      });
      if (res.status < 200 || res.status > 299)
        throw new HttpRequestNodeError(`cannot fetch file ${item.file.join('.')}: its URL answered ${res.status}`);
      bytes += res.body.length;
      const mime = typeof file.mime_type === 'string' && file.mime_type ? file.mime_type : headersObject(res.headers)['content-type'];
      files.push({
        filename: typeof file.filename === 'string' && file.filename ? file.filename : 'file',
        mimeType: mime?.split(';')[0].trim() || 'application/octet-stream',
        bytes: res.body,
      });
    }
    out.set(item, files);
  }
  return out;
}
