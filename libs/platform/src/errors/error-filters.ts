// One filter per API style. Each maps an ApiError (or anything thrown) to that style's body.
import { Catch, type ArgumentsHost, type ExceptionFilter, HttpException, NotFoundException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, toApiError } from './api-error';
import { DIFY_CONTENT_TYPE, OPENAI_CONTENT_TYPE, PROBLEM_CONTENT_TYPE, difyBody, openAiBody, problemBody } from './error-bodies';
import { routeMiss } from './route-miss';
import { createLogger } from '../logging/logger';

function normalize(err: unknown, req: FastifyRequest): ApiError {
  // Nest's answer for a request no route matched (a controller throws ApiError, never this)
  if (err instanceof NotFoundException && req.routeOptions?.url === undefined) return routeMiss(req);
  if (err instanceof HttpException) {
    // Fastify's own errors arrive wrapped, the original as the cause
    if (err.cause) return toApiError(err.cause);
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
  if (api.opts.allow) reply.header('allow', api.opts.allow.join(', '));
  if (api.opts.headers) for (const [name, value] of Object.entries(api.opts.headers)) reply.header(name, value);
  reply.status(api.status).header('content-type', contentType).send(JSON.stringify(body));
}

/** RFC 9457 problem details for Shoal's own REST API. */
@Catch()
export class ProblemJsonFilter implements ExceptionFilter {
  catch(err: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<FastifyRequest>();
    const api = normalize(err, req);
    logIfServerError(err, api, req);
    send(http.getResponse<FastifyReply>(), api, PROBLEM_CONTENT_TYPE, problemBody(api, req.url.split('?')[0]));
  }
}

/** Dify's service API error shape (`{ code, message, status }`), so Dify's clients read it as they read Dify's. */
@Catch()
export class DifyErrorFilter implements ExceptionFilter {
  catch(err: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<FastifyRequest>();
    const api = normalize(err, req);
    logIfServerError(err, api, req);
    send(http.getResponse<FastifyReply>(), api, DIFY_CONTENT_TYPE, difyBody(api));
  }
}

/** OpenAI's error shape and status codes, so OpenAI clients react as they would to OpenAI. */
@Catch()
export class OpenAiErrorFilter implements ExceptionFilter {
  catch(err: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<FastifyRequest>();
    const api = normalize(err, req);
    logIfServerError(err, api, req);
    send(http.getResponse<FastifyReply>(), api, OPENAI_CONTENT_TYPE, openAiBody(api));
  }
}
