// A conversation's variables carry from one run to the next through RunOutcome.conversationVariables
// and ExecuteRunOptions.conversationVariables (the engine stores them between the two), and a run
// resumed past its assigner re-applies the assigner's writes from the checkpoint.
import { executeRun, type ExecuteRunOptions } from './index';
import { fakePorts, graph } from './fake-ports.spec-helper';

const chat = graph({
  conversation_variables: [
    { name: 'seen', value_type: 'array[string]', value: [] },
    { name: 'count', value_type: 'number', value: 0 },
  ],
  nodes: [
    { id: 'start', data: { type: 'start', variables: [] } },
    {
      id: 'assign',
      data: {
        type: 'assigner',
        version: '2',
        items: [
          { variable_selector: ['conversation', 'seen'], operation: 'append', input_type: 'variable', value: ['sys', 'query'] },
          { variable_selector: ['conversation', 'count'], operation: '+=', input_type: 'constant', value: 1 },
        ],
      },
    },
    { id: 'answer', data: { type: 'answer', answer: '{{#conversation.count#}} turns, turn {{#sys.dialogue_count#}}' } },
  ],
  edges: [
    { source: 'start', target: 'assign' },
    { source: 'assign', target: 'answer' },
  ],
});

const turn = (query: string, dialogue: number, conversationVariables?: Record<string, unknown>, more: Partial<ExecuteRunOptions> = {}) =>
  executeRun({
    runId: `run_${query}`,
    workflowId: 'wf_1',
    workflowVersionId: 'wfv_1',
    graph: chat,
    inputs: {},
    sys: { query, dialogue_count: dialogue, conversation_id: 'conv_1' },
    conversationVariables,
    finished: [],
    ports: fakePorts(),
    ...more,
  });

describe('conversation variables across turns', () => {
  it("starts from the declared values, and each turn starts from the previous turn's values", async () => {
    const first = await turn('a', 1);
    expect(first.conversationVariables).toEqual({ seen: ['a'], count: 1 });
    const second = await turn('b', 2, first.conversationVariables);
    expect(second.conversationVariables).toEqual({ seen: ['a', 'b'], count: 2 });
    expect(second.outputs.answer).toBe('2 turns, turn 2');
    // a new conversation: the declared values again
    expect((await turn('c', 1)).conversationVariables).toEqual({ seen: ['c'], count: 1 });
  });

  it('re-applies the assigner from its checkpoint when a run resumes past it, so the turn stores its update once', async () => {
    const first = await turn('a', 1);
    const ports = fakePorts();
    const full = await turn('b', 2, first.conversationVariables, { ports });
    const assign = ports.checkpoints.finished.find((r) => r.nodeId === 'assign');
    // the crash came after the assigner committed: the resumed run starts from the same stored values
    const resumed = await turn('b', 2, first.conversationVariables, {
      finished: [
        { nodeId: 'start', index: 1, status: 'succeeded', outputs: {}, tokens: { prompt: 0, completion: 0, total: 0 } },
        { ...assign!, status: 'succeeded' },
      ],
    });
    expect(resumed.conversationVariables).toEqual(full.conversationVariables);
    expect(resumed.outputs.answer).toBe('2 turns, turn 2');
  });
});
