// GraphQL at /graphql: queries and mutations with the REST API's keys, scopes and tenant
// isolation, batched node executions, depth and cost limits, and run events over WebSocket with a
// graphql-ws client.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { COMPAT_DSL_DIR } from '../compat/compat-fixtures.loader';
import { startInProcessServices, type InProcessServices } from '../support/in-process-services';

let s: InProcessServices;
beforeAll(async () => {
  s = await startInProcessServices('graphql');
}, 90_000);
afterAll(() => s?.close());

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function gql(query: string, variables: Record<string, unknown> = {}, key: string | null = s.apiKey) {
  const res = await fetch(`${s.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, body: (await res.json()) as Body };
}

const yaml = readFileSync(path.join(COMPAT_DSL_DIR, 'llm-basic.yml'), 'utf8');
const inputs = JSON.parse(readFileSync(path.join(COMPAT_DSL_DIR, 'llm-basic.case.json'), 'utf8')).runs[0];

it('imports a workflow, starts a run and reads it with its node executions, over GraphQL', async () => {
  const imported = await gql(
    `mutation($yaml: String!) { importWorkflow(yaml: $yaml) { workflow { id name latestVersion { number } } warnings { code } } }`,
    {
      yaml,
    },
  );
  expect(imported.body.errors).toBeUndefined();
  const wf = imported.body.data.importWorkflow.workflow;
  expect(wf).toMatchObject({ name: 'llm-basic', latestVersion: { number: 1 } });

  const started = await gql(`mutation($id: ID!, $inputs: JSON) { startRun(workflowId: $id, inputs: $inputs) { id status } }`, {
    id: wf.id,
    inputs: inputs.inputs,
  });
  expect(started.body.errors).toBeUndefined();
  const runId = started.body.data.startRun.id as string;
  await fetch(`${s.url}/v1/runs/${runId}/events`, { headers: { authorization: `Bearer ${s.apiKey}` } }).then((r) => r.text());

  const read = await gql(
    `query($id: ID!) { run(id: $id) { id status outputs totalTokens nodeExecutions { nodeId status } } workflows(first: 5) { nodes { id runs(first: 3) { id } } } }`,
    { id: runId },
  );
  expect(read.body.errors).toBeUndefined();
  expect(read.body.data.run).toMatchObject({ id: runId, status: 'succeeded', outputs: inputs.expected.outputs });
  expect(read.body.data.run.nodeExecutions.map((n: Body) => n.status)).toEqual(['succeeded', 'succeeded', 'succeeded']);
  expect(read.body.data.workflows.nodes.find((w: Body) => w.id === wf.id).runs.map((r: Body) => r.id)).toEqual([runId]);
  // the same data REST gives
  const rest = (await (await fetch(`${s.url}/v1/runs/${runId}`, { headers: { authorization: `Bearer ${s.apiKey}` } })).json()) as Body;
  expect(read.body.data.run.totalTokens).toBe(rest.total_tokens);
});

it('refuses a missing key with 401 before reading the query, a missing scope and another tenant’s data as REST does', async () => {
  expect((await gql('{ workflows { nodes { id } } }', {}, null)).status).toBe(401);
  const reader = (await (
    await fetch(`${s.url}/v1/api-keys`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'gql reader', scopes: ['read'] }),
    })
  ).json()) as Body;
  const denied = await gql(`mutation($yaml: String!) { importWorkflow(yaml: $yaml) { workflow { id } } }`, { yaml }, reader.key);
  expect(denied.body.errors[0]).toMatchObject({ extensions: { code: 'forbidden', status: 403 } });
  expect(denied.body.errors[0].message).toContain("'workflows:write'");

  const tenant = (await (
    await fetch(`${s.url}/v1/tenants`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'gql-b' }),
    })
  ).json()) as Body;
  const mine = await gql('{ runs(first: 1) { nodes { id } } }');
  const theirs = await gql(
    `query($id: ID!) { run(id: $id) { id } runs { nodes { id } } }`,
    { id: mine.body.data.runs.nodes[0].id },
    tenant.admin_key.key,
  );
  expect(theirs.body.data).toEqual({ run: null, runs: { nodes: [] } });
});

it('refuses over-deep and over-costly queries with a clear error, and batched operations', async () => {
  const costly = await gql('{ workflows(first: 100) { nodes { runs(first: 100) { nodeExecutions { id nodeId status } } } } }');
  expect(costly.status).toBe(400);
  expect(costly.body.errors[0].message).toMatch(/too complex.*limit of 5000/);
  // the same shape with smaller pages is fine
  const modest = await gql('{ workflows(first: 5) { nodes { latestVersion { id } runs(first: 5) { nodeExecutions { id } } } } }');
  expect(modest.body.errors).toBeUndefined();
  const fragments = await gql(`
    fragment A on Run { nodeExecutions { id } }
    query { runs(first: 100) { nodes { ...A ...A } } workflows(first: 100) { nodes { runs(first: 100) { ...A } } } }`);
  expect(fragments.status).toBe(400);
  const batched = await fetch(`${s.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${s.apiKey}` },
    body: JSON.stringify([{ query: '{ workflows { nodes { id } } }' }, { query: '{ workflows { nodes { id } } }' }]),
  });
  expect(batched.status).toBe(400);
});

it('delivers a run’s events over WebSocket (graphql-ws), the same as SSE, until workflow_finished', async () => {
  const wf = (await gql(`mutation($yaml: String!) { importWorkflow(yaml: $yaml) { workflow { id } } }`, { yaml })).body.data.importWorkflow
    .workflow;
  const runId = (
    await gql(`mutation($id: ID!, $inputs: JSON) { startRun(workflowId: $id, inputs: $inputs) { id } }`, {
      id: wf.id,
      inputs: inputs.inputs,
    })
  ).body.data.startRun.id as string;
  const client = createClient({
    url: `${s.url.replace('http', 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: { authorization: `Bearer ${s.apiKey}` },
    retryAttempts: 0,
  });
  try {
    const events: Body[] = [];
    await new Promise<void>((resolve, reject) => {
      client.subscribe(
        { query: 'subscription($id: ID!) { runEvents(runId: $id) { event sequence workflowRunId data } }', variables: { id: runId } },
        { next: (v) => events.push((v.data as Body).runEvents), error: reject, complete: resolve },
      );
    });
    expect(events[0]).toMatchObject({ event: 'workflow_started', sequence: 1, workflowRunId: runId });
    expect(events[events.length - 1]).toMatchObject({ event: 'workflow_finished', data: { status: 'succeeded' } });
    const sse = await (await fetch(`${s.url}/v1/runs/${runId}/events`, { headers: { authorization: `Bearer ${s.apiKey}` } })).text();
    const sseEvents = sse.split('\n\n').filter((b) => b.startsWith('id:')).length;
    expect(events.length).toBe(sseEvents);

    // a connection without a key gets no events
    const anonymous = createClient({ url: `${s.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0 });
    const refusal = await new Promise<unknown>((resolve) => {
      anonymous.subscribe(
        { query: 'subscription($id: ID!) { runEvents(runId: $id) { event } }', variables: { id: runId } },
        { next: () => resolve('got an event'), error: resolve, complete: () => resolve('completed') },
      );
    });
    expect(JSON.stringify(refusal)).toMatch(/unauthorized|API key/i);
    await anonymous.dispose();
  } finally {
    await client.dispose();
  }
});

it('reads a chatflow conversation with its messages, as REST does, and null for one that does not exist', async () => {
  const chatYaml = readFileSync(path.join(COMPAT_DSL_DIR, 'conversation-variables.yml'), 'utf8');
  const chatflow = (await gql(`mutation($yaml: String!) { importWorkflow(yaml: $yaml) { workflow { id } } }`, { yaml: chatYaml })).body.data
    .importWorkflow.workflow.id as string;
  const turn = (await (
    await fetch(`${s.url}/v1/workflows/${chatflow}/runs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'cats', inputs: {}, response_mode: 'blocking' }),
    })
  ).json()) as Body;
  const read = await gql(
    'query($id: ID!) { conversation(id: $id) { id workflowId dialogueCount variables messages { query answer status } } }',
    { id: turn.conversation_id },
  );
  expect(read.body.errors).toBeUndefined();
  expect(read.body.data.conversation).toMatchObject({
    id: turn.conversation_id,
    workflowId: chatflow,
    dialogueCount: 1,
    variables: { topic: 'cats', turns: 1 },
    messages: [{ query: 'cats', answer: 'was topic=none turns=0; now topic=cats turns=1', status: expect.any(String) }],
  });
  expect((await gql('query($id: ID!) { conversation(id: $id) { id } }', { id: 'conv_00000000000000000000000000' })).body.data).toEqual({
    conversation: null,
  });
});
