// What every service does with a hostile request before a controller runs, through Fastify's
// in-memory inject (no socket): content types, deep or unstorable JSON, routes and methods.
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, InjectOptions } from 'fastify';
import { startEchoApp } from './echo-app.spec-helper';
import { MAX_URL_LENGTH } from './bootstrap';

let app: NestFastifyApplication;
let fastify: FastifyInstance;

beforeAll(async () => {
  ({ app, fastify } = await startEchoApp());
});
afterAll(() => app?.close());

async function send(opts: InjectOptions) {
  const res = await fastify.inject(opts);
  return {
    status: res.statusCode,
    type: res.headers['content-type'],
    allow: res.headers.allow,
    body: res.json() as Record<string, unknown>,
  };
}
const json = { 'content-type': 'application/json' };

describe('request bodies', () => {
  it('passes JSON through', async () => {
    expect(await send({ method: 'POST', url: '/things', headers: json, payload: '{"a":"🐟"}' })).toMatchObject({
      status: 200,
      body: { body: { a: '🐟' } },
    });
  });

  it.each([
    ['application/x-www-form-urlencoded', 'not application/x-www-form-urlencoded'],
    ['text/plain', 'not text/plain'],
    ['', 'and the request has none'],
  ])('answers a body sent as %j with 415 naming the expected type (it used to reach the handler)', async (type, says) => {
    const res = await send({ method: 'POST', url: '/things', headers: { 'content-type': type }, payload: '{"inputs":{"question":"hi"}}' });
    expect(res.status).toBe(415);
    expect(res.type).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({
      type: 'https://shoal.dev/problems/unsupported-media-type',
      errors: [{ path: 'headers.content-type', message: 'must be application/json' }],
    });
    expect(String(res.body.detail)).toContain(says);
  });

  it("answers 415 on OpenAI routes in OpenAI's shape", async () => {
    const res = await send({ method: 'POST', url: '/v1/chat/completions', headers: { 'content-type': 'text/plain' }, payload: 'hi' });
    expect(res).toMatchObject({
      status: 415,
      body: { error: { type: 'invalid_request_error', code: 'unsupported_media_type', param: 'headers.content-type' } },
    });
  });

  it('lets a route accept another type, as raw text, and refuse JSON (the allow-list is per route)', async () => {
    expect(
      await send({ method: 'POST', url: '/imports', headers: { 'content-type': 'application/yaml; charset=utf-8' }, payload: 'a: 1' }),
    ).toMatchObject({ status: 200, body: { type: 'string', body: 'a: 1' } });
    expect((await send({ method: 'POST', url: '/imports', headers: json, payload: '{}' })).status).toBe(415);
  });

  it('answers a 3,000-deep body with 400 json_too_deep (it used to be a 500: the NUL scan overflowed the stack)', async () => {
    const res = await send({ method: 'POST', url: '/things', headers: json, payload: `{"inputs":${'['.repeat(3000)}${']'.repeat(3000)}}` });
    expect(res).toMatchObject({
      status: 400,
      body: { type: 'https://shoal.dev/problems/json-too-deep', errors: [{ path: 'body', code: 'too_deep' }] },
    });
  });

  it('answers a lone surrogate with 400 naming its path, in a value or a key', async () => {
    const value = await send({ method: 'POST', url: '/things', headers: json, payload: '{"inputs":{"question":"\\udfff"}}' });
    expect(value).toMatchObject({ status: 400, body: { errors: [{ path: 'inputs.question', code: 'lone_surrogate' }] } });
    const key = await send({
      method: 'POST',
      url: '/v1/chat/completions',
      headers: json,
      payload: '{"messages":[{"role":"user","\\udc00":"x"}]}',
    });
    expect(key).toMatchObject({ status: 400, body: { error: { param: 'messages[0].\udc00', code: 'validation_failed' } } });
  });

  it('answers bad JSON with 400 invalid_json, not a framework message', async () => {
    const res = await send({ method: 'POST', url: '/things', headers: json, payload: '{"a":' });
    expect(res).toMatchObject({ status: 400, body: { type: 'https://shoal.dev/problems/invalid-json' } });
    expect(JSON.stringify(res.body)).not.toMatch(/fastify|FST_/i);
  });

  it('answers a body over the limit with 413 problem+json', async () => {
    const res = await send({ method: 'POST', url: '/things', headers: json, payload: `"${'x'.repeat(10 * 1024 * 1024)}"` });
    expect(res).toMatchObject({ status: 413, body: { type: 'https://shoal.dev/problems/payload-too-large' } });
  });
});

describe('routes and URLs', () => {
  it('answers an unknown path with 404 in the path’s style', async () => {
    expect(await send({ method: 'GET', url: '/nope' })).toMatchObject({
      status: 404,
      body: { type: 'https://shoal.dev/problems/not-found' },
    });
  });

  it('answers a known path with the wrong method with 405 and Allow', async () => {
    const rest = await send({ method: 'PUT', url: '/things', headers: json, payload: '{}' });
    expect(rest).toMatchObject({ status: 405, allow: 'POST', body: { type: 'https://shoal.dev/problems/method-not-allowed' } });
    const openai = await send({ method: 'DELETE', url: '/v1/chat/completions' });
    expect(openai).toMatchObject({
      status: 405,
      allow: 'POST',
      body: { error: { code: 'method_not_allowed', type: 'invalid_request_error' } },
    });
    expect((await send({ method: 'POST', url: '/things/abc' })).allow).toBe('DELETE, GET, HEAD');
  });

  it('answers a 10 KB id with 414, a bad percent-encoding with 400, a URL over the limit with 414', async () => {
    expect(await send({ method: 'GET', url: `/things/${'x'.repeat(10_000)}` })).toMatchObject({
      status: 414,
      body: { type: 'https://shoal.dev/problems/uri-too-long' },
    });
    expect(await send({ method: 'GET', url: '/things/%zz' })).toMatchObject({
      status: 400,
      body: { type: 'https://shoal.dev/problems/malformed-request' },
    });
    expect(await send({ method: 'GET', url: `/things/a?q=${'x'.repeat(MAX_URL_LENGTH)}` })).toMatchObject({ status: 414 });
  });

  it('answers a NUL or lone surrogate in a path parameter or query with 400 naming it', async () => {
    expect(await send({ method: 'GET', url: '/things/%00' })).toMatchObject({
      status: 400,
      body: { errors: [{ path: 'path.id', code: 'nul_character' }] },
    });
    expect(await send({ method: 'GET', url: '/things/a?x=%00' })).toMatchObject({ status: 400, body: { errors: [{ path: 'query.x' }] } });
  });

  it('collects every route from the router, so tests can cover each one', () => {
    const routes = fastify.shoalRoutes!.list().map((r) => `${r.method} ${r.url}`);
    expect(routes).toEqual(
      expect.arrayContaining(['POST /things', 'GET /things/:id', 'DELETE /things/:id', 'POST /v1/chat/completions', 'POST /imports']),
    );
  });
});
