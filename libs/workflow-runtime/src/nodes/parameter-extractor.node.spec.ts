import { executeRun } from '../index';
import { fakePorts, graph, llmResult } from '../fake-ports.spec-helper';
import type { LlmChatResult } from '../ports';
import { extractParameters, NO_RESULT_REASON } from './parameter-extractor.result';
import { parameterJsonSchema } from './parameter-extractor.prompt';
import type { ExtractorParameter } from '@shoal/workflow-dsl';

const parameters = [
  { name: 'city', type: 'string', description: 'The city', required: true },
  { name: 'nights', type: 'number', description: 'How many nights', required: false },
  { name: 'room', type: 'select', description: 'Room kind', required: false, options: ['single', 'double'] },
];

const flow = (extra: Record<string, unknown> = {}) =>
  graph({
    nodes: [
      { id: 'start', data: { type: 'start', variables: [{ variable: 'q', type: 'paragraph' }] } },
      {
        id: 'pe',
        data: {
          type: 'parameter-extractor',
          model: { name: 'm', mode: 'chat' },
          query: ['start', 'q'],
          parameters,
          instruction: 'Booking requests.',
          reasoning_mode: 'function_call',
          ...extra,
        },
      },
      {
        id: 'end',
        data: {
          type: 'end',
          outputs: ['city', 'nights', 'room', '__is_success', '__reason'].map((v) => ({ variable: v, value_selector: ['pe', v] })),
        },
      },
    ],
    edges: [
      { source: 'start', target: 'pe' },
      { source: 'pe', target: 'end' },
    ],
  });

async function run(answer: Partial<LlmChatResult>, extra?: Record<string, unknown>) {
  const ports = fakePorts();
  ports.llm.handler = () => ({ ...llmResult('', 50, 10), ...answer });
  const outcome = await executeRun({
    runId: 'r',
    workflowId: 'w',
    workflowVersionId: 'v',
    graph: flow(extra),
    inputs: { q: 'Two nights in Lyon, a double please' },
    finished: [],
    ports,
  });
  return { outcome, ports };
}

const call = (args: string) => ({ toolCalls: [{ id: 'c1', name: 'extract_parameters', arguments: args }] });

