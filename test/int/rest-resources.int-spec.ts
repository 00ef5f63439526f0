// The REST resources beyond create and get: workflow lists, updates, deletion and versions; run
// lists with filters and cursors; Idempotency-Key on run creation.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { COMPAT_DSL_DIR } from '../compat/compat-fixtures.loader';
import { startInProcessServices, type InProcessServices } from '../support/in-process-services';

let s: InProcessServices;
beforeAll(async () => {
  s = await startInProcessServices('rest');
}, 90_000);
afterAll(() => s?.close());

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function send(method: string, url: string, body?: unknown, headers: Record<string, string> = {}, key = s.apiKey) {
  const res = await fetch(`${s.url}${url}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as Body };
}

const yaml = readFileSync(path.join(COMPAT_DSL_DIR, 'env-variables.yml'), 'utf8');
const inputs = JSON.parse(readFileSync(path.join(COMPAT_DSL_DIR, 'env-variables.case.json'), 'utf8')).runs[0].inputs;
const importOne = async () => (await send('POST', '/v1/workflows/import', { yaml_content: yaml })).body;

it('lists workflows newest first with a cursor, renames one, and deleting hides it from lists and runs', async () => {
  const made = [await importOne(), await importOne(), await importOne()];
  const first = await send('GET', '/v1/workflows?limit=2');
  expect(first.status).toBe(200);
  expect(first.body.data.map((w: Body) => w.id)).toEqual([made[2].id, made[1].id]);
  expect(first.body.data[0].graph).toBeUndefined();
  const next = await send('GET', `/v1/workflows?limit=2&after=${first.body.next_cursor}`);
  expect(next.body.data[0].id).toBe(made[0].id);

  const renamed = await send('PATCH', `/v1/workflows/${made[0].id}`, { name: 'renamed' });
  expect(renamed.body).toMatchObject({ id: made[0].id, name: 'renamed' });
  expect((await send('PATCH', `/v1/workflows/${made[0].id}`, {})).status).toBe(400);

  expect((await send('DELETE', `/v1/workflows/${made[1].id}`)).body).toEqual({ id: made[1].id, object: 'workflow', deleted: true });
  expect((await send('GET', `/v1/workflows/${made[1].id}`)).status).toBe(404);
  expect((await send('POST', `/v1/workflows/${made[1].id}/runs`, { inputs })).status).toBe(404);
  expect((await send('DELETE', `/v1/workflows/${made[1].id}`)).status).toBe(404);
  const all = await send('GET', '/v1/workflows?limit=100');
  expect(all.body.data.map((w: Body) => w.id)).not.toContain(made[1].id);
});

it('publishes versions: runs use the latest, earlier versions stay readable, a bad graph publishes nothing', async () => {
  const wf = await importOne();
  const v1 = wf.graph;
  const v2 = structuredClone(v1);
  const tpl = v2.nodes.find((n: Body) => n.data.type === 'template-transform');
  tpl.data.template = `v2: ${tpl.data.template}`;
  const published = await send('POST', `/v1/workflows/${wf.id}/versions`, { graph: v2 });
  expect(published.status).toBe(201);
  expect(published.body.version.number).toBe(2);
  const bad = await send('POST', `/v1/workflows/${wf.id}/versions`, { graph: { nodes: [], edges: [] } });
  expect(bad.status).toBe(400);

  const list = await send('GET', `/v1/workflows/${wf.id}/versions`);
  expect(list.body.data.map((v: Body) => v.number)).toEqual([2, 1]);
  expect((await send('GET', `/v1/workflows/${wf.id}/versions/1`)).body.graph).toEqual(v1);
  expect((await send('GET', `/v1/workflows/${wf.id}/versions/3`)).status).toBe(404);
  expect((await send('GET', `/v1/workflows/${wf.id}/versions/x`)).status).toBe(404);

  const run = await send('POST', `/v1/workflows/${wf.id}/runs`, { inputs, response_mode: 'blocking' });
  expect(run.body.status).toBe('succeeded');
  expect(run.body.workflow_version_id).toBe(published.body.version.id);
  expect(String(run.body.outputs.message)).toMatch(/^v2: /);
});

it('lists runs with filters and a cursor', async () => {
  const wf = await importOne();
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) ids.push((await send('POST', `/v1/workflows/${wf.id}/runs`, { inputs, response_mode: 'blocking' })).body.id);
  const page = await send('GET', `/v1/runs?workflow_id=${wf.id}&limit=2`);
  expect(page.body.data.map((r: Body) => r.id)).toEqual([ids[2], ids[1]]);
  const rest = await send('GET', `/v1/runs?workflow_id=${wf.id}&limit=2&after=${page.body.next_cursor}`);
  expect(rest.body).toMatchObject({ has_more: false, next_cursor: null });
  expect(rest.body.data.map((r: Body) => r.id)).toEqual([ids[0]]);
  expect((await send('GET', `/v1/runs?workflow_id=${wf.id}&status=failed`)).body.data).toEqual([]);
  expect((await send('GET', `/v1/runs?workflow_id=${wf.id}&created_after=2999-01-01T00:00:00Z`)).body.data).toEqual([]);
  expect((await send('GET', '/v1/runs?status=finished')).status).toBe(400);
});

it('starts one run for requests repeating an Idempotency-Key, even at once, and refuses the key for a different request', async () => {
  const wf = await importOne();
  const key = { 'idempotency-key': `retry-${Date.now()}` };
  const answers = await Promise.all(
    Array.from({ length: 5 }, () => send('POST', `/v1/workflows/${wf.id}/runs`, { inputs, response_mode: 'blocking' }, key)),
  );
  for (const a of answers) expect(a.status).toBe(200);
  expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
  expect(await s.prisma.workflowRun.count({ where: { workflowId: wf.id } })).toBe(1);
  // the same answer again later
  const again = await send('POST', `/v1/workflows/${wf.id}/runs`, { inputs, response_mode: 'blocking' }, key);
  expect(again.body).toMatchObject({ id: answers[0].body.id, status: 'succeeded', outputs: answers[0].body.outputs });

  const other = await send('POST', `/v1/workflows/${wf.id}/runs`, { inputs: { ...inputs, name: 'Grace' } }, key);
  expect(other.status).toBe(409);
  expect(other.body.errors[0].path).toBe('headers.idempotency-key');
  expect((await send('POST', `/v1/workflows/${wf.id}/runs`, { inputs }, { 'idempotency-key': 'has space' })).status).toBe(400);
  expect(await s.prisma.workflowRun.count({ where: { workflowId: wf.id } })).toBe(1);
});
