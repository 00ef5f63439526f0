// The pool's configuration as data, through the admin API, on real Postgres and Redis: CRUD and
// validation, tenant isolation, sealed credentials and key rotation, a change reaching a second
// model-pool within a second, drain taking a deployment out at once, and no key in any answer or log.
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import {
  McpServersRepository,
  PoolCredentialsRepository,
  openMcpHeaders,
  sealMcpHeaders,
  SecretBox,
  configureRootLogger,
  createPrismaClient,
  credentialOwner,
  openWorkflowSecrets,
  secretKeyId,
  type PrismaClient,
} from '@shoal/platform';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SecretRotationService, WorkflowSecretsRepository } from '@shoal/gateway-feature';
import { COMPAT_DSL_DIR } from '../compat/compat-fixtures.loader';
import { startGatewayReplica, startInProcessServices, startModelPoolReplica, type InProcessServices } from '../support/in-process-services';

const logLines: string[] = [];
const answers: string[] = [];

// every provider key used here: none may appear in an answer or a log line
const KEY_A = `sk-tenant-a-${randomBytes(12).toString('hex')}`;
const KEY_A2 = `sk-tenant-a-rotated-${randomBytes(12).toString('hex')}`;
const KEY_B = `sk-tenant-b-${randomBytes(12).toString('hex')}`;
const KEY_SHARED = `sk-platform-${randomBytes(12).toString('hex')}`;
const ALL_KEYS = [KEY_A, KEY_A2, KEY_B, KEY_SHARED];

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

let s: InProcessServices;
let replica: { url: string; close(): Promise<void> };
let keyB: string;

async function call(url: string, key: string, method: string, path: string, body?: unknown) {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body !== undefined ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  answers.push(text);
  return { status: res.status, headers: res.headers, json: text ? (JSON.parse(text) as Body) : {} };
}

const admin = (method: string, path: string, body?: unknown, key = s.apiKey) => call(s.url, key, method, path, body);
const chat = (url: string, key: string, model: string) =>
  call(url, key, 'POST', '/v1/chat/completions', { model, messages: [{ role: 'user', content: 'hello' }] });

async function credential(apiKey: string, key = s.apiKey, scope = ''): Promise<string> {
  const res = await admin('POST', `/v1/admin/credentials${scope}`, { provider: 'openai-compatible', name: 'mock', api_key: apiKey }, key);
  expect(res.status).toBe(201);
  return res.json.id as string;
}

async function deployment(alias: string, credentialId: string, key = s.apiKey, extra: object = {}): Promise<string> {
  const res = await admin(
    'POST',
    '/v1/admin/deployments',
    { alias, provider: 'openai-compatible', base_url: s.mock.url, credential_id: credentialId, upstream_model: 'mock-chat', ...extra },
    key,
  );
  expect(res.status).toBe(201);
  return res.json.id as string;
}

/** Polls `fn` until it returns true or `ms` pass; answers how long it took (or null). */
async function within(ms: number, fn: () => Promise<boolean>): Promise<number | null> {
  const start = Date.now();
  while (Date.now() - start < ms) {
    if (await fn()) return Date.now() - start;
    await new Promise((r) => setTimeout(r, 25));
  }
  return null;
}

beforeAll(async () => {
  configureRootLogger({
    service: 'test',
    level: 'debug',
    destination: new Writable({
      write(chunk: Buffer, _enc, done) {
        logLines.push(chunk.toString('utf8'));
        done();
      },
    }),
  });
  s = await startInProcessServices('pooladmin');
  replica = await startModelPoolReplica(s);
  const tenant = await admin('POST', '/v1/tenants', { name: 'tenant b' });
  expect(tenant.status).toBe(201);
  keyB = tenant.json.admin_key.key as string;
}, 60_000);

afterAll(async () => {
  await replica?.close();
  await s?.close();
});

