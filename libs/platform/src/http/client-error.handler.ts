// Requests Node's HTTP parser refuses before Fastify sees them (a URL or headers too large, a
// malformed request line, a request that never finished arriving) still get Shoal's error body:
// problem+json, or OpenAI's shape when the request line names an OpenAI-compatible route.
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { ApiError } from '../errors/api-error';
import { errorBodyFor } from '../errors/error-bodies';
import { errorStyleFor } from '../errors/error-style';
import { MAX_URL_LENGTH } from './limits';

export type ClientError = Error & { code?: string; rawPacket?: Buffer };

export function clientErrorToApiError(err: ClientError, requestLine: string | undefined): ApiError {
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW':
      // the parser counts the request line with the headers: a long (or unfinished) line is a long URL
      return requestLine === undefined || requestLine.length > MAX_URL_LENGTH
        ? new ApiError('uri_too_long', 'The URL is too long', { issues: [{ path: 'url', message: 'is too long' }] })
        : new ApiError('headers_too_large', 'The request headers are too large', {
            issues: [{ path: 'headers', message: 'are too large' }],
          });
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new ApiError('request_timeout', 'The request was not received in time');
    default:
      return new ApiError('malformed_request', 'The request is not a well-formed HTTP/1.1 request');
  }
}

/** Fastify's `clientErrorHandler`: writes the answer to the socket and closes it. */
export function handleClientError(err: ClientError, socket: Socket): void {
  if (err.code === 'ECONNRESET' || err.code === 'EPIPE' || !socket.writable) {
    socket.destroy();
    return;
  }
  const raw = err.rawPacket?.toString('latin1') ?? '';
  const lineEnd = raw.indexOf('\r\n');
  const requestLine = lineEnd >= 0 ? raw.slice(0, lineEnd) : undefined;
  const api = clientErrorToApiError(err, requestLine);
  const target = (requestLine ?? raw).split(' ')[1] ?? '/';
  const full = target.split('?')[0];
  const path = full.slice(0, 200);
  const rendered = errorBodyFor(errorStyleFor(full), api, path);
  const body = JSON.stringify(rendered.body);
  const contentType = rendered.contentType;
  const head = [
    `HTTP/1.1 ${api.status} ${STATUS_CODES[api.status] ?? 'Error'}`,
    `Content-Type: ${contentType}`,
    `Content-Length: ${Buffer.byteLength(body)}`,
    'Connection: close',
  ];
  socket.end(`${head.join('\r\n')}\r\n\r\n${body}`);
}
