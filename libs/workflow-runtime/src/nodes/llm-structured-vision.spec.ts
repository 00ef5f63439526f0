import { executeRun } from '../index';
import { fakePorts, graph, llmResult } from '../fake-ports.spec-helper';
import type { LlmChatRequest } from '../ports';

const PERSON = { type: 'object', properties: { name: { type: 'string' }, age: { type: 'number' } }, required: ['name', 'age'] };

const flow = (llm: Record<string, unknown>, startVariables: unknown[] = [{ variable: 'q', type: 'paragraph' }]) =>
  graph({
    nodes: [
      { id: 'start', data: { type: 'start', variables: startVariables } },
      {
        id: 'ask',
        data: {
          type: 'llm',
          model: { name: 'mock-chat' },
          prompt_template: [
            { role: 'system', text: 'Be exact.' },
            { role: 'user', text: '{{#start.q#}}' },
          ],
          ...llm,
        },
      },
      {
        id: 'end',
        data: {
          type: 'end',
          outputs: [
            { variable: 'text', value_selector: ['ask', 'text'] },
            ...('structured_output' in llm ? [{ variable: 'person', value_selector: ['ask', 'structured_output'] }] : []),
            { variable: 'reasoning', value_selector: ['ask', 'reasoning_content'] },
          ],
        },
      },
    ],
    edges: [
      { source: 'start', target: 'ask' },
      { source: 'ask', target: 'end' },
    ],
  });

async function run(g: ReturnType<typeof flow>, inputs: Record<string, unknown>, answers: Array<string | ((r: LlmChatRequest) => string)>) {
  const ports = fakePorts();
  let n = 0;
  ports.llm.handler = (req) => {
    const a = answers[Math.min(n++, answers.length - 1)];
    return { ...llmResult(typeof a === 'string' ? a : a(req), 10, 5), cost: { amount: '0.001', currency: 'USD' } };
  };
  const outcome = await executeRun({ runId: 'r', workflowId: 'w', workflowVersionId: 'v', graph: g, inputs, finished: [], ports });
  return { outcome, ports };
}

const structured = { structured_output_enabled: true, structured_output: { schema: PERSON } };

describe('LLM node structured output (Dify structured_output_enabled + structured_output.schema)', () => {
  it('outputs the parsed object, with the schema in the prompt for a model without a schema mode', async () => {
    const { outcome, ports } = await run(flow(structured), { q: 'Ada, 36' }, ['```json\n{"name": "Ada", "age": 36}\n```']);
    expect(outcome.status).toBe('succeeded');
    expect(outcome.outputs.person).toEqual({ name: 'Ada', age: 36 });
    expect(ports.llm.calls).toHaveLength(1);
    const [req] = ports.llm.calls;
    expect(req.responseFormat).toBeUndefined();
    expect(req.messages[0].content).toContain(JSON.stringify(PERSON));
    expect(req.messages[0].content).toContain('Be exact.');
  });

  it('asks for the json_schema response format of a GPT-4o model, and JSON mode of DeepSeek', async () => {
    const openai = await run(flow({ ...structured, model: { name: 'gpt-4o-mini' } }), { q: 'x' }, ['{"name": "A", "age": 1}']);
    expect(openai.ports.llm.calls[0].responseFormat).toEqual({ type: 'json_schema', name: 'structured_output', schema: PERSON });
    const deepseek = await run(flow({ ...structured, model: { name: 'deepseek-chat' } }), { q: 'x' }, ['{"name": "A", "age": 1}']);
    expect(deepseek.ports.llm.calls[0].responseFormat).toEqual({ type: 'json_object' });
  });

  it('repairs a wrong answer with a second call that says what was wrong, under its own call id, billed on top', async () => {
    const { outcome, ports } = await run(flow(structured), { q: 'Ada' }, ['{"name": "Ada", "age": "old"}', '{"name": "Ada", "age": 36}']);
    expect(outcome.outputs.person).toEqual({ name: 'Ada', age: 36 });
    const [first, repair] = ports.llm.calls;
    expect(repair.callId).toBe(`${first.callId}:repair-1`);
    expect(repair.messages.at(-2)).toEqual({ role: 'assistant', content: '{"name": "Ada", "age": "old"}' });
    expect(repair.messages.at(-1)?.content).toMatch(/\/age: .*number/);
    const finished = ports.checkpoints.finished.find((f) => f.nodeId === 'ask');
    expect(finished?.tokens).toEqual({ prompt: 20, completion: 10, total: 30 });
    expect(finished?.cost).toEqual({ amount: '0.002', currency: 'USD' });
  });

  it('fails the node naming what did not match when the repair is wrong too', async () => {
    const { outcome, ports } = await run(flow(structured), { q: 'Ada' }, ['not json at all', '{"name": "Ada"}']);
    expect(outcome.status).toBe('failed');
    expect(outcome.error).toMatch(/structured output failed after one repair attempt: .*age/);
    expect(ports.llm.calls).toHaveLength(2);
    expect(ports.checkpoints.finished.find((f) => f.nodeId === 'ask')?.cost).toEqual({ amount: '0.002', currency: 'USD' });
  });

  it('refuses at import a schema that is not an object schema', () => {
    expect(() => flow({ structured_output_enabled: true, structured_output: { schema: { type: 'array' } } })).toThrow(
      /structured_output\.schema\.type/,
    );
    expect(() => flow({ structured_output_enabled: true, structured_output: {} })).toThrow(/structured_output\.schema/);
  });
});

