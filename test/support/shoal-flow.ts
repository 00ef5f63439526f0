// The user-visible flow every deployment shape must pass: keys, workflows, blocking and streaming
// runs, the OpenAI-compatible API through the real `openai` SDK, and the usage ledger.
import OpenAI from 'openai';
import { costOf, DEFAULT_PRICE_CATALOG, formatMoney, sumMoney } from '@shoal/pricing';
import { mockAnswer, mockTokenCount } from '@shoal/testing';

export interface ShoalUnderTest {
  baseUrl: string;
  apiKey: string;
  /** chat completions the mock provider received so far */
  mockCalls(): number;
}

export const SYSTEM_PROMPT = 'You answer in one short paragraph.';
export const QA_WORKFLOW = {
  name: 'qa',
  graph: {
    nodes: [
      {
        id: 'start',
        data: {
          type: 'start',
          title: 'Start',
          variables: [{ variable: 'question', label: 'Question', type: 'paragraph', required: true }],
        },
      },
      {
        id: 'llm',
        data: {
          type: 'llm',
          title: 'Answer',
          model: { provider: 'mock', name: 'mock-chat', mode: 'chat', completion_params: { temperature: 0 } },
          prompt_template: [
            { role: 'system', text: SYSTEM_PROMPT },
            { role: 'user', text: '{{#start.question#}}' },
          ],
        },
      },
      { id: 'end', data: { type: 'end', title: 'End', outputs: [{ variable: 'answer', value_selector: ['llm', 'text'] }] } },
    ],
    edges: [
      { source: 'start', target: 'llm' },
      { source: 'llm', target: 'end' },
    ],
  },
};

/** What the mock's documented rule says a start -> llm -> end run of `question` costs. */
export function expectedRun(question: string) {
  const answer = mockAnswer(question);
  const promptTokens = mockTokenCount(SYSTEM_PROMPT) + mockTokenCount(question);
  const completionTokens = mockTokenCount(answer);
  const price = DEFAULT_PRICE_CATALOG.priceAt('mock-chat', new Date())!;
  return {
    answer,
    promptTokens,
    completionTokens,
    totalTokens: promptTokens + completionTokens,
    totalPrice: formatMoney(costOf({ promptTokens, completionTokens }, price).total),
  };
}

