// Chatflows over the runs API, in one process against real Postgres: a run takes `query` and
// `conversation_id`, answers with its conversation, conversation variables and memory carry over
// between turns, and GET /v1/conversations/{id}[/messages] read them back, tenant-scoped and bounded.
import { newId } from '@shoal/contracts';
import { startInProcessServices, type InProcessServices } from '../support/in-process-services';

let s: InProcessServices;
let chatflow: string;
let workflow: string;

// start -> llm (memory window 1, reads conversation.topic) -> assign (topic := query, turns += 1) -> answer
const chatGraph = {
  conversation_variables: [
    { name: 'topic', value_type: 'string', value: 'none' },
    { name: 'turns', value_type: 'number', value: 0 },
  ],
  nodes: [
    { id: 'start', data: { type: 'start', variables: [] } },
    {
      id: 'llm',
      data: {
        type: 'llm',
        model: { name: 'mock-chat', mode: 'chat' },
        prompt_template: [{ role: 'system', text: 'topic was {{#conversation.topic#}}' }],
        memory: { window: { enabled: true, size: 1 }, query_prompt_template: '{{#sys.query#}} #{{#sys.dialogue_count#}}' },
      },
    },
    {
      id: 'assign',
      data: {
        type: 'assigner',
        version: '2',
        items: [
          { variable_selector: ['conversation', 'topic'], operation: 'over-write', input_type: 'variable', value: ['sys', 'query'] },
          { variable_selector: ['conversation', 'turns'], operation: '+=', input_type: 'constant', value: 1 },
        ],
      },
    },
    { id: 'answer', data: { type: 'answer', answer: '{{#llm.text#}} (turn {{#conversation.turns#}})' } },
  ],
  edges: [
    { source: 'start', target: 'llm' },
    { source: 'llm', target: 'assign' },
    { source: 'assign', target: 'answer' },
  ],
};

beforeAll(async () => {
  s = await startInProcessServices('chatflow_api');
  chatflow = (await api('POST', '/v1/workflows', { name: 'chat', graph: chatGraph })).body.id as string;
  workflow = (
    await api('POST', '/v1/workflows', {
      name: 'plain',
      graph: {
        nodes: [
          { id: 'start', data: { type: 'start', variables: [] } },
          { id: 'end', data: { type: 'end', outputs: [] } },
        ],
        edges: [{ source: 'start', target: 'end' }],
      },
    })
  ).body.id as string;
}, 90_000);
afterAll(() => s?.close());

