// The LLM-powered nodes through the engine, model-pool and the mock provider on real Postgres and
// Redis: structured output with a repair call (two billed calls), question-classifier routing,
// parameter-extractor function calling, vision parts and separated reasoning. The mock's answers are
// scripted in the prompts (<mock-answer>, <mock-tool-call>, <mock-reasoning>).
import { eventually } from '../support/shoal-flow';
import { startInProcessServices, type InProcessServices } from '../support/in-process-services';

let s: InProcessServices;
beforeAll(async () => {
  s = await startInProcessServices('llm_nodes');
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
  return { status: res.status, text, body: (text ? JSON.parse(text) : null) as Body };
}

const start = (variables: unknown[] = [{ variable: 'q', label: 'q', type: 'paragraph', required: true }]) => ({
  id: 'start',
  data: { type: 'start', variables },
});
const chain = (...ids: string[]) => ids.slice(1).map((target, i) => ({ source: ids[i], target }));

async function runWorkflow(name: string, graph: unknown, inputs: Record<string, unknown>) {
  const wf = await send('POST', '/v1/workflows', { name, graph });
  expect(wf.status).toBe(201);
  const before = s.mock.callLog().length;
  const run = await send('POST', `/v1/workflows/${wf.body.id}/runs`, { inputs, response_mode: 'blocking' });
  expect(run.status).toBe(200);
  return { run: run.body, calls: s.mock.callLog().slice(before) as Array<{ body: Body }> };
}

it('structured output: a wrong answer is repaired by a second call, both billed under their own call ids', async () => {
  const schema = { type: 'object', properties: { name: { type: 'string' }, age: { type: 'number' } }, required: ['name', 'age'] };
  const { run, calls } = await runWorkflow(
    'structured',
    {
      nodes: [
        start(),
        {
          id: 'llm',
          data: {
            type: 'llm',
            model: { name: 'mock-chat' },
            prompt_template: [{ role: 'user', text: '{{#start.q#}}' }],
            structured_output_enabled: true,
            structured_output: { schema },
          },
        },
        { id: 'end', data: { type: 'end', outputs: [{ variable: 'person', value_selector: ['llm', 'structured_output'] }] } },
      ],
      edges: chain('start', 'llm', 'end'),
    },
    { q: 'Who? <mock-answer>{"name": "Ada", "age": "old"}</mock-answer><mock-answer>{"name": "Ada", "age": 36}</mock-answer>' },
  );
  expect(run).toMatchObject({ status: 'succeeded', outputs: { person: { name: 'Ada', age: 36 } } });
  expect(calls).toHaveLength(2);
  expect(calls[1].body.messages.at(-1).content).toMatch(/not accepted: .*\/age/);
  const rows = await eventually(
    () => s.prisma.usageRecord.findMany({ where: { runId: run.id }, orderBy: { callId: 'asc' } }),
    (r) => r.length === 2,
  );
  expect(rows.map((r) => r.callId)).toEqual([`${run.id}:llm:0`, `${run.id}:llm:0:repair-1`]);
});

it('question-classifier: routes by the class the model names, with usage', async () => {
  const classes = [
    { id: 'billing', name: 'Billing question' },
    { id: 'tech', name: 'Technical problem' },
  ];
  const graph = {
    nodes: [
      start(),
      {
        id: 'qc',
        data: { type: 'question-classifier', model: { name: 'mock-chat', mode: 'chat' }, query_variable_selector: ['start', 'q'], classes },
      },
      { id: 'to_billing', data: { type: 'end', outputs: [{ variable: 'went', value_selector: ['qc', 'class_name'] }] } },
      { id: 'to_tech', data: { type: 'end', outputs: [{ variable: 'went', value_selector: ['qc', 'class_id'] }] } },
    ],
    edges: [
      { source: 'start', target: 'qc' },
      { source: 'qc', target: 'to_billing', sourceHandle: 'billing' },
      { source: 'qc', target: 'to_tech', sourceHandle: 'tech' },
    ],
  };
  const { run, calls } = await runWorkflow('classify', graph, {
    q: 'It crashes <mock-answer>{"category_id": "tech", "category_name": "Technical problem"}</mock-answer>',
  });
  expect(run).toMatchObject({ status: 'succeeded', outputs: { went: 'tech' } });
  expect(calls).toHaveLength(1);
  expect(calls[0].body.messages).toHaveLength(6);
  expect(calls[0].body.stream).toBe(false);
  // an answer naming no class goes the first class's way, as Dify's does
  const fallback = await runWorkflow('classify-fallback', graph, { q: 'Hm <mock-answer>{"keywords": []}</mock-answer>' });
  expect(fallback.run).toMatchObject({ status: 'succeeded', outputs: { went: 'Billing question' } });
});

it('parameter-extractor: function calling through model-pool, the call read back as parameters', async () => {
  const { run, calls } = await runWorkflow(
    'extract',
    {
      nodes: [
        start(),
        {
          id: 'pe',
          data: {
            type: 'parameter-extractor',
            model: { name: 'mock-chat', mode: 'chat' },
            query: ['start', 'q'],
            reasoning_mode: 'function_call',
            parameters: [
              { name: 'city', type: 'string', description: 'city', required: true },
              { name: 'nights', type: 'number', description: 'nights', required: true },
            ],
          },
        },
        {
          id: 'end',
          data: { type: 'end', outputs: ['city', 'nights', '__is_success'].map((v) => ({ variable: v, value_selector: ['pe', v] })) },
        },
      ],
      edges: chain('start', 'pe', 'end'),
    },
    { q: 'Two nights in Lyon <mock-tool-call name="extract_parameters">{"city": "Lyon", "nights": 2}</mock-tool-call>' },
  );
  expect(run).toMatchObject({ status: 'succeeded', outputs: { city: 'Lyon', nights: 2, __is_success: 1 } });
  expect(calls[0].body.tools[0].function.name).toBe('extract_parameters');
  expect(calls[0].body.messages.filter((m: Body) => m.role === 'tool')).toHaveLength(2);
});

it('vision and reasoning: image files reach the provider as image_url parts; separated reasoning stays out of the text', async () => {
  const { run, calls } = await runWorkflow(
    'vision',
    {
      nodes: [
        start([
          { variable: 'q', label: 'q', type: 'paragraph', required: true },
          { variable: 'pics', label: 'pics', type: 'file-list', required: true },
        ]),
        {
          id: 'llm',
          data: {
            type: 'llm',
            model: { name: 'mock-chat' },
            prompt_template: [{ role: 'user', text: '{{#start.q#}}' }],
            vision: { enabled: true, configs: { variable_selector: ['start', 'pics'], detail: 'high' } },
            reasoning_format: 'separated',
          },
        },
        {
          id: 'end',
          data: {
            type: 'end',
            outputs: [
              { variable: 'text', value_selector: ['llm', 'text'] },
              { variable: 'thinking', value_selector: ['llm', 'reasoning_content'] },
            ],
          },
        },
      ],
      edges: chain('start', 'llm', 'end'),
    },
    {
      q: 'What? <mock-reasoning>looks like a cat</mock-reasoning><mock-answer>A cat.</mock-answer>',
      pics: ['https://img.example/cat.png'],
    },
  );
  expect(run).toMatchObject({ status: 'succeeded', outputs: { text: 'A cat.', thinking: 'looks like a cat' } });
  expect(calls[0].body.messages.at(-1).content[0]).toEqual({
    type: 'image_url',
    image_url: { url: 'https://img.example/cat.png', detail: 'high' },
  });
});
