// The two error bodies Shoal answers with, built in one place for the exception filters and for
// the raw responses written before Fastify sees a request (see client-error.handler).
import type { ApiError } from './api-error';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';
export const OPENAI_CONTENT_TYPE = 'application/json';

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