async function api(method: string, path: string, body?: unknown) {
  const res = await fetch(`${s.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${s.apiKey}`, ...(body ? { 'content-type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return {
    status: res.status,
    body: (text ? JSON.parse(text) : null) as Record<string, unknown> & { data?: Array<Record<string, unknown>> },
  };
}

const turn = (query: string, conversation_id?: string) =>
  api('POST', `/v1/workflows/${chatflow}/runs`, { query, response_mode: 'blocking', ...(conversation_id ? { conversation_id } : {}) });

describe('chatflow runs', () => {
  it('start a conversation, continue it with its variables and memory, and list its turns', async () => {
    const first = await turn('cats');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: 'succeeded', outputs: { answer: 'Mock answer: cats #1 (turn 1)' } });
    const conversationId = first.body.conversation_id as string;
    expect(conversationId).toMatch(/^conv_/);

    const second = await turn('dogs', conversationId);
    expect(second.body).toMatchObject({ conversation_id: conversationId, outputs: { answer: 'Mock answer: dogs #2 (turn 2)' } });
    // the second turn's prompt: the system message with the first turn's topic, the first turn as it was
    // asked and answered (window 1), then the query template
    const rows = await s.prisma.nodeExecution.findFirst({ where: { runId: second.body.id as string, nodeId: 'llm' } });
    expect((rows?.processData as { prompts: unknown }).prompts).toEqual([
      { role: 'system', content: 'topic was cats' },
      { role: 'user', content: 'cats' },
      { role: 'assistant', content: 'Mock answer: cats #1 (turn 1)' },
      { role: 'user', content: 'dogs #2' },
    ]);

    const third = await turn('fish', conversationId);
    expect(third.body).toMatchObject({ outputs: { answer: 'Mock answer: fish #3 (turn 3)' } });

    const conversation = await api('GET', `/v1/conversations/${conversationId}`);
    expect(conversation.body).toMatchObject({
      id: conversationId,
      workflow_id: chatflow,
      dialogue_count: 3,
      variables: { topic: 'fish', turns: 3 },
    });

    // Dify's paging: the newest `limit`, in chronological order; first_id pages back
    const page1 = await api('GET', `/v1/conversations/${conversationId}/messages?limit=2`);
    expect(page1.body).toMatchObject({ limit: 2, has_more: true });
    expect(page1.body.data?.map((m) => m.query)).toEqual(['dogs', 'fish']);
    expect(page1.body.data?.[1]).toMatchObject({ answer: 'Mock answer: fish #3 (turn 3)', run_id: third.body.id, status: 'succeeded' });
    const page2 = await api('GET', `/v1/conversations/${conversationId}/messages?limit=2&first_id=${page1.body.data?.[0].id as string}`);
    expect(page2.body).toMatchObject({ has_more: false });
    expect(page2.body.data?.map((m) => m.query)).toEqual(['cats']);

    // a new conversation starts from the declared values ('' is how Dify clients ask for one)
    const fresh = await api('POST', `/v1/workflows/${chatflow}/runs`, { query: 'birds', conversation_id: '' });
    expect(fresh.body.conversation_id).not.toBe(conversationId);
    expect(fresh.body).toMatchObject({ outputs: { answer: 'Mock answer: birds #1 (turn 1)' } });
  });

  it('refuses bad requests with a 4xx naming what is wrong', async () => {
    const missingQuery = await api('POST', `/v1/workflows/${chatflow}/runs`, { inputs: {} });
    expect([missingQuery.status, JSON.stringify(missingQuery.body)]).toEqual([400, expect.stringMatching(/query/)]);

    const unknown = newId('conv');
    const notFound = await turn('hi', unknown);
    expect([notFound.status, JSON.stringify(notFound.body)]).toEqual([404, expect.stringContaining(unknown)]);

    const onWorkflow = await api('POST', `/v1/workflows/${workflow}/runs`, { query: 'hi' });
    expect([onWorkflow.status, JSON.stringify(onWorkflow.body)]).toEqual([400, expect.stringMatching(/chatflows only/)]);

    const limit = (await turn('x')).body.conversation_id as string;
    expect((await api('GET', `/v1/conversations/${limit}/messages?limit=101`)).status).toBe(400);
    expect((await api('GET', `/v1/conversations/${limit}/messages?limit=0`)).status).toBe(400);
    expect((await api('GET', `/v1/conversations/${limit}/messages?first_id=${newId('msg')}`)).status).toBe(404);
  });

  it("hides another tenant's conversation (404), and refuses a conversation of another workflow (409)", async () => {
    const otherTenant = newId('ten');
    const otherWorkflow = newId('wf');
    const foreign = newId('conv');
    await s.prisma.tenant.create({ data: { id: otherTenant, name: 'other' } });
    await s.prisma.workflow.create({ data: { id: otherWorkflow, tenantId: otherTenant, name: 'theirs' } });
    await s.prisma.conversation.create({ data: { id: foreign, tenantId: otherTenant, workflowId: otherWorkflow } });
    expect((await api('GET', `/v1/conversations/${foreign}`)).status).toBe(404);
    expect((await api('GET', `/v1/conversations/${foreign}/messages`)).status).toBe(404);
    expect((await turn('hi', foreign)).status).toBe(404);

    // as Dify: a conversation started by one end user does not exist for another
    const alices = (await api('POST', `/v1/workflows/${chatflow}/runs`, { query: 'hi', user: 'alice' })).body.conversation_id as string;
    const asBob = await api('POST', `/v1/workflows/${chatflow}/runs`, { query: 'hi', user: 'bob', conversation_id: alices });
    expect(asBob.status).toBe(404);
    expect((await api('POST', `/v1/workflows/${chatflow}/runs`, { query: 'again', user: 'alice', conversation_id: alices })).status).toBe(
      200,
    );

    const second = (await api('POST', '/v1/workflows', { name: 'chat 2', graph: chatGraph })).body.id as string;
    const mine = (await turn('hi')).body.conversation_id as string;
    const crossed = await api('POST', `/v1/workflows/${second}/runs`, { query: 'hi', conversation_id: mine });
    expect([crossed.status, JSON.stringify(crossed.body)]).toEqual([409, expect.stringContaining('another workflow')]);
  });

  it('runs one turn of a conversation at a time: a start while a turn runs is a 409, and no variable update is lost', async () => {
    const conversationId = (await turn('a')).body.conversation_id as string;
    s.mock.setFaults({ latencyMs: 400 });
    try {
      const [x, y] = await Promise.all([turn('b', conversationId), turn('c', conversationId)]);
      expect([x.status, y.status].sort()).toEqual([200, 409]);
    } finally {
      s.mock.setFaults(undefined);
    }
    const after = await api('GET', `/v1/conversations/${conversationId}`);
    expect(after.body).toMatchObject({ dialogue_count: 2, variables: { turns: 2 } });
  });

  it('streams the answer as Dify chat events: message pieces with the conversation and message ids, then message_end', async () => {
    const res = await fetch(`${s.url}/v1/workflows/${chatflow}/runs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'stream me', response_mode: 'streaming' }),
    });
    const events = (await res.text())
      .split('\n\n')
      .flatMap((block) => block.split('\n').filter((l) => l.startsWith('data: ')))
      .map((l) => JSON.parse(l.slice(6)) as Record<string, unknown>);
    const messages = events.filter((e) => e.event === 'message');
    expect(messages.length).toBeGreaterThan(0);
    expect(messages.map((m) => m.answer).join('')).toBe('Mock answer: stream me #1 (turn 1)');
    expect(messages[0]).toMatchObject({ conversation_id: expect.stringMatching(/^conv_/), message_id: expect.stringMatching(/^msg_/) });
    expect(events.some((e) => e.event === 'text_chunk')).toBe(false);
    const names = events.map((e) => e.event);
    expect(names.slice(-2)).toEqual(['message_end', 'workflow_finished']);
    expect(events.at(-2)).toMatchObject({ metadata: { usage: { total_tokens: expect.any(Number) } } });
  });
});
