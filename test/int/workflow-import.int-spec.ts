// POST /v1/workflows/import and GET /v1/workflows/{id}/export over HTTP: a Dify app export in, the
// same graph back out, refusals as problem+json that store nothing, and runs that see what was imported.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { COMPAT_DSL_DIR } from '../compat/compat-fixtures.loader';
import { startInProcessServices, type InProcessServices } from '../support/in-process-services';

let s: InProcessServices;
beforeAll(async () => {
  s = await startInProcessServices('wf_import');
}, 90_000);
afterAll(() => s?.close());

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const fixture = (name: string) => readFileSync(path.join(COMPAT_DSL_DIR, `${name}.yml`), 'utf8');
const auth = (key = s.apiKey) => ({ authorization: `Bearer ${key}` });

async function send(method: string, url: string, body?: string, contentType?: string, key?: string) {
  const res = await fetch(`${s.url}${url}`, {
    method,
    headers: { ...auth(key), ...(contentType ? { 'content-type': contentType } : {}) },
    body,
  });
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  return { status: res.status, type, text, body: (type.includes('json') ? JSON.parse(text) : null) as Body };
}
const importYaml = (yaml: string, query = '', type = 'application/yaml') => send('POST', `/v1/workflows/import${query}`, yaml, type);
const run = async (id: string, inputs: Record<string, unknown>) =>
  (await send('POST', `/v1/workflows/${id}/runs`, JSON.stringify({ inputs, response_mode: 'blocking' }), 'application/json')).body;

it('imports a YAML body as POST /v1/workflows creates a workflow, and the engine runs it with its environment variables', async () => {
  const res = await importYaml(fixture('env-variables'));
  expect(res.status).toBe(201);
  expect(res.body).toMatchObject({ object: 'workflow', name: 'env-variables', version: { number: 1 }, warnings: [] });
  expect(res.body.id).toMatch(/^wf_/);
  expect(res.body.graph.environment_variables.map((v: Body) => v.name)).toEqual(expect.arrayContaining(['greeting']));
  const got = await send('GET', `/v1/workflows/${res.body.id}`);
  expect(got.body.graph).toEqual(res.body.graph);
  const expected = JSON.parse(readFileSync(path.join(COMPAT_DSL_DIR, 'env-variables.case.json'), 'utf8')).runs[0];
  expect(await run(res.body.id, expected.inputs)).toMatchObject({ status: expected.expected.status, outputs: expected.expected.outputs });
});

it('takes JSON { yaml_content, model_map } and the model_map query parameter; warns about models no alias serves', async () => {
  const yaml = fixture('llm-basic');
  const unmapped = await send(
    'POST',
    '/v1/workflows/import?model_map=mock-chat:gpt-unknown',
    JSON.stringify({ yaml_content: yaml }),
    'application/json',
  );
  expect(unmapped.status).toBe(201);
  expect(unmapped.body.warnings).toEqual([expect.objectContaining({ code: 'model_not_served', node_id: expect.any(String) })]);
  expect(unmapped.body.graph.nodes.find((n: Body) => n.data.type === 'llm').data.model.name).toBe('gpt-unknown');
  // the body's map wins over the query's for the same name
  const mapped = await send(
    'POST',
    '/v1/workflows/import?model_map=mock-chat:gpt-unknown',
    JSON.stringify({ yaml_content: yaml, model_map: { 'mock-chat': 'mock-chat' } }),
    'application/json',
  );
  expect(mapped.status).toBe(201);
  expect(mapped.body.warnings).toEqual([]);
  expect((await importYaml(yaml, '', 'text/yaml')).status).toBe(201);
});

