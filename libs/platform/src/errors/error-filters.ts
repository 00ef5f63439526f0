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

/**
 * The client hung up before its answer, and the work done for it was stopped (`clientGone` aborts
 * its signal): the call ends in an abort that nothing failed in. Nobody reads the answer, so it is
 * nginx's 499 and not a server error, logged at debug, not as a failed request with its stack.
 */
function clientLeft(err: unknown, reply: FastifyReply): boolean {
  return reply.raw.destroyed && !reply.raw.writableFinished && isAbort(err);
}

/** An abort, or an error caused by one: what undici, fetch or a stream throw for an aborted signal. */
function isAbort(err: unknown): boolean {
  let e = err;
  for (let depth = 0; depth < 5 && typeof e === 'object' && e !== null; depth++) {
    const { name, code } = e as { name?: unknown; code?: unknown };
    if (name === 'AbortError' || code === 'ABORT_ERR' || code === 'UND_ERR_ABORTED' || code === 'ERR_STREAM_PREMATURE_CLOSE') return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}

/** The error as the client is told it, logged when it is the server's. */
function answerFor(err: unknown, req: FastifyRequest, reply: FastifyReply): ApiError {
  // the logger is looked up per call: filters exist before the service configures logging
  if (clientLeft(err, reply)) {
    createLogger('errors').debug({ method: req.method, url: req.url.split('?')[0] }, 'the client closed the request before its answer');
    return new ApiError('client_closed', 'The client closed the request');
  }
  const api = normalize(err, req);
  if (api.status >= 500) createLogger('errors').error({ err, method: req.method, url: req.url.split('?')[0] }, 'request failed');
  return api;
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
    const reply = http.getResponse<FastifyReply>();
    const api = answerFor(err, req, reply);
    send(reply, api, PROBLEM_CONTENT_TYPE, problemBody(api, req.url.split('?')[0]));
  }
}

/** Dify's service API error shape (`{ code, message, status }`), so Dify's clients read it as they read Dify's. */
@Catch()
export class DifyErrorFilter implements ExceptionFilter {
  catch(err: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const api = answerFor(err, req, reply);
    send(reply, api, DIFY_CONTENT_TYPE, difyBody(api));
  }
}

/** OpenAI's error shape and status codes, so OpenAI clients react as they would to OpenAI. */
@Catch()
export class OpenAiErrorFilter implements ExceptionFilter {
  catch(err: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<FastifyRequest>();
    const reply = http.getResponse<FastifyReply>();
    const api = answerFor(err, req, reply);
    send(reply, api, OPENAI_CONTENT_TYPE, openAiBody(api));
  }
}
