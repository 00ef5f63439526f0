// Tenants, scoped keys, workflow-bound keys, revocation and rotation, over HTTP on real Postgres.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { COMPAT_DSL_DIR } from '../compat/compat-fixtures.loader';
import { startGatewayReplica, startInProcessServices, type InProcessServices } from '../support/in-process-services';

let s: InProcessServices;
beforeAll(async () => {
  s = await startInProcessServices('access');
}, 90_000);
afterAll(() => s?.close());

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function send(key: string, method: string, url: string, body?: unknown, base = s.url) {
  const res = await fetch(`${base}${url}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, text, headers: res.headers, body: (text ? JSON.parse(text) : null) as Body };
}

const workflowYaml = readFileSync(path.join(COMPAT_DSL_DIR, 'env-variables.yml'), 'utf8');
const workflowInputs = JSON.parse(readFileSync(path.join(COMPAT_DSL_DIR, 'env-variables.case.json'), 'utf8')).runs[0].inputs;

async function importWorkflow(key: string): Promise<string> {
  const res = await send(key, 'POST', '/v1/workflows/import', { yaml_content: workflowYaml });
  expect(res.status).toBe(201);
  return res.body.id;
}

async function newKey(admin: string, body: Body): Promise<Body> {
  const res = await send(admin, 'POST', '/v1/api-keys', body);
  expect(res.status).toBe(201);
  return res.body;
}

it('creates a key whose secret is answered once: never listed, never fetched, only its hash stored', async () => {
  const created = await newKey(s.apiKey, { name: 'ci', scopes: ['read', 'runs:write'] });
  expect(created).toMatchObject({ object: 'api_key', name: 'ci', scopes: ['read', 'runs:write'], workflow_id: null, revoked_at: null });
  expect(created.key).toMatch(/^sk-shoal-/);
  expect(created.key.startsWith(created.prefix)).toBe(true);

  const got = await send(s.apiKey, 'GET', `/v1/api-keys/${created.id}`);
  expect(got.status).toBe(200);
  expect(got.text).not.toContain(created.key);
  expect(got.body.key).toBeUndefined();
  const row = await s.prisma.apiKey.findUniqueOrThrow({ where: { id: created.id } });
  expect(JSON.stringify(row)).not.toContain(created.key);

  // the new key works within its scopes, and is refused (403, naming the scope) outside them
  expect((await send(created.key, 'GET', `/v1/api-keys/${created.id}`)).status).toBe(403);
  const denied = await send(created.key, 'POST', '/v1/workflows/import', { yaml_content: workflowYaml });
  expect(denied.status).toBe(403);
  expect(denied.body.detail).toContain("'workflows:write'");
  expect(await s.prisma.workflow.count({ where: { name: 'never-created' } })).toBe(0);
});

it('lists keys newest first with a cursor, without secrets', async () => {
  const made = [];
  for (let i = 0; i < 3; i++) made.push(await newKey(s.apiKey, { name: `page-${i}`, scopes: ['read'] }));
  const first = await send(s.apiKey, 'GET', '/v1/api-keys?limit=2');
  expect(first.status).toBe(200);
  expect(first.body.data.map((k: Body) => k.id)).toEqual([made[2].id, made[1].id]);
  expect(first.body).toMatchObject({ object: 'list', has_more: true, next_cursor: made[1].id });
  const second = await send(s.apiKey, 'GET', `/v1/api-keys?limit=2&after=${first.body.next_cursor}`);
  expect(second.body.data[0].id).toBe(made[0].id);
  for (const k of [...first.body.data, ...second.body.data]) expect(k.key).toBeUndefined();
  for (const m of made) expect(first.text + second.text).not.toContain(m.key);
  expect((await send(s.apiKey, 'GET', '/v1/api-keys?limit=1000')).status).toBe(400);
});

it('refuses bad key requests with 400 naming the field, and stores nothing', async () => {
  const before = await s.prisma.apiKey.count();
  const cases: Array<[Body, string]> = [
    [{ name: 'x', scopes: ['root'] }, 'scopes[0]'],
    [{ name: 'x', scopes: [] }, 'scopes'],
    [{ name: 'x', scopes: ['read', 'read'] }, 'scopes'],
    [{ name: '', scopes: ['read'] }, 'name'],
    [{ name: 'x', scopes: ['read'], expires_at: 'tomorrow' }, 'expires_at'],
    [{ name: 'x', scopes: ['read'], expires_at: '2001-01-01T00:00:00Z' }, 'expires_at'],
    [{ name: 'x', scopes: ['read'], workflow_id: 'wf_00000000000000000000000000' }, 'workflow_id'],
    [{ name: 'x', scopes: ['read'], surprise: true }, 'body'],
  ];
  for (const [body, field] of cases) {
    const res = await send(s.apiKey, 'POST', '/v1/api-keys', body);
    expect([res.status, JSON.stringify(body)]).toEqual([400, JSON.stringify(body)]);
    expect(res.body.errors.map((e: Body) => e.path).join(' ')).toContain(field);
  }
  expect(await s.prisma.apiKey.count()).toBe(before);
});

it('binds a key to one workflow: it runs and reads that workflow only, and cannot hold wider scopes', async () => {
  const mine = await importWorkflow(s.apiKey);
  const other = await importWorkflow(s.apiKey);
  const wide = await send(s.apiKey, 'POST', '/v1/api-keys', { name: 'app', scopes: ['admin'], workflow_id: mine });
  expect(wide.status).toBe(400);
  expect(wide.body.errors[0]).toMatchObject({ path: 'scopes' });

  const app = await newKey(s.apiKey, { name: 'app', scopes: ['runs:write', 'read'], workflow_id: mine });
  expect(app.workflow_id).toBe(mine);
  expect((await send(app.key, 'GET', `/v1/workflows/${mine}`)).status).toBe(200);
  expect((await send(app.key, 'GET', `/v1/workflows/${other}`)).status).toBe(404);
  const run = await send(app.key, 'POST', `/v1/workflows/${mine}/runs`, { inputs: workflowInputs, response_mode: 'blocking' });
  expect([run.status, run.body.status]).toEqual([200, 'succeeded']);
  expect((await send(app.key, 'GET', `/v1/runs/${run.body.id}`)).status).toBe(200);
  expect((await send(app.key, 'POST', `/v1/workflows/${other}/runs`, { inputs: workflowInputs })).status).toBe(404);
  expect((await send(app.key, 'POST', '/v1/chat/completions', { model: 'mock-chat', messages: [] })).status).toBe(403);
});

it('revokes a key: it fails at once here, a second revoke is harmless, and another tenant cannot touch it', async () => {
  const victim = await newKey(s.apiKey, { name: 'to-revoke', scopes: ['read'] });
  // warm the cache, so revocation must evict it rather than wait for a TTL
  expect((await send(victim.key, 'GET', '/v1/usage/records')).status).toBe(200);

  const tenant = await send(s.apiKey, 'POST', '/v1/tenants', { name: 'acme' });
  expect(tenant.status).toBe(201);
  const outsider = tenant.body.admin_key.key;
  expect((await send(outsider, 'DELETE', `/v1/api-keys/${victim.id}`)).status).toBe(404);
  expect((await send(outsider, 'GET', `/v1/api-keys/${victim.id}`)).status).toBe(404);
  expect((await send(victim.key, 'GET', '/v1/usage/records')).status).toBe(200);

  const revoked = await send(s.apiKey, 'DELETE', `/v1/api-keys/${victim.id}`);
  expect(revoked.status).toBe(200);
  expect(revoked.body.revoked_at).toEqual(expect.any(String));
  expect((await send(victim.key, 'GET', '/v1/usage/records')).status).toBe(401);
  const again = await send(s.apiKey, 'DELETE', `/v1/api-keys/${victim.id}`);
  expect(again.body.revoked_at).toBe(revoked.body.revoked_at);
  expect((await send(s.apiKey, 'POST', `/v1/api-keys/${victim.id}/rotate`)).status).toBe(409);
});

it('rotates a key: the new secret keeps the settings, the old one stops at once', async () => {
  const wf = await importWorkflow(s.apiKey);
  const old = await newKey(s.apiKey, { name: 'rotating', scopes: ['read'], workflow_id: wf, rate_limit_rpm: 600 });
  expect((await send(old.key, 'GET', `/v1/workflows/${wf}`)).status).toBe(200);
  const rotated = await send(s.apiKey, 'POST', `/v1/api-keys/${old.id}/rotate`);
  expect(rotated.status).toBe(201);
  expect(rotated.body).toMatchObject({ name: 'rotating', scopes: ['read'], workflow_id: wf, rate_limit_rpm: 600, revoked_at: null });
  expect(rotated.body.id).not.toBe(old.id);
  expect((await send(old.key, 'GET', `/v1/workflows/${wf}`)).status).toBe(401);
  expect((await send(rotated.body.key, 'GET', `/v1/workflows/${wf}`)).status).toBe(200);
});

it('creates tenants only with platform:admin; a new tenant sees none of the first tenant’s data', async () => {
  const admin = await newKey(s.apiKey, { name: 'tenant admin', scopes: ['admin'] });
  expect((await send(admin.key, 'POST', '/v1/tenants', { name: 'nope' })).status).toBe(403);
  const grant = await send(admin.key, 'POST', '/v1/api-keys', { name: 'escalate', scopes: ['platform:admin'] });
  expect(grant.status).toBe(400);

  const created = await send(s.apiKey, 'POST', '/v1/tenants', { name: 'globex' });
  expect(created.status).toBe(201);
  expect(created.body).toMatchObject({ object: 'tenant', name: 'globex', admin_key: { scopes: ['admin'] } });
  const theirs = created.body.admin_key.key;
  const wf = await importWorkflow(s.apiKey);
  expect((await send(theirs, 'GET', `/v1/workflows/${wf}`)).status).toBe(404);
  const list = await send(theirs, 'GET', '/v1/api-keys');
  expect(list.body.data.map((k: Body) => k.id)).toEqual([created.body.admin_key.id]);
});

it('refuses an expired key', async () => {
  const soon = await newKey(s.apiKey, { name: 'short', scopes: ['read'], expires_at: new Date(Date.now() + 1500).toISOString() });
  expect((await send(soon.key, 'GET', '/v1/usage/records')).status).toBe(200);
  await new Promise((r) => setTimeout(r, 1600));
  expect((await send(soon.key, 'GET', '/v1/usage/records')).status).toBe(401);
});

it('limits a key’s requests per minute across two gateway replicas sharing Redis: 429 with Retry-After and RateLimit headers', async () => {
  const replica = await startGatewayReplica(s);
  try {
    const limited = await newKey(s.apiKey, { name: 'limited', scopes: ['read'], rate_limit_rpm: 4 });
    const bases = [s.url, replica.url, s.url, replica.url];
    for (const base of bases) {
      const ok = await send(limited.key, 'GET', '/v1/usage/records', undefined, base);
      expect(ok.status).toBe(200);
      expect(ok.headers.get('ratelimit-policy')).toBe('"key-rpm";q=4;w=60');
      expect(ok.headers.get('ratelimit')).toMatch(/^"key-rpm";r=\d+;t=\d+$/);
    }
    for (const base of [s.url, replica.url]) {
      const refused = await send(limited.key, 'GET', '/v1/usage/records', undefined, base);
      expect(refused.status).toBe(429);
      expect(refused.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(refused.headers.get('ratelimit')).toMatch(/^"key-rpm";r=0;t=\d+$/);
      expect(refused.body.detail).toContain('key-rpm');
    }
    // another key of the same tenant has its own budget
    expect((await send(s.apiKey, 'GET', '/v1/usage/records')).status).toBe(200);
  } finally {
    await replica.close();
  }
});