describe('LLM node vision (Dify vision.configs.variable_selector, image files as image_url parts)', () => {
  const files = [{ variable: 'pics', type: 'file-list' }];
  const vision = (detail: string) => ({
    vision: { enabled: true, configs: { variable_selector: ['start', 'pics'], detail } },
    prompt_template: [{ role: 'user', text: 'What is in the picture?' }],
  });

  it('puts the images in front of the last user message, skipping files that are not images', async () => {
    const pics = ['https://img.example/cat.png', 'https://docs.example/report.pdf', 'https://img.example/dog.JPG'];
    const { outcome, ports } = await run(flow(vision('low'), files), { pics }, ['two animals']);
    expect(outcome.status).toBe('succeeded');
    expect(ports.llm.calls[0].messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'image_url', image_url: { url: 'https://img.example/cat.png', detail: 'low' } },
          { type: 'image_url', image_url: { url: 'https://img.example/dog.JPG', detail: 'low' } },
          { type: 'text', text: 'What is in the picture?' },
        ],
      },
    ]);
  });

  it('sends text only when vision is off', async () => {
    const { ports } = await run(flow({ ...vision('high'), vision: { enabled: false } }, files), { pics: ['https://img.example/cat.png'] }, [
      'x',
    ]);
    expect(ports.llm.calls[0].messages).toEqual([{ role: 'user', content: 'What is in the picture?' }]);
  });
});

describe('LLM node reasoning (Dify reasoning_format)', () => {
  it('separated: <think> blocks in the content go to reasoning_content, the text is clean', async () => {
    const { outcome } = await run(flow({ reasoning_format: 'separated' }), { q: 'x' }, ['<think>\nweigh it\n</think>\n\nThe answer.']);
    expect(outcome.outputs).toMatchObject({ text: 'The answer.', reasoning: 'weigh it' });
  });

  it('separated with structured output: the reasoning does not spoil the JSON', async () => {
    const { outcome } = await run(flow({ ...structured, reasoning_format: 'separated' }), { q: 'x' }, [
      '<think>hmm</think>{"name": "A", "age": 2}',
    ]);
    expect(outcome.outputs).toMatchObject({ person: { name: 'A', age: 2 }, reasoning: 'hmm', text: '{"name": "A", "age": 2}' });
  });
});
