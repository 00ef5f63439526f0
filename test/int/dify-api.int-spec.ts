// Dify's service API for workflow apps, driven by Dify's own Node SDK (`dify-client`, unmodified)
// and checked against Dify's documented shapes: blocking and streaming runs, run detail, logs,
// parameters, info, meta, and Dify's error shape.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { ChatClient, CompletionClient, DifyClient } from 'dify-client';
import { COMPAT_DSL_DIR } from '../compat/compat-fixtures.loader';
import { startInProcessServices, type InProcessServices } from '../support/in-process-services';

let s: InProcessServices;
let appKey: string;
let workflowId: string;
beforeAll(async () => {
  s = await startInProcessServices('dify_api');
  const yaml = readFileSync(path.join(COMPAT_DSL_DIR, 'llm-basic.yml'), 'utf8');
  workflowId = (await json('POST', '/v1/workflows/import', s.apiKey, { yaml_content: yaml })).id;
  appKey = (await json('POST', '/v1/api-keys', s.apiKey, { name: 'dify app', scopes: ['runs:write', 'read'], workflow_id: workflowId }))
    .key;
}, 90_000);
afterAll(() => s?.close());

type Body = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

async function send(method: string, url: string, key: string, body?: unknown) {
  const res = await fetch(`${s.url}${url}`, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: (await res.json()) as Body };
}
const json = async (method: string, url: string, key: string, body?: unknown) => (await send(method, url, key, body)).body;

// dify-client's index.d.ts predates runWorkflow, which its index.js has
type WorkflowRunner = {
  runWorkflow(inputs: object, user: string, stream: boolean): Promise<{ status: number; data: unknown; headers: Record<string, string> }>;
};
const workflowClient = () => new CompletionClient(appKey, `${s.url}/v1`) as unknown as WorkflowRunner;

const expected = JSON.parse(readFileSync(path.join(COMPAT_DSL_DIR, 'llm-basic.case.json'), 'utf8')).runs[0];

it('runs the app blocking through dify-client, and answers in Dify’s WorkflowResponse shape', async () => {
  const res = await workflowClient().runWorkflow(expected.inputs, 'user-1', false);
  expect(res.status).toBe(200);
  const body = res.data as Body;
  expect(body).toEqual({
    workflow_run_id: expect.stringMatching(/^run_/),
    task_id: body.workflow_run_id,
    data: {
      id: body.workflow_run_id,
      workflow_id: workflowId,
      status: 'succeeded',
      outputs: expected.expected.outputs,
      error: null,
      elapsed_time: expect.any(Number),
      total_tokens: expect.any(Number),
      total_steps: 3,
      created_at: expect.any(Number),
      finished_at: expect.any(Number),
    },
  });
  // the run's detail and the app's logs, as Dify's SDK users read them
  const detail = await json('GET', `/v1/workflows/run/${body.workflow_run_id}`, appKey);
  expect(detail).toMatchObject({
    id: body.workflow_run_id,
    status: 'succeeded',
    inputs: expected.inputs,
    outputs: expected.expected.outputs,
  });
  const logs = await json('GET', '/v1/workflows/logs?page=1&limit=1&status=succeeded', appKey);
  expect(logs).toMatchObject({
    page: 1,
    limit: 1,
    total: expect.any(Number),
    data: [{ id: expect.any(String), created_from: 'service-api' }],
  });
  expect(logs.data[0].workflow_run).toMatchObject({ version: '1', status: 'succeeded' });
  expect((await json('GET', '/v1/workflows/logs?keyword=user-1', appKey)).total).toBeGreaterThanOrEqual(1);
  expect((await json('GET', '/v1/workflows/logs?keyword=nobody-at-all', appKey)).total).toBe(0);
});

it('streams Dify’s chunks (data: lines) through dify-client, ending with workflow_finished', async () => {
  const res = await workflowClient().runWorkflow(expected.inputs, 'user-2', true);
  expect(res.headers['content-type']).toMatch(/^text\/event-stream/);
  let raw = '';
  for await (const chunk of res.data as Readable) raw += chunk.toString();
  const blocks = raw.split('\n\n').filter((b) => b.trim() !== '' && !b.startsWith('event: ping'));
  for (const b of blocks) expect(b.startsWith('data: ')).toBe(true);
  const events = blocks.map((b) => JSON.parse(b.slice('data: '.length)) as Body);
  expect(events[0]).toMatchObject({ event: 'workflow_started', workflow_run_id: expect.any(String), task_id: expect.any(String) });
  const last = events[events.length - 1];
  expect(last).toMatchObject({ event: 'workflow_finished', data: { status: 'succeeded', outputs: expected.expected.outputs } });
  expect(events.map((e) => e.event)).toEqual(expect.arrayContaining(['node_started', 'node_finished']));
});

it('answers parameters, info and meta for the app', async () => {
  const params = (await new DifyClient(appKey, `${s.url}/v1`).getApplicationParameters('user-1')).data as Body;
  expect(params.user_input_form).toEqual([{ 'text-input': expect.objectContaining({ variable: 'q', required: true }) }]);
  expect(params).toMatchObject({
    speech_to_text: { enabled: false },
    file_upload: expect.any(Object),
    system_parameters: expect.any(Object),
  });
  expect(await json('GET', '/v1/info', appKey)).toEqual({
    name: 'llm-basic',
    description: expect.any(String),
    tags: [],
    mode: 'workflow',
    author_name: '',
  });
  expect(await json('GET', '/v1/meta', appKey)).toEqual({ tool_icons: {} });
});

