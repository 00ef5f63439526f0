// Tenant isolation on every public route, enumerated from the router itself: a key of tenant B that
// names tenant A's workflow, run, key (or any resource a route takes) gets 404, never the data, and
// no write crosses. A new public route with a parameter this test does not know fails it, so no
// route can skip it.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { newId } from '@shoal/contracts';
import { errorStyleFor } from '@shoal/platform';
import { COMPAT_DSL_DIR } from '../compat/compat-fixtures.loader';
import { startInProcessServices, type InProcessServices } from '../support/in-process-services';

let s: InProcessServices;
beforeAll(async () => {
  s = await startInProcessServices('isolation');
}, 90_000);
afterAll(() => s?.close());

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function send(key: string, method: string, url: string, body?: unknown) {
  const res = await fetch(`${s.url}${url}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  return { status: res.status, text: await res.text() };
}

// routes served to other services (signed internal calls), not to API keys
const INTERNAL = /^\/(pool|billing|engine)\//;
const PUBLIC_WITHOUT_KEY = new Set(['GET /healthz', 'GET /readyz']);

it('answers tenant B 404 for every resource of tenant A on every route, leaks none of A’s ids in lists, and changes nothing of A', async () => {
  const A = s.apiKey;
  const yaml = readFileSync(path.join(COMPAT_DSL_DIR, 'env-variables.yml'), 'utf8');
  const inputs = JSON.parse(readFileSync(path.join(COMPAT_DSL_DIR, 'env-variables.case.json'), 'utf8')).runs[0].inputs;
  const wf = JSON.parse((await send(A, 'POST', '/v1/workflows/import', { yaml_content: yaml })).text) as Body;
  const run = JSON.parse((await send(A, 'POST', `/v1/workflows/${wf.id}/runs`, { inputs, response_mode: 'blocking' })).text) as Body;
  expect(run.status).toBe('succeeded');
  const key = JSON.parse((await send(A, 'POST', '/v1/api-keys', { name: 'a-key', scopes: ['read'] })).text) as Body;
  const chatYaml = readFileSync(path.join(COMPAT_DSL_DIR, 'answer-query.yml'), 'utf8');
  const chatflow = JSON.parse((await send(A, 'POST', '/v1/workflows/import', { yaml_content: chatYaml })).text) as Body;
  const turn = JSON.parse(
    (await send(A, 'POST', `/v1/workflows/${chatflow.id}/runs`, { query: 'hello', inputs: { name: 'Ada' }, response_mode: 'blocking' }))
      .text,
  ) as Body;
  expect(turn.conversation_id).toMatch(/^conv_/);
  const form = new FormData();
  form.append('file', new Blob(['a secret of tenant A'], { type: 'text/plain' }), 'a-only.txt');
  const fileRes = await fetch(`${s.url}/v1/files`, { method: 'POST', headers: { authorization: `Bearer ${A}` }, body: form });
  const file = (await fileRes.json()) as Body;
  expect(file.id).toMatch(/^file_/);
  // A's pool config: a credential, a deployment using it, an alias
  const providerKeyOfA = 'sk-provider-key-of-tenant-a-0123456789';
  const cred = JSON.parse(
    (await send(A, 'POST', '/v1/admin/credentials', { provider: 'openai', name: 'a-cred', api_key: providerKeyOfA })).text,
  ) as Body;
  const dep = JSON.parse(
    (
      await send(A, 'POST', '/v1/admin/deployments', {
        alias: 'a-alias',
        provider: 'openai',
        base_url: 'https://api.openai.com/v1',
        credential_id: cred.id,
      })
    ).text,
  ) as Body;
  const alias = JSON.parse((await send(A, 'POST', '/v1/admin/aliases', { name: 'a-alias', strategy: 'latency' })).text) as Body;
  expect([cred.id, dep.id, alias.id]).toEqual([
    expect.stringMatching(/^cred_/),
    expect.stringMatching(/^dep_/),
    expect.stringMatching(/^alias_/),
  ]);
  // an MCP server of A's (written directly: registering one over the API checks its address, which no test host can reach)
  const tenantOfA = (await s.prisma.workflow.findUniqueOrThrow({ where: { id: wf.id } })).tenantId;
  const mcp = await s.prisma.mcpServer.create({
    data: {
      id: newId('mcp'),
      tenantId: tenantOfA,
      name: 'a-mcp',
      url: 'https://mcp.example.com/mcp',
      headerNames: [],
      sealedHeaders: null,
    },
  });
  const tenant = JSON.parse((await send(A, 'POST', '/v1/tenants', { name: 'tenant-b' })).text) as Body;
  const B = tenant.admin_key.key as string;
  // Dify's API acts on the app a key is bound to: tenant B's own app key
  const wfB = JSON.parse((await send(B, 'POST', '/v1/workflows/import', { yaml_content: yaml })).text) as Body;
  const appKeyB = JSON.parse(
    (await send(B, 'POST', '/v1/api-keys', { name: 'b-app', scopes: ['runs:write', 'read'], workflow_id: wfB.id })).text,
  ).key as string;

  // A's resource of each kind a route parameter can name
  const idFor: Record<string, string> = {
    '/v1/workflows/:id': wf.id,
    '/v1/runs/:id': run.id,
    '/v1/api-keys/:id': key.id,
    '/v1/workflows/run/:id': run.id,
    '/v1/workflows/tasks/:taskId': run.id,
    '/v1/chat-messages/:taskId': turn.id,
    '/v1/conversations/:id': turn.conversation_id,
    '/v1/files/:id': file.id,
    '/v1/admin/credentials/:id': cred.id,
    '/v1/admin/deployments/:id': dep.id,
    '/v1/admin/aliases/:id': alias.id,
    '/v1/tools/mcp-servers/:id': mcp.id,
  };
  const secretsOfA = [
    wf.id,
    run.id,
    key.id,
    key.key,
    A,
    turn.conversation_id,
    turn.id,
    file.id,
    'a secret of tenant A',
    cred.id,
    dep.id,
    alias.id,
    mcp.id,
    providerKeyOfA,
  ];
  const poolOfA = () =>
    Promise.all([
      s.prisma.providerCredential.findUniqueOrThrow({ where: { id: cred.id } }),
      s.prisma.poolDeployment.findUniqueOrThrow({ where: { id: dep.id } }),
      s.prisma.poolAlias.findUniqueOrThrow({ where: { id: alias.id } }),
    ]);
  const poolBefore = await poolOfA();
  const before = await snapshotOfA(wf.id, run.id, key.id, file.id);

  const routes = s.routes.filter((r) => r.method !== 'HEAD' && !INTERNAL.test(r.url) && !PUBLIC_WITHOUT_KEY.has(`${r.method} ${r.url}`));
  const unknown: string[] = [];
  let checked = 0;
  for (const route of routes) {
    const prefix = route.url.match(/^(.*?\/:(?:id|taskId))/)?.[1];
    let url = route.url;
    let named: string | undefined;
    if (prefix) {
      const id = idFor[prefix];
      if (!id) {
        unknown.push(`${route.method} ${route.url}`);
        continue;
      }
      url = route.url.replace(/:(id|taskId)/, id).replace(':number', '1');
      named = id;
    }
    const body = route.method === 'GET' || route.method === 'DELETE' ? undefined : benignBody(route.url, inputs, wfB.graph);
    // Dify's API acts on the app a key is bound to (DELETE /v1/conversations/{id} is Dify's, on a path Shoal's GET shares)
    const dify = errorStyleFor(route.url) === 'dify' || `${route.method} ${route.url}` === 'DELETE /v1/conversations/:id';
    const res = await send(dify ? appKeyB : B, route.method, url, body);
    checked++;
    expect(`${route.method} ${route.url} → ${res.status}`).toBe(
      `${route.method} ${route.url} → ${prefix ? 404 : res.status < 500 ? res.status : 'not 5xx'}`,
    );
    // a 404 may repeat the id the caller sent; nothing else of A may appear
    for (const secret of secretsOfA.filter((x) => x !== named))
      expect(`${route.method} ${route.url}: ${res.text.includes(secret)}`).toBe(`${route.method} ${route.url}: false`);
  }
  expect(unknown).toEqual([]);
  expect(checked).toBeGreaterThanOrEqual(10);
  expect(await snapshotOfA(wf.id, run.id, key.id, file.id)).toEqual(before);
  expect(await poolOfA()).toEqual(poolBefore);
  // and A still sees its own
  expect((await send(A, 'GET', `/v1/runs/${run.id}`)).status).toBe(200);
  expect((await send(A, 'GET', `/v1/files/${file.id}/content`)).text).toBe('a secret of tenant A');
  // nor can B's run name A's file in Dify's `files` (sys.files)
  const difyFiles = await send(appKeyB, 'POST', '/v1/workflows/run', {
    inputs,
    user: 'b',
    files: [{ type: 'document', transfer_method: 'local_file', upload_file_id: file.id }],
  });
  expect([difyFiles.status, JSON.parse(difyFiles.text).params]).toEqual([400, 'files[0]']);
});

function benignBody(url: string, inputs: Body, graph: unknown): unknown {
  if (url === '/v1/workflows/:id' || url.endsWith('/name')) return { name: 'taken over' };
  if (url.endsWith('/versions')) return { graph };
  if (url.endsWith('/runs')) return { inputs, response_mode: 'blocking' };
  if (url === '/v1/workflows/run') return { inputs, response_mode: 'blocking', user: 'b' };
  if (url.endsWith('/import'))
    return { yaml_content: 'app: {name: b, mode: workflow}\nkind: app\nworkflow: {graph: {nodes: [], edges: []}}' };
  if (url === '/v1/api-keys') return { name: 'b-key', scopes: ['read'] };
  if (url === '/v1/tenants') return { name: 'c' };
  // a valid change, so that only the lookup can refuse it
  if (url === '/v1/admin/credentials/:id') return { name: 'taken over' };
  if (url === '/v1/admin/deployments/:id') return { weight: 0 };
  if (url === '/v1/admin/deployments/:id/state') return { action: 'drain' };
  if (url === '/v1/admin/aliases/:id') return { strategy: 'cost' };
  if (url.includes('chat/completions')) return { model: 'mock-chat', messages: [{ role: 'user', content: 'hi' }] };
  return {};
}

async function snapshotOfA(workflowId: string, runId: string, keyId: string, fileId: string) {
  const [wf, versions, runs, key, nodes, file, chunks] = await Promise.all([
    s.prisma.workflow.findUniqueOrThrow({ where: { id: workflowId } }),
    s.prisma.workflowVersion.count({ where: { workflowId } }),
    s.prisma.workflowRun.count({ where: { workflowId } }),
    s.prisma.apiKey.findUniqueOrThrow({ where: { id: keyId }, select: { revokedAt: true, name: true, scopes: true } }),
    s.prisma.nodeExecution.count({ where: { runId } }),
    s.prisma.uploadedFile.findUniqueOrThrow({ where: { id: fileId } }),
    s.prisma.fileChunk.count({ where: { fileId } }),
  ]);
  return { wf: { ...wf, updatedAt: null }, versions, runs, key, nodes, file, chunks };
}
