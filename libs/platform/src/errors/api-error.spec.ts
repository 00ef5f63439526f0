import { errorCodes } from 'fastify';
import { ApiError, toApiError } from './api-error';

describe('ApiError', () => {
  it('maps each code to its HTTP status', () => {
    expect(new ApiError('validation_failed', 'x').status).toBe(400);
    expect(new ApiError('unauthorized', 'x').status).toBe(401);
    expect(new ApiError('budget_exceeded', 'x').status).toBe(402);
    expect(new ApiError('model_not_found', 'x').status).toBe(404);
    expect(new ApiError('rate_limited', 'x').status).toBe(429);
    expect(new ApiError('upstream_unavailable', 'x').status).toBe(503);
    expect(new ApiError('timeout', 'x').status).toBe(504);
  });

  it('lets an explicit status override the default', () => {
    expect(new ApiError('invalid_request', 'x', { status: 415 }).status).toBe(415);
  });

  it('builds not-found and validation errors with their details', () => {
    const nf = ApiError.notFound('Workflow', 'wf_123');
    expect([nf.status, nf.code, nf.message]).toEqual([404, 'not_found', "Workflow 'wf_123' was not found"]);
    const v = ApiError.validation('bad', [{ path: 'graph.nodes[1].id', message: 'is required' }]);
    expect(v.status).toBe(400);
    expect(v.opts.issues).toEqual([{ path: 'graph.nodes[1].id', message: 'is required' }]);
  });
});

describe('toApiError', () => {
  it('returns an ApiError unchanged', () => {
    const e = new ApiError('conflict', 'already there');
    expect(toApiError(e)).toBe(e);
  });

  it("turns Fastify's invalid-JSON error into a 400 that says the body is not JSON (not a 500)", () => {
    const api = toApiError(new errorCodes.FST_ERR_CTP_INVALID_JSON_BODY());
    expect(api.status).toBe(400);
    expect(api.code).toBe('invalid_json');
    expect(api.message).toMatch(/^The request body is not valid JSON/);
    expect(api.opts.issues?.[0].path).toBe('body');
  });

  it('treats a SyntaxError carrying statusCode 400 (a JSON parse failure) as bad JSON', () => {
    const err = Object.assign(new SyntaxError('Unexpected token } in JSON at position 9'), { statusCode: 400 });
    const api = toApiError(err);
    expect(api.status).toBe(400);
    expect(api.message).toBe('The request body is not valid JSON: Unexpected token } in JSON at position 9');
  });

  it('answers an empty JSON body with 400 and a "body is empty" issue', () => {
    const api = toApiError(new errorCodes.FST_ERR_CTP_EMPTY_JSON_BODY());
    expect(api.status).toBe(400);
    expect(api.opts.issues).toEqual([{ path: 'body', message: 'is empty' }]);
  });

  it('answers a wrong content type with 415', () => {
    const api = toApiError(new errorCodes.FST_ERR_CTP_INVALID_MEDIA_TYPE());
    expect([api.status, api.code]).toEqual([415, 'unsupported_media_type']);
    expect(api.message).toBe('Content-Type must be application/json');
  });

  it('answers a too-large body with 413 payload_too_large', () => {
    const api = toApiError(new errorCodes.FST_ERR_CTP_BODY_TOO_LARGE());
    expect([api.status, api.code]).toEqual([413, 'payload_too_large']);
  });

  it('turns anything unknown into a 500 "Internal server error" without leaking its message', () => {
    const api = toApiError(new Error('relation "x" does not exist at 10.0.0.7:5432 password=hunter2'));
    expect([api.status, api.code, api.message]).toEqual([500, 'internal_error', 'Internal server error']);
    expect(JSON.stringify(api.opts)).not.toContain('hunter2');
    // an unreachable database is a 503 to retry, and it does not leak either
    const outage = toApiError(new Error('connect ECONNREFUSED 10.0.0.7:5432 password=hunter2'));
    expect([outage.status, outage.code]).toEqual([503, 'upstream_unavailable']);
    expect(`${outage.message} ${JSON.stringify(outage.opts)}`).not.toMatch(/hunter2|10\.0\.0\.7/);
  });

  it('treats 5xx-status errors, strings and nullish values as internal errors too', () => {
    expect(toApiError(Object.assign(new Error('db down'), { statusCode: 503 })).message).toBe('Internal server error');
    expect(toApiError('boom').status).toBe(500);
    expect(toApiError(undefined).status).toBe(500);
    expect(toApiError(null).status).toBe(500);
  });
});
