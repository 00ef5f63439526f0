// One filter per API style. Each maps an ApiError (or anything thrown) to that style's body.
import { Catch, type ArgumentsHost, type ExceptionFilter, HttpException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, toApiError } from './api-error';
import { createLogger } from '../logging/logger';

function normalize(err: unknown): ApiError {
  if (err instanceof HttpException) {
    const status = err.getStatus();
    if (status === 404) return new ApiError('not_found', 'No route matches this method and path');
    return new ApiError(status >= 500 ? 'internal_error' : 'invalid_request', err.message, { status });
  }
  return toApiError(err);
}

function logIfServerError(err: unknown, api: ApiError, req: FastifyRequest): void {
  // the logger is looked up per call: filters exist before the service configures logging
  if (api.status >= 500) createLogger('errors').error({ err, method: req.method, url: req.url.split('?')[0] }, 'request failed');
}

function send(reply: FastifyReply, api: ApiError, contentType: string, body: unknown): void {
  if (api.opts.retryAfterSeconds !== undefined) reply.header('retry-after', String(api.opts.retryAfterSeconds));
  reply.status(api.status).header('content-type', contentType).send(JSON.stringify(body));
}

/** RFC 9457 problem details for Shoal's own REST API. */
@Catch()
export class ProblemJsonFilter implements ExceptionFilter {
  catch(err: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<FastifyRequest>();
    const api = normalize(err);
    logIfServerError(err, api, req);
    send(http.getResponse<FastifyReply>(), api, 'application/problem+json', {
      type: `https://shoal.dev/problems/${api.code.replace(/_/g, '-')}`,
      title: api.code.replace(/_/g, ' '),
      status: api.status,
      detail: api.message,
      instance: req.url.split('?')[0],
      ...(api.opts.issues ? { errors: api.opts.issues } : {}),
    });
  }
}

const OPENAI_TYPE: Partial<Record<ApiError['code'], string>> = {
  invalid_request: 'invalid_request_error',
  validation_failed: 'invalid_request_error',
  unauthorized: 'invalid_request_error',
  forbidden: 'invalid_request_error',
  not_found: 'invalid_request_error',
  model_not_found: 'invalid_request_error',
  rate_limited: 'rate_limit_error',
  budget_exceeded: 'insufficient_quota',
};

/** OpenAI's error shape and status codes, so OpenAI clients react as they would to OpenAI. */
@Catch()
export class OpenAiErrorFilter implements ExceptionFilter {
  catch(err: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<FastifyRequest>();
    const api = normalize(err);
    logIfServerError(err, api, req);
    const first = api.opts.issues?.[0];
    send(http.getResponse<FastifyReply>(), api, 'application/json', {
      error: {
        message: api.message,
        type: OPENAI_TYPE[api.code] ?? (api.status >= 500 ? 'api_error' : 'invalid_request_error'),
        param: api.opts.param ?? first?.path ?? null,
        code: api.code === 'unauthorized' ? 'invalid_api_key' : api.code,
      },
    });
  }
}