it('answers errors in Dify’s shape: a missing user, a key not bound to an app, an unknown run', async () => {
  const noUser = await send('POST', '/v1/workflows/run', appKey, { inputs: expected.inputs, response_mode: 'blocking' });
  expect(noUser.status).toBe(400);
  expect(noUser.body).toMatchObject({ code: 'invalid_param', status: 400, message: expect.stringContaining('user') });
  const files = await send('POST', '/v1/workflows/run', appKey, { inputs: expected.inputs, user: 'u', files: [{ type: 'image' }] });
  expect(files.body).toMatchObject({ code: 'invalid_param', message: expect.stringContaining('files') });
  const unbound = await send('POST', '/v1/workflows/run', s.apiKey, { inputs: expected.inputs, user: 'u' });
  expect(unbound.status).toBe(403);
  expect(unbound.body).toMatchObject({ code: 'forbidden', message: expect.stringContaining('bound to a workflow') });
  const missing = await send('GET', '/v1/workflows/run/run_00000000000000000000000000', appKey);
  expect(missing.status).toBe(404);
  expect(missing.body).toEqual({ code: 'not_found', message: expect.any(String), status: 404 });
  const badJson = await fetch(`${s.url}/v1/workflows/run`, {
    method: 'POST',
    headers: { authorization: `Bearer ${appKey}`, 'content-type': 'application/json' },
    body: '{"inputs": ',
  });
  expect(badJson.status).toBe(400);
  expect(await badJson.json()).toMatchObject({ code: 'invalid_param', status: 400 });
});

describe('a chatflow app', () => {
  let chatKey: string;
  beforeAll(async () => {
    const yaml = readFileSync(path.join(COMPAT_DSL_DIR, 'conversation-variables.yml'), 'utf8');
    const chatflow = (await json('POST', '/v1/workflows/import', s.apiKey, { yaml_content: yaml })).id;
    chatKey = (
      await json('POST', '/v1/api-keys', s.apiKey, { name: 'dify chat app', scopes: ['runs:write', 'read'], workflow_id: chatflow })
    ).key;
  });

  it('carries a conversation across turns through dify-client, blocking and streaming, and lists, reads and deletes it', async () => {
    const client = new ChatClient(chatKey, `${s.url}/v1`);
    const first = (await client.createChatMessage({}, 'cats', 'chat-user', false)).data as Body;
    expect(first).toMatchObject({
      event: 'message',
      mode: 'advanced-chat',
      answer: 'was topic=none turns=0; now topic=cats turns=1',
      conversation_id: expect.stringMatching(/^conv_/),
      message_id: expect.stringMatching(/^msg_/),
      metadata: { usage: expect.any(Object) },
    });

    // the second turn streams, in Dify's framing, and sees the first turn's variables
    const res = await client.createChatMessage({}, 'dogs', 'chat-user', true, first.conversation_id);
    let raw = '';
    for await (const chunk of res.data as Readable) raw += chunk.toString();
    const events = raw
      .split('\n\n')
      .filter((b) => b.startsWith('data: '))
      .map((b) => JSON.parse(b.slice('data: '.length)) as Body);
    const text = events
      .filter((e) => e.event === 'message')
      .map((e) => e.answer as string)
      .join('');
    expect(text).toBe('was topic=cats turns=1; now topic=dogs turns=2');
    expect(events.find((e) => e.event === 'message_end')).toMatchObject({ conversation_id: first.conversation_id });
    expect(events.at(-1)).toMatchObject({ event: 'workflow_finished' });

    const messages = (await client.getConversationMessages('chat-user', first.conversation_id)).data as Body;
    expect(messages.data.map((m: Body) => m.query)).toEqual(['cats', 'dogs']);
    expect(messages.has_more).toBe(false);
    const conversations = (await client.getConversations('chat-user')).data as Body;
    expect(conversations.data.map((c: Body) => c.id)).toContain(first.conversation_id);
    const variables = await json('GET', `/v1/conversations/${first.conversation_id}/variables`, chatKey);
    expect(Object.fromEntries(variables.data.map((v: Body) => [v.name, v.value]))).toEqual({ topic: 'dogs', turns: 2 });

    // named by hand, or from its first question (Dify asks a model; Shoal takes the question)
    const named = (await client.renameConversation(first.conversation_id, 'Pets', 'chat-user')).data as Body;
    expect(named).toMatchObject({ id: first.conversation_id, name: 'Pets' });
    const generated = await send('POST', `/v1/conversations/${first.conversation_id}/name`, chatKey, {
      auto_generate: true,
      user: 'chat-user',
    });
    expect(generated.body).toMatchObject({ id: first.conversation_id, name: 'cats' });
    const nameless = await send('POST', `/v1/conversations/${first.conversation_id}/name`, chatKey, { user: 'chat-user' });
    expect(nameless.body).toMatchObject({ code: 'invalid_param', status: 400 });
    expect(((await client.getConversations('chat-user')).data as Body).data.find((c: Body) => c.id === first.conversation_id).name).toBe(
      'cats',
    );

    await client.deleteConversation(first.conversation_id, 'chat-user');
    const gone = await send('GET', `/v1/messages?conversation_id=${first.conversation_id}`, chatKey);
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({ code: 'not_found', status: 404 });
  });

  it('keeps one app’s conversations from another app’s key, and answers a bad request in Dify’s shape', async () => {
    const chat = (await send('POST', '/v1/chat-messages', chatKey, { query: 'fish', user: 'u', inputs: {}, response_mode: 'blocking' }))
      .body;
    const other = await send('GET', `/v1/messages?conversation_id=${chat.conversation_id}`, appKey);
    expect(other.status).toBe(404);
    const noQuery = await send('POST', '/v1/chat-messages', chatKey, { user: 'u', inputs: {} });
    expect(noQuery.body).toMatchObject({ code: 'invalid_param', status: 400 });
  });
});
