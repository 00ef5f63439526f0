import { executeRun } from '../index';
import { fakePorts, graph } from '../fake-ports.spec-helper';

const flow = (context: unknown, text = 'Context: {{#context#}}\nQ: {{#start.q#}}') =>
  graph({
    nodes: [
      {
        id: 'start',
        data: {
          type: 'start',
          variables: [
            { variable: 'doc', type: 'paragraph' },
            { variable: 'q', type: 'paragraph' },
          ],
        },
      },
      {
        id: 'ask',
        data: {
          type: 'llm',
          model: { name: 'm' },
          context,
          prompt_template: [
            { role: 'system', text: 'Use the context.' },
            { role: 'user', text },
          ],
        },
      },
      { id: 'end', data: { type: 'end', outputs: [{ variable: 'text', value_selector: ['ask', 'text'] }] } },
    ],
    edges: [
      { source: 'start', target: 'ask' },
      { source: 'ask', target: 'end' },
    ],
  });

const run = (g: ReturnType<typeof flow>, inputs: Record<string, unknown>) => {
  const ports = fakePorts();
  return executeRun({ runId: 'r', workflowId: 'w', workflowVersionId: 'v', graph: g, inputs, finished: [], ports }).then((outcome) => ({
    outcome,
    ports,
  }));
};

describe('LLM node context (Dify: the string at context.variable_selector replaces {{#context#}})', () => {
  it('puts the context into the prompt, as it is, and records it as the #context# input', async () => {
    const { outcome, ports } = await run(flow({ enabled: true, variable_selector: ['start', 'doc'] }), {
      doc: 'Paris is in France. {{#start.q#}}',
      q: 'Where is Paris?',
    });
    // the context is text, not a template: a reference inside it stays as written
    expect(outcome.outputs.text).toBe('m says: Context: Paris is in France. {{#start.q#}}\nQ: Where is Paris?');
    expect(ports.events.find('node_finished', 'ask').data.inputs).toMatchObject({ '#context#': 'Paris is in France. {{#start.q#}}' });
  });

  it('leaves the prompt alone when context is disabled', async () => {
    const { outcome } = await run(flow({ enabled: false, variable_selector: [] }), { doc: 'ignored', q: 'q?' });
    expect(outcome.outputs.text).toBe('m says: Context: {{#context#}}\nQ: q?');
  });

  it('refuses a context selector that points nowhere', () => {
    expect(() => flow({ enabled: true, variable_selector: ['nowhere', 'doc'] })).toThrow(/context\.variable_selector/);
  });
});