describe('admin API: credentials, deployments, aliases', () => {
  it('stores a credential sealed (v2, the current key id, no trace of the key) and answers only a hint', async () => {
    const res = await admin('POST', '/v1/admin/credentials', { provider: 'deepseek', name: 'DeepSeek main', api_key: KEY_A });
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ object: 'provider_credential', provider: 'deepseek', hint: `…${KEY_A.slice(-4)}`, shared: false });
    expect(JSON.stringify(res.json)).not.toContain(KEY_A.slice(0, -4));
    const row = await s.prisma.providerCredential.findUniqueOrThrow({ where: { id: res.json.id } });
    expect(row.sealed).toMatch(new RegExp(`^shoal:enc:v2:${s.secrets.keyId}:[A-Za-z0-9_-]+$`));
    expect(row.sealed).not.toContain(KEY_A);
    expect(s.secrets.open(row.sealed, credentialOwner(row.tenantId, row.id))).toBe(KEY_A);

    const replaced = await admin('PATCH', `/v1/admin/credentials/${res.json.id}`, { api_key: KEY_A2 });
    expect(replaced.json.hint).toBe(`…${KEY_A2.slice(-4)}`);
    const listed = await admin('GET', '/v1/admin/credentials');
    expect(listed.json.data.map((c: { id: string }) => c.id)).toContain(res.json.id);
  });

  it('refuses bad input with a 400 naming each field, and writes nothing', async () => {
    const before = await s.prisma.poolDeployment.count();
    const bad = await admin('POST', '/v1/admin/deployments', {
      alias: 'has space',
      provider: 'nope',
      base_url: 'not a url',
      credential_id: 'cred_x',
      weight: -1,
      extra: true,
    });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    const paths = (bad.json.errors as Array<{ path: string; message: string }>).map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['alias', 'provider', 'base_url', 'weight']));
    expect(bad.json.errors.find((i: { path: string }) => i.path === 'base_url').message).toBe('must be a URL');

    const noCred = await admin('POST', '/v1/admin/deployments', {
      alias: 'x',
      provider: 'openai',
      base_url: 'https://api.openai.com/v1',
      credential_id: 'cred_doesnotexist',
    });
    expect(noCred.status).toBe(400);
    expect(noCred.json.errors[0].path).toBe('credential_id');

    const self = await admin('POST', '/v1/admin/aliases', { name: 'loop', fallbacks: ['loop'] });
    expect(self.status).toBe(400);
    expect(self.json.errors[0]).toMatchObject({ path: 'fallbacks[0]', message: 'an alias cannot fall back to itself' });
    expect(await s.prisma.poolDeployment.count()).toBe(before);
    expect(await s.prisma.poolAlias.count({ where: { name: 'loop' } })).toBe(0);
  });

  it('creates, reads, changes and deletes; a credential in use cannot be deleted (409 naming the deployment)', async () => {
    const cred = await credential(KEY_A);
    const dep = await deployment('crud-alias', cred, s.apiKey, { weight: 3, max_concurrency: 500 });
    expect((await admin('GET', `/v1/admin/deployments/${dep}`)).json).toMatchObject({
      alias: 'crud-alias',
      weight: 3,
      max_concurrency: 500,
    });
    const changed = await admin('PATCH', `/v1/admin/deployments/${dep}`, { weight: 5, rpm: 100 });
    expect(changed.json).toMatchObject({ weight: 5, rpm: 100 });

    const inUse = await admin('DELETE', `/v1/admin/credentials/${cred}`);
    expect(inUse.status).toBe(409);
    expect(inUse.json.detail).toContain(dep);

    const alias = await admin('POST', '/v1/admin/aliases', { name: 'crud-alias', strategy: 'least-in-flight', fallbacks: ['mock-chat'] });
    expect(alias.status).toBe(201);
    expect((await admin('POST', '/v1/admin/aliases', { name: 'crud-alias' })).status).toBe(409);
    expect((await admin('DELETE', `/v1/admin/aliases/${alias.json.id}`)).status).toBe(200);
    expect((await admin('DELETE', `/v1/admin/deployments/${dep}`)).status).toBe(200);
    expect((await admin('GET', `/v1/admin/deployments/${dep}`)).status).toBe(404);
    expect((await admin('DELETE', `/v1/admin/credentials/${cred}`)).status).toBe(200);
  });

  it('platform-shared entries need platform:admin', async () => {
    const refused = await admin('POST', '/v1/admin/credentials?scope=platform', { provider: 'openai', name: 'x', api_key: KEY_B }, keyB);
    expect(refused.status).toBe(403);
    const shared = await credential(KEY_SHARED, s.apiKey, '?scope=platform');
    expect((await admin('GET', `/v1/admin/credentials/${shared}?scope=platform`)).json.shared).toBe(true);
    expect((await admin('GET', `/v1/admin/credentials/${shared}`)).status).toBe(404); // not the tenant's own
  });
});

