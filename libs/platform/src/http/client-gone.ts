import type { FastifyReply } from 'fastify';

/**
 * Aborts when the client disconnects before the response is complete, so upstream work for it
 * (a provider call, a subscription) stops too. The request's own 'close' event is no use here: Node
 * emits it as soon as the body has been read.
 */
export function clientGone(reply: FastifyReply): AbortSignal {
  const abort = new AbortController();
  reply.raw.once('close', () => {
    if (!reply.raw.writableFinished) abort.abort();
  });
  return abort.signal;
}
