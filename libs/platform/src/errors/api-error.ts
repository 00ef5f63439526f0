// The errors an API answers with. Domain code throws these (or its own errors that a filter maps);
// each API style (problem+json, OpenAI, Dify) renders them in its own shape.

import { isInfrastructureError } from './infrastructure-error';

export interface FieldIssue {
  /** where: a JSON path into the request, e.g. "graph.nodes[1].data.model.name" */
  path: string;
  message: string;
  code?: string;
  node_id?: string;
  /** 1-based place in a text body (a YAML syntax error) */
  line?: number;
  column?: number;
}

export type ApiErrorCode =
  | 'invalid_request'
  | 'invalid_json'
  | 'invalid_yaml'
  | 'json_too_deep'
  | 'malformed_request'
  | 'validation_failed'
  | 'unprocessable_content'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'request_timeout'
  | 'conflict'
  | 'payload_too_large'
  | 'uri_too_long'
  | 'unsupported_media_type'
  | 'unsupported_file_type'
  | 'no_file_uploaded'
  | 'too_many_files'
  | 'headers_too_large'
  | 'rate_limited'
  | 'budget_exceeded'
  | 'model_not_found'
  | 'upstream_error'
  | 'upstream_unavailable'
  | 'timeout'
  | 'client_closed'
  | 'internal_error';

/** What an answer during a database or Redis outage tells the client to wait before trying again. */
export const OUTAGE_RETRY_AFTER_SECONDS = 2;

const STATUS: Record<ApiErrorCode, number> = {
  invalid_request: 400,
  invalid_json: 400,
  invalid_yaml: 400,
  json_too_deep: 400,
  malformed_request: 400,
  validation_failed: 400,
  // well-formed, but not something Shoal can run (a Dify app of another mode, unsupported nodes)
  unprocessable_content: 422,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  request_timeout: 408,
  conflict: 409,
  payload_too_large: 413,
  uri_too_long: 414,
  unsupported_media_type: 415,
  // uploads, with Dify's codes: a file of a kind not taken, a form without its file, more than one file
  unsupported_file_type: 415,
  no_file_uploaded: 400,
  too_many_files: 400,
  headers_too_large: 431,
  rate_limited: 429,
  budget_exceeded: 402,
  model_not_found: 404,
  upstream_error: 502,
  upstream_unavailable: 503,
  timeout: 504,
  // nginx's convention: the client went away before the answer; nobody reads this, and it is not a server error
  client_closed: 499,
  internal_error: 500,
};

export class ApiError extends Error {
  readonly status: number;
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly opts: {
      issues?: FieldIssue[];
      status?: number;
      retryAfterSeconds?: number;
      param?: string;
      allow?: string[];
      /** response headers that belong with the error (rate limit state) */
      headers?: Record<string, string>;
    } = {},
  ) {
    super(message);
    this.name = 'ApiError';
    this.status = opts.status ?? STATUS[code];
  }

  static notFound(what: string, id: string): ApiError {
    return new ApiError('not_found', `${what} '${id}' was not found`);
  }

  static validation(message: string, issues: FieldIssue[]): ApiError {
    return new ApiError('validation_failed', message, { issues });
  }
}

/** Turn anything thrown into an ApiError, so no filter ever leaks a stack or an unknown shape. */
export function toApiError(err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  const e = err as { statusCode?: number; status?: number; code?: string; message?: string; validation?: unknown };
  const status = typeof e?.statusCode === 'number' ? e.statusCode : typeof e?.status === 'number' ? e.status : undefined;
  // Fastify's own client errors (Nest hands them over wrapped, with the original as `cause`)
  if (status && status >= 400 && status < 500)
    return fastifyClientError(status, err instanceof SyntaxError ? 'FST_ERR_CTP_INVALID_JSON_BODY' : e.code, e.message);
  // Postgres refusing a value a client sent (NUL in text, a malformed UTF-8 sequence): the client's input, not our fault
  if (/\b(22021|22P05)\b|invalid byte sequence|unsupported Unicode escape/.test(`${e?.code ?? ''} ${e?.message ?? ''}`)) {
    return new ApiError('invalid_request', 'The request contains a character that cannot be stored (such as U+0000)');
  }
  // Postgres or Redis unreachable: a passing outage the client should retry, not a bug (the log names which)
  if (isInfrastructureError(err))
    return new ApiError('upstream_unavailable', 'A service Shoal depends on is unavailable; retry shortly', {
      retryAfterSeconds: OUTAGE_RETRY_AFTER_SECONDS,
    });
  return new ApiError('internal_error', 'Internal server error');
}

/** A Fastify client error in Shoal's words: the framework is not named, the problem is. */
function fastifyClientError(status: number, code: string | undefined, message: string | undefined): ApiError {
  if (code === 'FST_ERR_MAX_PARAM_LENGTH')
    return new ApiError('uri_too_long', 'A path segment is longer than any id; check the URL', {
      issues: [{ path: 'url', message: 'has a path segment that is too long' }],
    });
  if (code === 'FST_ERR_BAD_URL')
    return new ApiError('malformed_request', 'The URL is not valid (a bad percent-encoding?)', {
      issues: [{ path: 'url', message: 'is not a valid URL' }],
    });
  if (status === 413)
    return new ApiError('payload_too_large', 'The request body is too large', { issues: [{ path: 'body', message: 'is too large' }] });
  if (status === 404) return new ApiError('not_found', 'No route matches this method and path');
  if (status === 415 || code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE')
    return new ApiError('unsupported_media_type', 'Content-Type must be application/json', {
      issues: [{ path: 'headers.content-type', message: 'must be application/json' }],
    });
  if (code === 'FST_ERR_CTP_EMPTY_JSON_BODY')
    return new ApiError('invalid_json', 'The request body is empty; send a JSON value', {
      issues: [{ path: 'body', message: 'is empty' }],
    });
  if (code === 'FST_ERR_CTP_INVALID_JSON_BODY' || code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH' || code?.startsWith('FST_ERR_CTP')) {
    const detail =
      code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH'
        ? 'The request body does not match its Content-Length'
        : `The request body is not valid JSON${message ? `: ${message}` : ''}`;
    return new ApiError(code === 'FST_ERR_CTP_INVALID_CONTENT_LENGTH' ? 'malformed_request' : 'invalid_json', detail, {
      issues: [{ path: 'body', message: detail }],
    });
  }
  if (status === 408) return new ApiError('request_timeout', 'The request was not received in time');
  return new ApiError('invalid_request', message ?? 'Bad request', { status });
}
