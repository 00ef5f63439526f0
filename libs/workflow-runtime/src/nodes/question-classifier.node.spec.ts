import { executeRun } from '../index';
import { fakePorts, graph, llmResult } from '../fake-ports.spec-helper';
import { chosenClass } from './question-classifier.node';
import { categoriesJson } from './question-classifier.prompt';

const classes = [
  { id: 'c-billing', name: 'Billing' },
  { id: 'c-tech', name: 'Technical {{#start.product#}}' },
];

const flow = (extra: Record<string, unknown> = {}) =>
  graph({
    nodes: [
      {
        id: 'start',
        data: {
          type: 'start',
          variables: [
            { variable: 'q', type: 'paragraph' },
            { variable: 'product', type: 'text-input', required: false },
          ],
        },
      },
      {
        id: 'qc',
        data: {
          type: 'question-classifier',
          model: { name: 'm', mode: 'chat' },
          query_variable_selector: ['start', 'q'],
          classes,
          instruction: 'Pick by topic of {{#start.product#}}.',
          ...extra,
        },
      },
      { id: 'billing', data: { type: 'end', outputs: [{ variable: 'route', value_selector: ['qc', 'class_name'] }] } },
      { id: 'tech', data: { type: 'end', outputs: [{ variable: 'route', value_selector: ['qc', 'class_id'] }] } },
    ],
    edges: [
      { source: 'start', target: 'qc' },
      { source: 'qc', target: 'billing', sourceHandle: 'c-billing' },
      { source: 'qc', target: 'tech', sourceHandle: 'c-tech' },
    ],
  });

async function run(answer: string, extra?: Record<string, unknown>) {
  const ports = fakePorts();
  ports.llm.handler = () => llmResult(answer, 100, 20);
  const outcome = await executeRun({
    runId: 'r',
    workflowId: 'w',
    workflowVersionId: 'v',
    graph: flow(extra),
    inputs: { q: 'My printer will not start', product: 'Printer' },
    finished: [],
    ports,
  });
  return { outcome, ports };
}