describe('tenant isolation', () => {
  it('tenant B neither sees nor uses tenant A’s credentials, deployments and aliases', async () => {
    const credA = await credential(KEY_A);
    const depA = await deployment('a-private', credA);
    expect((await admin('GET', `/v1/admin/credentials/${credA}`, undefined, keyB)).status).toBe(404);
    expect((await admin('GET', `/v1/admin/deployments/${depA}`, undefined, keyB)).status).toBe(404);
    expect((await admin('GET', `/v1/admin/deployments/${depA}/state`, undefined, keyB)).status).toBe(404);
    expect((await admin('POST', `/v1/admin/deployments/${depA}/state`, { action: 'drain' }, keyB)).status).toBe(404);
    expect((await admin('GET', '/v1/admin/deployments', undefined, keyB)).json.data).toEqual([]);
    // B cannot point a deployment of its own at A's credential
    const borrow = await admin(
      'POST',
      '/v1/admin/deployments',
      { alias: 'a-private', provider: 'openai-compatible', base_url: s.mock.url, credential_id: credA },
      keyB,
    );
    expect(borrow.status).toBe(400);
    // A can call its alias; B cannot, on either model-pool
    expect(await within(1000, async () => (await chat(s.url, s.apiKey, 'a-private')).status === 200)).not.toBeNull();
    expect((await chat(s.url, keyB, 'a-private')).status).toBe(404);
    expect(await within(1000, async () => (await chat(replica.url, s.apiKey, 'a-private')).status === 200)).not.toBeNull();
    expect((await chat(replica.url, keyB, 'a-private')).status).toBe(404);
    const modelsB = await call(replica.url, keyB, 'GET', '/v1/models');
    expect(modelsB.json.data.map((m: { id: string }) => m.id)).not.toContain('a-private');
  });
});

describe('live apply', () => {
  it('a deployment created through the gateway is served by a second model-pool within a second (pub/sub, not its poll)', async () => {
    const cred = await credential(KEY_A);
    expect((await chat(replica.url, s.apiKey, 'live-alias')).status).toBe(404);
    const dep = await deployment('live-alias', cred);
    const tookMs = await within(1000, async () => {
      const res = await chat(replica.url, s.apiKey, 'live-alias');
      return res.status === 200 && res.headers.get('x-shoal-deployment') === dep;
    });
    expect(tookMs).not.toBeNull();
  });

  it('drain takes a deployment out of rotation at once; enable puts it back', async () => {
    const cred = await credential(KEY_A);
    const one = await deployment('drain-alias', cred);
    const two = await deployment('drain-alias', cred);
    const served = async () => (await chat(replica.url, s.apiKey, 'drain-alias')).headers.get('x-shoal-deployment');
    expect(await within(1000, async () => (await served()) !== null)).not.toBeNull();

    const drained = await admin('POST', `/v1/admin/deployments/${one}/state`, { action: 'drain' });
    expect(drained.status).toBe(200);
    expect(drained.json).toMatchObject({ status: 'drained', drained: true });
    // the replica hears it within a second; from then on it never picks the drained one
    await within(1000, async () => {
      const seen = new Set<string | null>();
      for (let i = 0; i < 4; i++) seen.add(await served());
      return !seen.has(one);
    });
    const after = new Set<string | null>();
    for (let i = 0; i < 10; i++) after.add(await served());
    expect([...after]).toEqual([two]);

    await admin('POST', `/v1/admin/deployments/${one}/state`, { action: 'enable' });
    expect(
      await within(1000, async () => {
        const seen = new Set<string | null>();
        for (let i = 0; i < 4; i++) seen.add(await served());
        return seen.has(one);
      }),
    ).not.toBeNull();
  });

  it('the state view joins config (retired upstream name) and the live health model-pool has', async () => {
    const cred = await credential(KEY_A);
    const dep = await deployment('state-alias', cred, s.apiKey, { provider: 'deepseek', upstream_model: 'deepseek-chat' });
    const state = await within(1000, async () => (await admin('GET', `/v1/admin/deployments/${dep}/state`)).json.loaded === true);
    expect(state).not.toBeNull();
    const res = await admin('GET', `/v1/admin/deployments/${dep}/state`);
    expect(res.json).toMatchObject({
      object: 'deployment_state',
      status: 'healthy',
      loaded: true,
      breaker: 'closed',
      in_flight: 0,
      upstream_model_notice: { status: 'retired', replacement: 'deepseek-flash' },
    });
    // distributed: a gateway that reaches model-pool over its internal route (signed call context)
    const gateway = await startGatewayReplica(s);
    try {
      const remote = await call(gateway.url, s.apiKey, 'GET', `/v1/admin/deployments/${dep}/state`);
      expect(remote.json).toMatchObject({ id: dep, status: 'healthy', loaded: true, breaker: 'closed' });
      expect((await call(gateway.url, keyB, 'GET', `/v1/admin/deployments/${dep}/state`)).status).toBe(404);
    } finally {
      await gateway.close();
    }
  });
});

