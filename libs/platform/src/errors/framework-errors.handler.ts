// Errors Fastify's router raises before any route (and so before Nest's filters) runs: a bad
// percent-encoding in the URL, a path segment longer than `maxParamLength`. Answered in the
// route's own error shape, like everything else.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { toApiError } from './api-error';
import { errorBodyFor } from './error-bodies';
import { errorStyleFor } from './error-style';

export function handleFrameworkError(err: unknown, req: FastifyRequest, reply: FastifyReply): void {
  const api = toApiError(err);
  const full = req.url.split('?')[0];
  // the style from the whole path (a Dify path ends in `/stop`), the instance shortened
  const path = full.slice(0, 200);
  const { contentType, body } = errorBodyFor(errorStyleFor(full), api, path);
  reply.status(api.status).header('content-type', contentType).send(JSON.stringify(body));
}