describe('question-classifier node (Dify QuestionClassifierNode)', () => {
  it("builds Dify's chat prompt: system, two worked examples, then the query with the categories and instruction", async () => {
    const { ports } = await run('{"category_id": "c-tech", "category_name": "Technical Printer"}');
    const [req] = ports.llm.calls;
    expect(req.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user', 'assistant', 'user']);
    expect(req.messages[0].content).toContain('<histories>\n\n</histories>');
    expect(req.messages[5].content).toBe(
      '\n    {"input_text": ["My printer will not start"],\n' +
        '    "categories": [{"category_id": "c-billing", "category_name": "Billing"}, {"category_id": "c-tech", "category_name": "Technical Printer"}],\n' +
        '    "classification_instructions": ["Pick by topic of Printer."]}\n',
    );
    expect(req.tools).toBeUndefined();
    expect(req.onChunk).toBeUndefined();
  });

  it("routes to the chosen class's handle and outputs its name, id and usage", async () => {
    const { outcome, ports } = await run('```json\n{"keywords": ["printer"], "category_id": "c-tech", "category_name": "x"}\n```');
    expect(outcome.status).toBe('succeeded');
    expect(outcome.outputs).toEqual({ route: 'c-tech' });
    const finished = ports.checkpoints.finished.find((f) => f.nodeId === 'qc');
    expect(finished?.outputs).toEqual({
      class_name: 'Technical Printer',
      class_label: 'CLASS 2',
      class_id: 'c-tech',
      usage: { prompt_tokens: 100, completion_tokens: 20, total_tokens: 120 },
    });
    expect(finished?.tokens.total).toBe(120);
  });

  it('falls back to the first class when the JSON names no class or an unknown one', async () => {
    expect((await run('{"keywords": []}')).outcome.outputs).toEqual({ route: 'Billing' });
    expect((await run('{"category_id": "nope", "category_name": "Nope"}')).outcome.outputs).toEqual({ route: 'Billing' });
  });

  it("fails the node with Dify's message when the answer holds no JSON", async () => {
    const { outcome } = await run('I think it is technical.');
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toMatch(/could not find json block in the output\.$/);
  });

  it('takes the fail-branch when error_strategy says so', async () => {
    const ports = fakePorts();
    ports.llm.handler = () => llmResult('no json here');
    const g = graph({
      nodes: [
        { id: 'start', data: { type: 'start', variables: [{ variable: 'q', type: 'paragraph' }] } },
        {
          id: 'qc',
          data: {
            type: 'question-classifier',
            model: { name: 'm' },
            query_variable_selector: ['start', 'q'],
            classes: [{ id: 'a', name: 'A' }],
            error_strategy: 'fail-branch',
          },
        },
        { id: 'ok', data: { type: 'end', outputs: [{ variable: 'c', value_selector: ['qc', 'class_id'] }] } },
        { id: 'failed', data: { type: 'end', outputs: [{ variable: 'why', value_selector: ['qc', 'error_message'] }] } },
      ],
      edges: [
        { source: 'start', target: 'qc' },
        { source: 'qc', target: 'ok', sourceHandle: 'a' },
        { source: 'qc', target: 'failed', sourceHandle: 'fail-branch' },
      ],
    });
    const outcome = await executeRun({
      runId: 'r',
      workflowId: 'w',
      workflowVersionId: 'v',
      graph: g,
      inputs: { q: 'x' },
      finished: [],
      ports,
    });
    expect(outcome.status).toBe('partial-succeeded');
    expect(outcome.outputs.why).toMatch(/could not find json block/);
  });

  it('retries with retry_config as its next attempt (own call id), and sends vision images with the query', async () => {
    const ports = fakePorts();
    let n = 0;
    ports.llm.handler = () => {
      if (n++ === 0) throw new Error('provider said 500');
      return llmResult('{"category_id": "a", "category_name": "A"}');
    };
    const g = graph({
      nodes: [
        {
          id: 'start',
          data: {
            type: 'start',
            variables: [
              { variable: 'q', type: 'paragraph' },
              { variable: 'pic', type: 'file' },
            ],
          },
        },
        {
          id: 'qc',
          data: {
            type: 'question-classifier',
            model: { name: 'm' },
            query_variable_selector: ['start', 'q'],
            classes: [{ id: 'a', name: 'A' }],
            retry_config: { retry_enabled: true, max_retries: 1, retry_interval: 0 },
            vision: { enabled: true, configs: { variable_selector: ['start', 'pic'], detail: 'low' } },
          },
        },
        { id: 'end', data: { type: 'end', outputs: [{ variable: 'c', value_selector: ['qc', 'class_id'] }] } },
      ],
      edges: [
        { source: 'start', target: 'qc' },
        { source: 'qc', target: 'end', sourceHandle: 'a' },
      ],
    });
    const inputs = { q: 'what is it', pic: 'https://img.example/x.webp' };
    const outcome = await executeRun({ runId: 'r', workflowId: 'w', workflowVersionId: 'v', graph: g, inputs, finished: [], ports });
    expect(outcome).toMatchObject({ status: 'succeeded', outputs: { c: 'a' } });
    expect(ports.llm.calls.map((c) => c.callId)).toEqual(['r:qc:0', 'r:qc:1']);
    const last = ports.llm.calls[1].messages.at(-1);
    expect(Array.isArray(last?.content) && last.content[0]).toEqual({
      type: 'image_url',
      image_url: { url: 'https://img.example/x.webp', detail: 'low' },
    });
  });

  it('reads past <think> blocks and a one-object list', () => {
    const cls = [
      { id: 'a', name: 'A', label: '' },
      { id: 'b', name: 'B', label: 'Bee' },
    ];
    expect(
      chosenClass('<think>{"category_id": "a", "category_name": "A"}</think>[{"category_id": "b", "category_name": "B"}]', cls),
    ).toEqual({
      id: 'b',
      name: 'B',
      label: 'Bee',
    });
    expect(() => chosenClass('[1, 2]', cls)).toThrow(/got invalid return object/);
  });

  it("writes the categories as Python's json.dumps does", () => {
    expect(categoriesJson([{ id: 'x', name: 'Café "q"' }])).toBe('[{"category_id": "x", "category_name": "Café \\"q\\""}]');
  });

  it('refuses at import: edges leaving by a handle that is not a class id, duplicate class ids', () => {
    expect(() =>
      graph({
        nodes: [
          { id: 'start', data: { type: 'start', variables: [{ variable: 'q', type: 'paragraph' }] } },
          {
            id: 'qc',
            data: {
              type: 'question-classifier',
              model: { name: 'm' },
              query_variable_selector: ['start', 'q'],
              classes: [{ id: 'a', name: 'A' }],
            },
          },
          { id: 'end', data: { type: 'end', outputs: [] } },
        ],
        edges: [
          { source: 'start', target: 'qc' },
          { source: 'qc', target: 'end', sourceHandle: 'b' },
        ],
      }),
    ).toThrow(/edges\[1\]: sourceHandle is 'b', but question-classifier node 'qc' has the handles 'a'/);
    expect(() =>
      flow({
        classes: [
          { id: 'a', name: 'A' },
          { id: 'a', name: 'B' },
        ],
      }),
    ).toThrow(/data\.classes\[1\]\.id.*already the id of classes\[0\]/);
  });
});
