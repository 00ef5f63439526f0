// The errors an API answers with. Domain code throws these (or its own errors that a filter maps);
// each API style (problem+json, OpenAI, Dify) renders them in its own shape.

export interface FieldIssue {
  /** where: a JSON path into the request, e.g. "graph.nodes[1].data.model.name" */
  path: string;
  message: string;
  code?: string;
  node_id?: string;
}

export type ApiErrorCode =
  | 'invalid_request'
  | 'validation_failed'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'payload_too_large'
  | 'rate_limited'
  | 'budget_exceeded'
  | 'model_not_found'
  | 'upstream_error'
  | 'upstream_unavailable'
  | 'timeout'
  | 'client_closed'
  | 'internal_error';

const STATUS: Record<ApiErrorCode, number> = {
  invalid_request: 400,
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
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
    readonly opts: { issues?: FieldIssue[]; status?: number; retryAfterSeconds?: number; param?: string } = {},
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
  // Fastify's own client errors: bad JSON, wrong content type, body too large, unknown route
  if (status && status >= 400 && status < 500) {
    if (status === 413) return new ApiError('payload_too_large', 'The request body is too large');
    if (status === 404) return new ApiError('not_found', e.message ?? 'Not found');
    if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') return new ApiError('invalid_request', 'Content-Type must be application/json', { status: 415 });
    if (e.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return new ApiError('invalid_request', 'The request body is empty; send a JSON object', { issues: [{ path: 'body', message: 'is required' }] });
    const message = e.code?.startsWith('FST_ERR_CTP') || e instanceof SyntaxError ? `The request body is not valid JSON: ${e.message}` : (e.message ?? 'Bad request');
    return new ApiError('invalid_request', message, { status, issues: [{ path: 'body', message }] });
  }
  // Postgres refusing a value a client sent (NUL in text, a malformed UTF-8 sequence): the client's input, not our fault
  if (/\b(22021|22P05)\b|invalid byte sequence|unsupported Unicode escape/.test(`${e?.code ?? ''} ${e?.message ?? ''}`)) {
    return new ApiError('invalid_request', 'The request contains a character that cannot be stored (such as U+0000)');
  }
  return new ApiError('internal_error', 'Internal server error');
}
