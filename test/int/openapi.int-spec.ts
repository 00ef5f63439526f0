// The OpenAPI document at /openapi.json: every public route of the router is in it, it lints clean
// with Redocly, and real answers fit the response schemas it publishes.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { responseSchemas } from '@shoal/gateway-feature';
import { repoRoot } from '@shoal/testing';
import { COMPAT_DSL_DIR } from '../compat/compat-fixtures.loader';
import { startInProcessServices, type InProcessServices } from '../support/in-process-services';

let s: InProcessServices;
beforeAll(async () => {
  s = await startInProcessServices('openapi');
}, 90_000);
afterAll(() => s?.close());

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function send(method: string, url: string, body?: unknown) {
  const res = await fetch(`${s.url}${url}`, {
    method,
    headers: { authorization: `Bearer ${s.apiKey}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, type: res.headers.get('content-type') ?? '', text };
}

const INTERNAL = /^\/(pool|billing|engine)\//;
// GraphQL describes itself (its schema, introspection); OpenAPI describes the REST routes
const NOT_REST = /^\/graphql(\/|$)/;

it('describes every public route the router has, and no internal one', async () => {
  const res = await send('GET', '/openapi.json');
  expect(res.status).toBe(200);
  const doc = JSON.parse(res.text) as Body;
  expect(doc.openapi).toBe('3.1.0');
  const documented = new Set(
    Object.entries(doc.paths as Record<string, Body>).flatMap(([p, ops]) =>
      Object.keys(ops).map((m) => `${m.toUpperCase()} ${p.replace(/\{([^}]+)\}/g, ':$1')}`),
    ),
  );
  const publicRoutes = s.routes
    .filter((r) => r.method !== 'HEAD' && !INTERNAL.test(r.url) && !NOT_REST.test(r.url))
    .map((r) => `${r.method} ${r.url}`);
  expect(publicRoutes.length).toBeGreaterThan(10);
  expect(publicRoutes.filter((r) => !documented.has(r))).toEqual([]);
  expect([...documented].filter((r) => INTERNAL.test(r.split(' ')[1]))).toEqual([]);
  // what a client needs: bodies, scopes, errors in the route's shape
  const create = doc.paths['/v1/api-keys'].post;
  expect(create['x-required-scope']).toBe('admin');
  expect(create.requestBody.content['application/json'].schema.required).toEqual(expect.arrayContaining(['name', 'scopes']));
  expect(create.responses['403'].content['application/problem+json']).toBeDefined();
  expect(doc.paths['/v1/chat/completions'].post.responses['400'].content['application/json'].schema.$ref).toBe(
    '#/components/schemas/OpenAiError',
  );
  expect(Object.keys(doc.paths['/v1/workflows/import'].post.requestBody.content)).toEqual(
    expect.arrayContaining(['application/json', 'application/yaml']),
  );
});

it('lints clean with Redocly', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'shoal-openapi-'));
  try {
    const file = path.join(dir, 'openapi.json');
    writeFileSync(file, (await send('GET', '/openapi.json')).text);
    const cli = path.join(repoRoot(), 'node_modules/@redocly/cli/bin/cli.js');
    const r = spawnSync(process.execPath, [cli, 'lint', file, '--config', path.join(repoRoot(), 'redocly.yaml'), '--format', 'stylish'], {
      encoding: 'utf8',
      timeout: 120_000,
      env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true', NO_COLOR: '1' },
    });
    expect(`${r.status}\n${r.stdout}\n${r.stderr}`).toMatch(/^0\n/);
    expect(r.stdout + r.stderr).not.toMatch(/warning/i);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

it('publishes response schemas that real answers fit', async () => {
  const key = JSON.parse((await send('POST', '/v1/api-keys', { name: 'doc', scopes: ['read'] })).text);
  expect(responseSchemas.apiKeyResponse.strict().safeParse(key).error).toBeUndefined();
  const list = JSON.parse((await send('GET', '/v1/api-keys')).text);
  expect(responseSchemas.apiKeyListResponse.safeParse(list).error).toBeUndefined();
  const yaml = readFileSync(path.join(COMPAT_DSL_DIR, 'env-variables.yml'), 'utf8');
  const inputs = JSON.parse(readFileSync(path.join(COMPAT_DSL_DIR, 'env-variables.case.json'), 'utf8')).runs[0].inputs;
  const wf = JSON.parse((await send('POST', '/v1/workflows/import', { yaml_content: yaml })).text);
  expect(responseSchemas.importResponse.strict().safeParse(wf).error).toBeUndefined();
  const run = JSON.parse((await send('POST', `/v1/workflows/${wf.id}/runs`, { inputs, response_mode: 'blocking' })).text);
  expect(responseSchemas.runResponse.strict().safeParse(run).error).toBeUndefined();
  const full = JSON.parse((await send('GET', `/v1/runs/${run.id}`)).text);
  expect(responseSchemas.runWithNodesResponse.strict().safeParse(full).error).toBeUndefined();
});

it('serves interactive docs from this process, and nothing but its own files', async () => {
  const page = await send('GET', '/docs');
  expect([page.status, page.type]).toEqual([200, 'text/html; charset=utf-8']);
  expect(page.text).toContain('/openapi.json');
  const bundle = await send('GET', '/docs/swagger-ui-bundle.js');
  expect(bundle.status).toBe(200);
  expect(bundle.type).toMatch(/^text\/javascript/);
  for (const probe of ['/docs/package.json', '/docs/..%2F..%2Fpackage.json', '/docs/index.html', '/docs/constructor'])
    expect((await send('GET', probe)).status).toBe(404);
});