describe('key rotation', () => {
  let prisma: PrismaClient;
  beforeAll(() => {
    prisma = createPrismaClient({ url: s.databaseUrl, maxConnections: 2 });
  });
  afterAll(() => prisma.$disconnect());

  it('old key in PREVIOUS still opens; after the pass every credential and workflow secret opens with the new key alone', async () => {
    // a workflow whose secret variable the gateway sealed under its key (s.secrets): that key becomes the old one
    const yaml = readFileSync(path.join(COMPAT_DSL_DIR, 'env-variables.yml'), 'utf8');
    const wf = await admin('POST', '/v1/workflows/import', { yaml_content: yaml });
    expect(wf.status).toBe(201);
    const oldKey = randomBytes(32);
    const newKey = randomBytes(32);
    const repo = new PoolCredentialsRepository(prisma);
    const oldBox = new SecretBox(oldKey);
    const ids: string[] = [];
    for (const [i, plain] of [KEY_A, KEY_B].entries()) {
      const id = `cred_rotation${i}`;
      await repo.create(
        null,
        { provider: 'openai', name: `r${i}`, sealed: oldBox.seal(plain, credentialOwner(null, id)), keyId: oldBox.keyId, hint: '…' },
        id,
      );
      ids.push(id);
    }
    const rotating = new SecretBox(newKey, [oldKey, s.secretKey]);
    const row0 = await prisma.providerCredential.findUniqueOrThrow({ where: { id: ids[0] } });
    expect(rotating.open(row0.sealed, credentialOwner(null, ids[0]))).toBe(KEY_A); // still opens mid-rotation

    // an MCP server's headers sealed under the old key
    const tenantId = (await prisma.tenant.findFirstOrThrow()).id;
    const mcpId = 'mcp_rotation0';
    await prisma.mcpServer.create({
      data: {
        id: mcpId,
        tenantId,
        name: 'rotation',
        url: 'https://mcp.example.com/mcp',
        headerNames: ['Authorization'],
        sealedHeaders: sealMcpHeaders({ Authorization: 'Bearer mcp-secret' }, tenantId, mcpId, oldBox),
      },
    });
    const mcpServers = new McpServersRepository(prisma);

    const versions = new WorkflowSecretsRepository(prisma);
    const outcome = await new SecretRotationService(repo, versions, mcpServers, rotating).resealAll();
    const creds = outcome.targets.find((t) => t.target === 'provider_credentials')!;
    expect(creds.resealed).toBeGreaterThanOrEqual(2);
    expect(creds.failed).toEqual([]);
    expect(outcome.targets.find((t) => t.target === 'workflow_secret_variables')).toMatchObject({ resealed: 1, failed: [] });
    expect(outcome.targets.find((t) => t.target === 'mcp_server_headers')).toMatchObject({ resealed: 1, failed: [] });
    const newOnly = new SecretBox(newKey);
    for (const [i, plain] of [KEY_A, KEY_B].entries()) {
      const row = await prisma.providerCredential.findUniqueOrThrow({ where: { id: ids[i] } });
      expect(row.keyId).toBe(secretKeyId(newKey));
      expect(newOnly.open(row.sealed, credentialOwner(null, ids[i]))).toBe(plain);
      expect(() => oldBox.open(row.sealed, credentialOwner(null, ids[i]))).toThrow();
    }
    const version = await prisma.workflowVersion.findFirstOrThrow({ where: { workflowId: wf.json.id } });
    expect(openWorkflowSecrets(version.graph, version.tenantId, newOnly)).toEqual({ api_key: 'sk-compat-test' });
    expect(() => openWorkflowSecrets(version.graph, version.tenantId, new SecretBox(s.secretKey))).toThrow();
    // every credential the gateway stored earlier was resealed too
    for (const row of await prisma.providerCredential.findMany()) expect(row.keyId).toBe(secretKeyId(newKey));
    // a second pass has nothing left to do
    const mcp = await prisma.mcpServer.findUniqueOrThrow({ where: { id: mcpId } });
    expect(openMcpHeaders({ ...mcp, sealedHeaders: mcp.sealedHeaders }, newOnly)).toEqual({ Authorization: 'Bearer mcp-secret' });
    expect(() => openMcpHeaders(mcp, oldBox)).toThrow();
    const again = await new SecretRotationService(repo, versions, mcpServers, rotating).resealAll();
    expect(again.targets.map((t) => t.resealed)).toEqual([0, 0, 0]);
  });

  it('POST /v1/admin/credentials/rotate is a platform admin’s, and reports what it resealed', async () => {
    expect((await admin('POST', '/v1/admin/credentials/rotate', undefined, keyB)).status).toBe(403);
    const res = await admin('POST', '/v1/admin/credentials/rotate');
    expect(res.status).toBe(200);
    expect(res.json.key_id).toBe(s.secrets.keyId);
    // the rows the test above resealed under a key this gateway does not hold are reported, not lost
    expect(res.json.targets[0].failed).toEqual(expect.arrayContaining(['cred_rotation0', 'cred_rotation1']));
  });
});

describe('secrets', () => {
  it('no provider key appears in any answer or any log line of the run', () => {
    expect(logLines.length).toBeGreaterThan(0);
    const everything = [...answers, ...logLines].join('\n');
    for (const key of ALL_KEYS) expect(everything).not.toContain(key);
  });
});