describe('parameter-extractor node (Dify ParameterExtractorNode)', () => {
  it("function_call: offers Dify's extract_parameters tool, with the worked examples before the query", async () => {
    const { outcome, ports } = await run(call('{"city": "Lyon", "nights": 2, "room": "double"}'));
    expect(outcome.outputs).toEqual({ city: 'Lyon', nights: 2, room: 'double', __is_success: 1, __reason: null });
    const [req] = ports.llm.calls;
    expect(req.tools).toEqual([
      {
        name: 'extract_parameters',
        description: 'Extract parameters from the natural language text',
        parameters: {
          type: 'object',
          properties: {
            city: { description: 'The city', type: 'string' },
            nights: { description: 'How many nights', type: 'number' },
            room: { description: 'Room kind', type: 'string', enum: ['single', 'double'] },
          },
          required: ['city'],
        },
      },
    ]);
    expect(req.messages.map((m) => m.role)).toEqual([
      'system',
      'user',
      'assistant',
      'tool',
      'assistant',
      'user',
      'assistant',
      'tool',
      'assistant',
      'user',
    ]);
    expect(req.messages[2].toolCalls).toEqual([
      { id: 'call_example_1', name: 'extract_parameters', arguments: '{"location": "San Francisco"}' },
    ]);
    expect(req.messages[0].content).toContain('<instruction>\nBooking requests.\n</instruction>');
    expect(req.messages[9].content).toContain('<context>\nTwo nights in Lyon, a double please\n</context>');
    expect(req.messages[9].content).toContain('"properties": {"city": {"description": "The city", "type": "string"}');
    const finished = ports.checkpoints.finished.find((f) => f.nodeId === 'pe');
    expect(finished?.outputs?.__usage).toEqual({ prompt_tokens: 50, completion_tokens: 10, total_tokens: 60 });
  });

  it('prompt mode: no tools, the JSON read from the text', async () => {
    const { outcome, ports } = await run(
      { text: 'Sure: {"city": "Lyon", "nights": "2", "room": "single"} done' },
      { reasoning_mode: 'prompt' },
    );
    expect(ports.llm.calls[0].tools).toBeUndefined();
    expect(ports.llm.calls[0].messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user', 'assistant', 'user']);
    // "2" fails Dify's type check (the reason says so) and is then read as the number 2
    expect(outcome.outputs).toMatchObject({ city: 'Lyon', nights: 2, room: 'single', __is_success: 0 });
    expect(outcome.outputs.__reason).toMatch(/^Invalid value for parameter nights, expected segment type: number, actual_type: string/);
  });

  it('an answer without JSON succeeds with empty values and __is_success 0', async () => {
    const { outcome } = await run({ text: 'I cannot tell.' }, { reasoning_mode: 'prompt' });
    expect(outcome.status).toBe('succeeded');
    // as in Dify, the empty result is then checked too: '' is not one of the select's options
    expect(outcome.outputs).toEqual({
      city: '',
      nights: 0,
      room: '',
      __is_success: 0,
      __reason: 'Invalid `select` value for parameter room',
    });
  });

  it('refuses at import: unknown parameter types, reserved names, a select without options', () => {
    expect(() => flow({ parameters: [{ name: 'x', type: 'date', description: '', required: true }] })).toThrow(
      /data\.parameters\[0\]\.type must be one of 'string', .* \(got string 'date'\)/,
    );
    expect(() => flow({ parameters: [{ name: '__reason', type: 'string', description: '', required: true }] })).toThrow(/reserved/);
    expect(() => flow({ parameters: [{ name: 'k', type: 'select', description: '', required: true }] })).toThrow(
      /parameters\[0\]\.options/,
    );
  });
});

describe('extractParameters (graphon _validate_result and _transform_result)', () => {
  const p = (name: string, type: ExtractorParameter['type'], required = true, options: string[] = []): ExtractorParameter => ({
    name,
    type,
    description: '',
    required,
    options,
  });

  it('reports the first problem in Dify words and still coerces what it can', () => {
    const params = [p('n', 'number'), p('ok', 'boolean'), p('tags', 'array[string]')];
    expect(extractParameters(params, { text: '', toolArguments: '{"n": 1}' })).toEqual({
      values: { n: 1, ok: false, tags: [] },
      reason: 'Invalid number of parameters',
    });
    expect(extractParameters(params, { text: '', toolArguments: '{"n": true, "ok": 1, "tags": ["a", 2, "b"]}' })).toEqual({
      values: { n: 1, ok: true, tags: ['a', 'b'] },
      reason: "Invalid value for parameter ok, expected segment type: boolean, actual_type: integer, python_type: <class 'int'>, value: 1",
    });
    expect(extractParameters([p('k', 'string', true, ['a'])], { text: '', toolArguments: '{"k": "b"}' }).reason).toBe(
      'Invalid `select` value for parameter k',
    );
    expect(extractParameters([p('k', 'string')], { text: '', toolArguments: '{"other": "b"}' }).reason).toBe('Parameter k is required');
  });

  it('an answer without JSON gives the empty values and says so', () => {
    const params = [p('k', 'string'), p('n', 'number'), p('b', 'boolean')];
    expect(extractParameters(params, { text: 'no', toolArguments: null })).toEqual({
      values: { k: '', n: 0, b: false },
      reason: NO_RESULT_REASON,
    });
    // Dify's empty result leaves arrays out, so with one the count check speaks last
    expect(extractParameters([p('xs', 'array[string]')], { text: 'no', toolArguments: null })).toEqual({
      values: { xs: [] },
      reason: 'Invalid number of parameters',
    });
  });

  it('a function call whose arguments are not JSON is the wrong number of parameters', () => {
    expect(extractParameters([p('k', 'string')], { text: '{"k": "from text"}', toolArguments: 'oops' })).toEqual({
      values: { k: '' },
      reason: 'Invalid number of parameters',
    });
  });

  it("builds Dify's parameter schema, arrays with their item type", () => {
    expect(parameterJsonSchema([p('xs', 'array[number]', false)])).toEqual({
      type: 'object',
      properties: { xs: { description: '', type: 'array', items: { type: 'number' } } },
      required: [],
    });
  });
});
