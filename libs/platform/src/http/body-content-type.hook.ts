// Each route says which request body types it takes (JSON unless `@AcceptsBody` says otherwise);
// a body of any other type, or of none, is a 415 before anything parses it.
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { ApiError } from '../errors/api-error';
import { DEFAULT_BODY_TYPES } from './route-table';

/**
 * The request body types a route takes, replacing the default `application/json`. A non-JSON type
 * reaches the handler as the raw text (e.g. a future `@AcceptsBody('application/yaml')` import route
 * parses its YAML itself). Uses Fastify's route config, so it replaces any other `@RouteConfig`.
 */
export function AcceptsBody(...types: string[]): MethodDecorator {
  return RouteConfig({ accepts: types.map((t) => t.toLowerCase()) });
}

function hasBody(req: FastifyRequest): boolean {
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}

/** `application/json; charset=utf-8` → `application/json`; undefined when absent or empty. */
export function mediaTypeOf(header: string | undefined): string | undefined {
  const type = header?.split(';')[0].trim().toLowerCase();
  return type ? type : undefined;
}

/** Part of an `onRequest` hook: runs before the body is read. */
export function checkBodyContentType(req: FastifyRequest): void {
  // an unmatched route answers 404/405 without looking at its body
  if (req.routeOptions.url === undefined || !hasBody(req)) return;
  const accepts = req.routeOptions.config?.accepts ?? DEFAULT_BODY_TYPES;
  const type = mediaTypeOf(req.headers['content-type']);
  if (type && accepts.includes(type)) return;
  const expected = accepts.join(' or ');
  const got = type ? `not ${type}` : 'and the request has none';
  throw new ApiError('unsupported_media_type', `Content-Type must be ${expected}, ${got}`, {
    issues: [{ path: 'headers.content-type', message: `must be ${expected}`, code: 'unsupported_media_type' }],
  });
}