it('refuses bad YAML with 400 and its line and column, another mode and unsupported nodes with 422 naming them all; stores nothing', async () => {
  const before = await s.prisma.workflow.count();
  const syntax = await importYaml('app:\n  name: x\n  mode: [workflow\n');
  expect(syntax.status).toBe(400);
  expect(syntax.type).toMatch(/^application\/problem\+json/);
  expect(syntax.body.errors[0]).toMatchObject({ code: 'yaml_syntax', line: expect.any(Number), column: expect.any(Number) });

  const agent = fixture('llm-basic').replace('mode: workflow', 'mode: agent-chat');
  const mode = await importYaml(agent);
  expect(mode.status).toBe(422);
  expect(mode.body.detail).toContain("app.mode is 'agent-chat'");
  expect(mode.body.detail).toContain("Shoal runs 'workflow' and 'advanced-chat'");
  expect(mode.body.errors).toEqual([expect.objectContaining({ path: 'app.mode', code: 'unsupported_mode' })]);

  const doc = parse(fixture('iteration-sequential'));
  doc.workflow.graph.nodes.push({ id: 'retriever', data: { type: 'knowledge-retrieval', title: 'Retrieve' } });
  doc.workflow.graph.nodes.push({ id: 'tooler', data: { type: 'agent', title: 'Agent' } });
  const unsupported = await importYaml(JSON.stringify(doc));
  expect(unsupported.status).toBe(422);
  const nodes = unsupported.body.errors.map((e: Body) => [e.code, e.node_id]);
  // every unsupported node at once
  expect(nodes).toEqual([
    ['unsupported_node_type', 'retriever'],
    ['unsupported_node_type', 'tooler'],
  ]);
  expect(unsupported.body.detail).toMatch(/2 node\(s\) have a type Shoal does not run: .*'knowledge-retrieval'.*'agent'/);

  // valid DSL, graph Shoal refuses: a reference to a node that does not exist
  const dangling = fixture('llm-basic').replace(/\{\{#start\.(\w+)#\}\}/, '{{#nowhere.$1#}}');
  const graph = await importYaml(dangling);
  expect(graph.status).toBe(422);
  expect(graph.body.errors[0].path).toMatch(/^workflow\.graph\.nodes\[\d+\]\.data/);

  expect((await importYaml('')).status).toBe(400);
  expect(
    (
      await send(
        'POST',
        '/v1/workflows/import?model_map=nocolon',
        JSON.stringify({ yaml_content: fixture('llm-basic') }),
        'application/json',
      )
    ).body.errors[0].path,
  ).toBe('query.model_map[0]');
  expect(await s.prisma.workflow.count()).toBe(before);
});

it('exports the latest version as Dify DSL with secrets blanked; import, export, import gives the same graph', async () => {
  const first = await importYaml(fixture('if-else-cases-and-or'));
  const exported = await send('GET', `/v1/workflows/${first.body.id}/export`);
  expect(exported.status).toBe(200);
  expect(exported.type).toMatch(/^application\/yaml/);
  const doc = parse(exported.text);
  expect(doc).toMatchObject({ kind: 'app', app: { name: first.body.name, mode: 'workflow' } });
  const second = await importYaml(exported.text);
  expect(second.status).toBe(201);
  expect(second.body.graph).toEqual(first.body.graph);
  expect(second.body.description).toBe(first.body.description);

  const secret = await importYaml(fixture('env-variables'));
  const secretExport = parse((await send('GET', `/v1/workflows/${secret.body.id}/export`)).text);
  const secrets = secretExport.workflow.environment_variables.filter((v: Body) => v.value_type === 'secret');
  expect(secrets.length).toBeGreaterThan(0);
  for (const v of secrets) expect(v.value).toBe('');
  expect(secretExport.workflow.features).toEqual(parse(fixture('env-variables')).workflow.features);
});

it('exports only the caller tenant’s workflows', async () => {
  const other = await s.prisma.tenant.create({ data: { id: `ten_${Date.now().toString(36)}x`, name: 'other' } });
  const wf = await importYaml(fixture('if-else-is'));
  await s.prisma.workflow.update({ where: { id: wf.body.id }, data: { tenantId: other.id } });
  expect((await send('GET', `/v1/workflows/${wf.body.id}/export`)).status).toBe(404);
  expect((await send('GET', '/v1/workflows/wf_doesnotexist/export')).status).toBe(404);
});
