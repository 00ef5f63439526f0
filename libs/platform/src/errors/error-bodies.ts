// The two error bodies Shoal answers with, built in one place for the exception filters and for
// the raw responses written before Fastify sees a request (see client-error.handler).
import type { ApiError } from './api-error';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
export const OPENAI_CONTENT_TYPE = 'application/json';
export const DIFY_CONTENT_TYPE = 'application/json';

/** RFC 9457 problem details. */
export function problemBody(api: ApiError, instance: string): Record<string, unknown> {
  return {
    type: `https://shoal.dev/problems/${api.code.replace(/_/g, '-')}`,
    title: api.code.replace(/_/g, ' '),
    status: api.status,
    detail: api.message,
    instance,
    ...(api.opts.issues ? { errors: api.opts.issues } : {}),
  };
}

const OPENAI_TYPE: Partial<Record<ApiError['code'], string>> = {
  rate_limited: 'rate_limit_error',
  budget_exceeded: 'insufficient_quota',
};

/** OpenAI's error shape, so OpenAI clients react as they would to OpenAI. */
export function openAiBody(api: ApiError): Record<string, unknown> {
  const first = api.opts.issues?.[0];
  return {
    error: {
      message: api.message,
      type: OPENAI_TYPE[api.code] ?? (api.status >= 500 ? 'api_error' : 'invalid_request_error'),
      param: api.opts.param ?? first?.path ?? null,
      code: api.code === 'unauthorized' ? 'invalid_api_key' : api.code,
    },
  };
}

// Dify's error codes for the cases Dify names; Shoal's own code otherwise
const DIFY_CODE: Partial<Record<ApiError['code'], string>> = {
  invalid_request: 'invalid_param',
  invalid_json: 'invalid_param',
  invalid_yaml: 'invalid_param',
  json_too_deep: 'invalid_param',
  malformed_request: 'invalid_param',
  validation_failed: 'invalid_param',
  unprocessable_content: 'invalid_param',
  rate_limited: 'too_many_requests',
  payload_too_large: 'file_too_large',
  unsupported_media_type: 'unsupported_media_type',
  upstream_error: 'completion_request_error',
  upstream_unavailable: 'provider_not_initialize',
};

/** Dify's service API error shape: `{ code, message, status }`. */
export function difyBody(api: ApiError): Record<string, unknown> {
  const first = api.opts.issues?.[0];
  // Dify's messages name the parameter; Shoal's detail already does, and `params` keeps the path
  return {
    code: DIFY_CODE[api.code] ?? api.code,
    message: api.message,
    status: api.status,
    ...(first ? { params: first.path } : {}),
  };
}

/** The content type and body of an error in one of the three shapes. */
export function errorBodyFor(
  style: 'openai' | 'dify' | 'problem',
  api: ApiError,
  path: string,
): { contentType: string; body: Record<string, unknown> } {
  if (style === 'openai') return { contentType: OPENAI_CONTENT_TYPE, body: openAiBody(api) };
  if (style === 'dify') return { contentType: DIFY_CONTENT_TYPE, body: difyBody(api) };
  return { contentType: PROBLEM_CONTENT_TYPE, body: problemBody(api, path) };
}