export function api(t: ShoalUnderTest) {
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    key: string | null = t.apiKey,
    headers: Record<string, string> = {},
  ) => {
    const res = await fetch(t.baseUrl + path, {
      method,
      headers: {
        ...(key ? { authorization: `Bearer ${key}` } : {}),
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let json: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- test assertions read arbitrary response fields
    try {
      json = JSON.parse(text);
    } catch {
      json = text;
    }
    return { status: res.status, headers: res.headers, body: json };
  };
  return {
    get: (path: string, key?: string | null) => call('GET', path, undefined, key),
    post: (path: string, body: unknown, key?: string | null, headers?: Record<string, string>) => call('POST', path, body, key, headers),
  };
}

export interface SseEvent {
  id?: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- tests read whatever fields each event has
  data: any;
}

/** Reads a text/event-stream response to its end. */
export async function readSse(res: Response): Promise<SseEvent[]> {
  const text = await res.text();
  return text
    .split('\n\n')
    .filter((b) => b.trim())
    .map((block) => {
      const lines = block.split('\n');
      const id = lines.find((l) => l.startsWith('id: '))?.slice(4);
      const data = lines
        .filter((l) => l.startsWith('data: '))
        .map((l) => l.slice(6))
        .join('\n');
      return { id, data: JSON.parse(data) };
    });
}

export async function eventually<T>(fn: () => Promise<T>, ok: (v: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  let v = await fn();
  while (!ok(v) && Date.now() < end) {
    await new Promise((r) => setTimeout(r, 100));
    v = await fn();
  }
  return v;
}

/** Registers the shared flow as Jest tests against `target()`. */
export function shoalFlow(target: () => ShoalUnderTest): void {
  let workflowId = '';
  const chatCallIds = new Set<string>();

  it('rejects a missing or wrong API key with 401 in the style of the API called', async () => {
    const a = api(target());
    const rest = await a.post('/v1/workflows', QA_WORKFLOW, null);
    expect(rest.status).toBe(401);
    expect(rest.headers.get('content-type')).toContain('application/problem+json');
    expect(rest.body).toMatchObject({ status: 401, type: expect.stringContaining('unauthorized') });
    const openai = await a.post(
      '/v1/chat/completions',
      { model: 'mock-chat', messages: [{ role: 'user', content: 'x' }] },
      'sk-shoal-wrong',
    );
    expect(openai.status).toBe(401);
    expect(openai.body.error).toMatchObject({ code: 'invalid_api_key' });
    // the SDK maps it to its own error class
    const client = new OpenAI({ apiKey: 'sk-shoal-wrong', baseURL: `${target().baseUrl}/v1`, maxRetries: 0 });
    await expect(client.chat.completions.create({ model: 'mock-chat', messages: [{ role: 'user', content: 'x' }] })).rejects.toBeInstanceOf(
      OpenAI.AuthenticationError,
    );
  });

  it('rejects an invalid graph with a 400 naming the node and field, and stores nothing', async () => {
    const bad = structuredClone(QA_WORKFLOW);
    (bad.graph.nodes[1].data.model as { name?: string }).name = undefined;
    bad.graph.nodes[2].data.outputs![0].value_selector = ['ghost', 'text'];
    const res = await api(target()).post('/v1/workflows', bad);
    expect(res.status).toBe(400);
    const paths = res.body.errors.map((e: { path: string }) => e.path);
    expect(paths).toContain('graph.nodes[1].data.model.name');
    expect(res.body.errors.find((e: { path: string }) => e.path === 'graph.nodes[1].data.model.name').node_id).toBe('llm');
    expect(res.body.detail).toContain("'llm'");
  });

  it('creates a workflow with an immutable first version', async () => {
    const res = await api(target()).post('/v1/workflows', QA_WORKFLOW);
    expect(res.status).toBe(201);
    expect(res.body.id).toMatch(/^wf_[0-9a-z]{26}$/);
    expect(res.body.version).toMatchObject({ id: expect.stringMatching(/^wfv_/), number: 1 });
    workflowId = res.body.id;
    const got = await api(target()).get(`/v1/workflows/${workflowId}`);
    expect(got.status).toBe(200);
    expect(got.body.graph.nodes.map((n: { id: string }) => n.id)).toEqual(['start', 'llm', 'end']);
  });

  it('runs it blocking: outputs, tokens and price follow the mock provider rule', async () => {
    const question = 'What is Shoal, in one sentence?';
    const want = expectedRun(question);
    const before = target().mockCalls();
    const res = await api(target()).post(`/v1/workflows/${workflowId}/runs`, { inputs: { question }, response_mode: 'blocking' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: expect.stringMatching(/^run_/),
      status: 'succeeded',
      outputs: { answer: want.answer },
      error: null,
      total_tokens: want.totalTokens,
      total_price: want.totalPrice,
      currency: 'USD',
    });
    expect(res.body.elapsed_ms).toBeGreaterThanOrEqual(0);
    expect(target().mockCalls() - before).toBe(1);

    const run = await api(target()).get(`/v1/runs/${res.body.id}`);
    expect(run.status).toBe(200);
    const nodes = run.body.node_executions;
    expect(nodes.map((n: { node_id: string; node_type: string; status: string }) => [n.node_id, n.node_type, n.status])).toEqual([
      ['start', 'start', 'succeeded'],
      ['llm', 'llm', 'succeeded'],
      ['end', 'end', 'succeeded'],
    ]);
    expect(nodes[0].outputs).toEqual({ question });
    expect(nodes[1]).toMatchObject({
      prompt_tokens: want.promptTokens,
      completion_tokens: want.completionTokens,
      total_tokens: want.totalTokens,
      error: null,
    });
    expect(nodes[1].outputs.text).toBe(want.answer);
    expect(nodes[2].outputs).toEqual({ answer: want.answer });
    for (const n of nodes) expect(n.elapsed_ms).toEqual(expect.any(Number));

    // the ledger catches up on its own time (billing batches; the run never waits for it)
    const usage = await eventually(
      () => api(target()).get(`/v1/usage/records?run_id=${res.body.id}`),
      (u) => (u.body.data?.length ?? 0) >= 1,
    );
    expect(usage.body.data).toHaveLength(1);
    expect(usage.body.data[0]).toMatchObject({
      model: 'mock-chat',
      prompt_tokens: want.promptTokens,
      completion_tokens: want.completionTokens,
      total_cost: want.totalPrice,
      node_id: 'llm',
    });
  });

  it('rejects missing inputs with a 400 naming the input, without running anything', async () => {
    const before = target().mockCalls();
    const res = await api(target()).post(`/v1/workflows/${workflowId}/runs`, { inputs: {}, response_mode: 'blocking' });
    expect(res.status).toBe(400);
    expect(res.body.errors[0].path).toBe('inputs.question');
    expect(target().mockCalls()).toBe(before);
    expect((await api(target()).post('/v1/workflows/wf_does_not_exist/runs', { inputs: { question: 'x' } })).status).toBe(404);
  });

  it('streams a run as Dify-named SSE events, replayable after Last-Event-ID', async () => {
    const question = 'Stream this answer please';
    const want = expectedRun(question);
    const res = await fetch(`${target().baseUrl}/v1/workflows/${workflowId}/runs`, {
      method: 'POST',
      headers: { authorization: `Bearer ${target().apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ inputs: { question }, response_mode: 'streaming' }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/event-stream');
    const events = (await readSse(res)).filter((e) => e.data.event !== 'ping');
    const names = events.map((e) => e.data.event);
    expect(names[0]).toBe('workflow_started');
    expect(names.at(-1)).toBe('workflow_finished');
    expect(names.filter((n) => n === 'node_started')).toHaveLength(3);
    expect(events.map((e) => e.data.sequence)).toEqual(events.map((_, i) => i + 1));
    expect(events.map((e) => Number(e.id))).toEqual(events.map((_, i) => i + 1));
    const text = events
      .filter((e) => e.data.event === 'text_chunk')
      .map((e) => e.data.data.text)
      .join('');
    expect(text).toBe(want.answer);
    const finished = events.at(-1)!.data;
    expect(finished.data).toMatchObject({ status: 'succeeded', outputs: { answer: want.answer }, total_tokens: want.totalTokens });
    const runId = finished.workflow_run_id;

    const replay = await fetch(`${target().baseUrl}/v1/runs/${runId}/events`, {
      headers: { authorization: `Bearer ${target().apiKey}`, 'last-event-id': '3' },
    });
    const again = (await readSse(replay)).filter((e) => e.data.event !== 'ping');
    expect(again.map((e) => e.data.sequence)).toEqual(events.slice(3).map((e) => e.data.sequence));
  });

  it('serves the OpenAI API to the unmodified openai SDK, streaming and not', async () => {
    const client = new OpenAI({ apiKey: target().apiKey, baseURL: `${target().baseUrl}/v1`, maxRetries: 0 });
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toContain('mock-chat');

    const { data: completion, response } = await client.chat.completions
      .create({ model: 'mock-chat', messages: [{ role: 'user', content: 'hello from the sdk' }] })
      .withResponse();
    expect(response.status).toBe(200);
    chatCallIds.add(response.headers.get('x-shoal-call-id')!);
    expect(completion.choices[0].message.content).toBe(mockAnswer('hello from the sdk'));
    expect(completion.usage).toMatchObject({ prompt_tokens: 4, completion_tokens: mockTokenCount(mockAnswer('hello from the sdk')) });
    expect(completion.model).toBe('mock-chat');

    const stream = await client.chat.completions.create({
      model: 'mock-chat',
      messages: [{ role: 'user', content: 'stream to me' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let usage: OpenAI.CompletionUsage | undefined;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe(mockAnswer('stream to me'));
    expect(usage).toMatchObject({ prompt_tokens: 3, completion_tokens: mockTokenCount(mockAnswer('stream to me')) });

    // without include_usage the client gets no usage chunk, and Shoal still meters the call
    const quiet = await client.chat.completions.create({
      model: 'mock-chat',
      messages: [{ role: 'user', content: 'no usage please' }],
      stream: true,
    });
    let sawUsage = false;
    let quietText = '';
    for await (const chunk of quiet) {
      if (chunk.usage) sawUsage = true;
      quietText += chunk.choices[0]?.delta?.content ?? '';
    }
    expect(sawUsage).toBe(false);
    expect(quietText).toBe(mockAnswer('no usage please'));

    await expect(
      client.chat.completions.create({ model: 'no-such-model', messages: [{ role: 'user', content: 'x' }] }),
    ).rejects.toMatchObject({ status: 404, code: 'model_not_found' });
    await expect(client.chat.completions.create({ model: 'mock-chat', messages: [] })).rejects.toMatchObject({ status: 400 });
  });

  it('records exactly one usage row per provider call, none doubled, priced exactly', async () => {
    const a = api(target());
    const calls = target().mockCalls();
    const usage = await eventually(
      () => a.get('/v1/usage/records?limit=1000'),
      (r) => r.body.data?.length >= calls,
    );
    const rows = usage.body.data as Array<{
      call_id: string;
      model: string;
      prompt_tokens: number;
      completion_tokens: number;
      total_cost: string;
      cached_prompt_tokens: number;
    }>;
    expect(rows).toHaveLength(calls);
    expect(new Set(rows.map((r) => r.call_id)).size).toBe(rows.length);
    for (const id of chatCallIds) expect(rows.map((r) => r.call_id)).toContain(id);
    const price = DEFAULT_PRICE_CATALOG.priceAt('mock-chat', new Date())!;
    for (const r of rows)
      expect(r.total_cost).toBe(formatMoney(costOf({ promptTokens: r.prompt_tokens, completionTokens: r.completion_tokens }, price).total));
    expect(sumMoney(rows.map((r) => r.total_cost)).greaterThan(0)).toBe(true);
  });
  it('streams a two-turn chatflow over SSE as Dify chat events, the second turn remembering the first', async () => {
    const created = await fetch(`${target().baseUrl}/v1/workflows`, {
      method: 'POST',
      headers: { authorization: `Bearer ${target().apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        name: 'chat e2e',
        graph: {
          conversation_variables: [{ name: 'turns', value_type: 'number', value: 0 }],
          nodes: [
            { id: 'start', data: { type: 'start', variables: [] } },
            {
              id: 'llm',
              data: {
                type: 'llm',
                model: { name: 'mock-chat', mode: 'chat' },
                prompt_template: [{ role: 'system', text: SYSTEM_PROMPT }],
                memory: { window: { enabled: true, size: 5 }, query_prompt_template: '' },
              },
            },
            {
              id: 'count',
              data: {
                type: 'assigner',
                version: '2',
                items: [{ variable_selector: ['conversation', 'turns'], operation: '+=', input_type: 'constant', value: 1 }],
              },
            },
            { id: 'answer', data: { type: 'answer', answer: '#{{#conversation.turns#}}: {{#llm.text#}} ({{#llm.usage.prompt_tokens#}})' } },
          ],
          edges: [
            { source: 'start', target: 'llm' },
            { source: 'llm', target: 'count' },
            { source: 'count', target: 'answer' },
          ],
        },
      }),
    });
    expect(created.status).toBe(201);
    const chatflowId = ((await created.json()) as { id: string }).id;
    const turn = async (query: string, conversationId?: string) => {
      const res = await fetch(`${target().baseUrl}/v1/workflows/${chatflowId}/runs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${target().apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ query, response_mode: 'streaming', ...(conversationId ? { conversation_id: conversationId } : {}) }),
      });
      expect(res.status).toBe(200);
      const events = (await readSse(res)).map((e) => e.data).filter((e) => e.event !== 'ping');
      const messages = events.filter((e) => e.event === 'message');
      return { events, answer: messages.map((m) => m.answer as string).join(''), conversationId: messages[0]?.conversation_id as string };
    };
    const systemTokens = SYSTEM_PROMPT.split(/\s+/).length;
    const first = await turn('hello there');
    expect(first.answer).toBe(`#1: Mock answer: hello there (${systemTokens + 2})`);
    expect(first.events.map((e) => e.event).slice(-2)).toEqual(['message_end', 'workflow_finished']);
    expect(first.events.some((e) => e.event === 'text_chunk')).toBe(false);
    const second = await turn('and now', first.conversationId);
    expect(second.conversationId).toBe(first.conversationId);
    // the prompt holds the first turn: its query (2 words) and its answer as sent
    const firstAnswerTokens = first.answer.split(/\s+/).length;
    expect(second.answer).toBe(`#2: Mock answer: and now (${systemTokens + 2 + firstAnswerTokens + 2})`);
    const end = second.events.find((e) => e.event === 'message_end');
    expect(end).toMatchObject({ conversation_id: first.conversationId, metadata: { usage: { total_tokens: expect.any(Number) } } });
  });
}
