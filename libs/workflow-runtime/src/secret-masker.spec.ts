import { executeRun } from './index';
import { fakePorts, graph } from './fake-ports.spec-helper';
import { SECRET_MASK, SecretMasker } from './secret-masker';

const SECRET = 'sk-live-0123456789abcdef';

const flow = graph({
  environment_variables: [
    { name: 'token', value_type: 'secret', value: SECRET },
    { name: 'region', value_type: 'string', value: 'eu-west' },
  ],
  nodes: [
    { id: 'start', data: { type: 'start' } },
    {
      id: 'ask',
      data: {
        type: 'llm',
        model: { name: 'm' },
        prompt_template: [{ role: 'user', text: 'call with {{#env.token#}} in {{#env.region#}}' }],
      },
    },
    { id: 'end', data: { type: 'end', outputs: [{ variable: 'text', value_selector: ['ask', 'text'] }] } },
  ],
  edges: [
    { source: 'start', target: 'ask' },
    { source: 'ask', target: 'end' },
  ],
});

describe('secret environment variables', () => {
  it('reach the node, but are masked in the records and events of node inputs, process data and errors', async () => {
    const ports = fakePorts();
    ports.llm.handler = (req) => {
      throw new Error(`provider refused: ${req.messages[0].content}`);
    };
    const outcome = await executeRun({ runId: 'r', workflowId: 'w', workflowVersionId: 'v', graph: flow, inputs: {}, finished: [], ports });
    expect(ports.llm.calls[0].messages[0].content).toBe(`call with ${SECRET} in eu-west`);
    expect(outcome.error).toContain(`provider refused: call with ${SECRET_MASK} in eu-west`);
    const everything = JSON.stringify([ports.events.events, ports.checkpoints.finished, outcome]);
    expect(everything).not.toContain(SECRET);
    expect(everything).toContain('eu-west');
  });

  it('masks a succeeded node: process data, and outputs that echo the secret (the run outputs too), while the pool keeps it', async () => {
    const ports = fakePorts();
    const outcome = await executeRun({ runId: 'r', workflowId: 'w', workflowVersionId: 'v', graph: flow, inputs: {}, finished: [], ports });
    expect(outcome.outputs).toEqual({ text: `m says: call with ${SECRET_MASK} in eu-west` });
    expect(JSON.stringify([ports.events.events, ports.checkpoints.finished])).not.toContain(SECRET);
    const ask = ports.checkpoints.finished.find((f) => f.nodeId === 'ask');
    expect(JSON.stringify(ask?.processData)).toContain(SECRET_MASK);
    expect(JSON.stringify([ask?.inputs, ask?.processData, ports.events.find('node_finished', 'ask').data.inputs])).not.toContain(SECRET);
  });
});

describe('SecretMasker', () => {
  it('masks every occurrence in nested values and keys, longest secret first, leaving short values alone', () => {
    const m = new SecretMasker(['abcd', 'abcdefgh', 'xy']);
    expect(m.mask({ a: ['abcdefgh!', { abcd: 'xy abcd' }], n: 1 })).toEqual({
      a: [`${SECRET_MASK}!`, { [SECRET_MASK]: `xy ${SECRET_MASK}` }],
      n: 1,
    });
  });

  it('returns the value itself when there are no secrets', () => {
    const v = { a: 'b' };
    expect(new SecretMasker([]).mask(v)).toBe(v);
  });
});
