import type { ArgumentsHost } from '@nestjs/common';
import { BadRequestException, NotFoundException } from '@nestjs/common';
import { errorCodes } from 'fastify';
import { ApiError } from './api-error';
import { HttpErrorFilter, errorStyleFor } from './error-style';

describe('errorStyleFor', () => {
  it.each([
    '/v1/chat/completions',
    '/v1/chat/completions?stream=true',
    '/v1/completions',
    '/v1/models',
    '/v1/models/mock-chat',
    '/v1/embeddings',
    '/pool/v1/chat/completions',
    '/pool/v1/models',
  ])('answers %s in the OpenAI shape', (url) => {
    expect(errorStyleFor(url)).toBe('openai');
  });

  it.each([
    '/v1/workflows',
    '/v1/workflows/wf_1/runs',
    '/v1/workflows/runner',
    '/v1/workflows/run/run_1/x',
    '/v1/runs/run_1/events',
    '/v1/usage/records',
    '/billing/v1/runs/run_1/cost',
    '/v1/chat/completionsX',
    '/v2/chat/completions',
    '/x/v1/chat/completions',
    '/',
  ])('answers %s as problem+json', (url) => {
    expect(errorStyleFor(url)).toBe('problem');
  });

  it.each([
    '/v1/workflows/run',
    '/v1/workflows/run/run_1',
    '/v1/workflows/tasks/run_1/stop',
    '/v1/workflows/logs?page=2',
    '/v1/parameters',
    '/v1/info',
    '/v1/meta',
    '/v1/chat-messages',
    '/v1/chat-messages/run_1/stop',
    '/v1/messages?conversation_id=conv_1',
    '/v1/conversations',
    '/v1/conversations/conv_1/variables',
  ])('answers %s in Dify’s shape', (url) => {
    expect(errorStyleFor(url)).toBe('dify');
  });
});

interface Sent {
  status?: number;
  headers: Record<string, string>;
  body?: unknown;
}

function render(err: unknown, url: string, { clientGone = false } = {}): Sent {
  const sent: Sent = { headers: {} };
  const reply = {
    // the client hung up before its answer: the socket closed, the response never finished
    raw: { destroyed: clientGone, writableFinished: false },
    status(code: number) {
      sent.status = code;
      return reply;
    },
    header(name: string, value: string) {
      sent.headers[name.toLowerCase()] = value;
      return reply;
    },
    send(payload: string) {
      sent.body = JSON.parse(payload);
      return reply;
    },
  };
  const req = { url, method: 'POST' };
  const host = { switchToHttp: () => ({ getRequest: () => req, getResponse: () => reply }) } as unknown as ArgumentsHost;
  new HttpErrorFilter().catch(err, host);
  return sent;
}

describe('HttpErrorFilter', () => {
  const abort = () => new DOMException('This operation was aborted', 'AbortError');

  it('answers a call aborted because its client hung up as 499 client_closed, not as a server error', () => {
    expect(render(abort(), '/v1/chat/completions', { clientGone: true })).toMatchObject({
      status: 499,
      body: { error: { code: 'client_closed' } },
    });
    // undici's own abort, and an error caused by one
    const undici = Object.assign(new Error('Request aborted'), { name: 'AbortError', code: 'UND_ERR_ABORTED' });
    expect(render(new Error('stream failed', { cause: undici }), '/v1/workflows/wf_1/runs', { clientGone: true }).status).toBe(499);
  });

  it('still answers 500 for an abort while the client is there, and for any other error after it left', () => {
    expect(render(abort(), '/v1/chat/completions').status).toBe(500);
    expect(render(new Error('boom'), '/v1/chat/completions', { clientGone: true }).status).toBe(500);
  });

  it('renders a validation error as RFC 9457 problem+json on the REST API, with every field issue', () => {
    const err = ApiError.validation('The workflow graph is invalid', [
      { path: 'graph.nodes[1].data.model.name', message: 'is required', code: 'required', node_id: 'llm' },
    ]);
    const sent = render(err, '/v1/workflows?x=1');
    expect(sent.status).toBe(400);
    expect(sent.headers['content-type']).toBe('application/problem+json');
    expect(sent.body).toEqual({
      type: 'https://shoal.dev/problems/validation-failed',
      title: 'validation failed',
      status: 400,
      detail: 'The workflow graph is invalid',
      instance: '/v1/workflows',
      errors: [{ path: 'graph.nodes[1].data.model.name', message: 'is required', code: 'required', node_id: 'llm' }],
    });
  });

  it("renders errors on OpenAI routes in OpenAI's shape, with the first issue's path as param", () => {
    const err = ApiError.validation('Invalid request: messages must contain at least one message', [
      { path: 'messages', message: 'must contain at least one message' },
    ]);
    const sent = render(err, '/v1/chat/completions');
    expect(sent.status).toBe(400);
    expect(sent.headers['content-type']).toBe('application/json');
    expect(sent.body).toEqual({
      error: {
        message: 'Invalid request: messages must contain at least one message',
        type: 'invalid_request_error',
        param: 'messages',
        code: 'validation_failed',
      },
    });
  });

  it("tells an OpenAI client about a bad key with OpenAI's code invalid_api_key", () => {
    const sent = render(new ApiError('unauthorized', 'Invalid API key'), '/v1/chat/completions');
    expect(sent.status).toBe(401);
    expect(sent.body).toEqual({
      error: { message: 'Invalid API key', type: 'invalid_request_error', param: null, code: 'invalid_api_key' },
    });
  });

  it("sends retry-after for a rate limit, with OpenAI's rate_limit_error type", () => {
    const sent = render(new ApiError('rate_limited', 'Slow down', { retryAfterSeconds: 7 }), '/v1/chat/completions');
    expect(sent.status).toBe(429);
    expect(sent.headers['retry-after']).toBe('7');
    expect(sent.body).toMatchObject({ error: { type: 'rate_limit_error', code: 'rate_limited' } });
  });

  it('answers bad JSON with 400 in both styles', () => {
    expect(render(new errorCodes.FST_ERR_CTP_INVALID_JSON_BODY(), '/v1/chat/completions')).toMatchObject({
      status: 400,
      body: { error: { type: 'invalid_request_error', param: 'body' } },
    });
    expect(render(new errorCodes.FST_ERR_CTP_INVALID_JSON_BODY(), '/v1/workflows')).toMatchObject({
      status: 400,
      body: { status: 400, type: 'https://shoal.dev/problems/invalid-json', errors: [{ path: 'body' }] },
    });
  });

  it('answers an unknown route with 404 in the style of its path', () => {
    expect(render(new NotFoundException(), '/v1/models/x')).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    expect(render(new NotFoundException(), '/v1/nothing-here')).toMatchObject({
      status: 404,
      body: { detail: 'No route matches POST /v1/nothing-here' },
    });
  });

  it("keeps a Nest HttpException's 4xx status", () => {
    expect(render(new BadRequestException('nope'), '/v1/workflows')).toMatchObject({ status: 400, body: { detail: 'nope' } });
  });

  it('hides an unexpected error behind a 500 that leaks nothing, in both styles', () => {
    const err = new TypeError("Cannot read properties of undefined (reading 'secretColumn')");
    const openai = render(err, '/v1/chat/completions');
    expect(openai.status).toBe(500);
    expect(openai.body).toEqual({ error: { message: 'Internal server error', type: 'api_error', param: null, code: 'internal_error' } });
    const problem = render(err, '/v1/workflows');
    expect(problem.status).toBe(500);
    expect(JSON.stringify(problem.body)).not.toContain('secretColumn');
  });
});
