import { executeRun } from './index';
import { fakePorts, graph } from './fake-ports.spec-helper';
import { historyText, llmMemoryOf, memoryTurnsOf, memoryWindow, withCompletionHistory, type HistoryTurn } from './llm-memory';

const turns: HistoryTurn[] = [
  { query: 'q1', answer: 'a1' },
  { query: 'q2', answer: 'a2' },
  { query: 'q3', answer: 'a3' },
];

function chatflow(memory: unknown, mode: 'chat' | 'completion' = 'chat') {
  return graph({
    nodes: [
      { id: 'start', data: { type: 'start', variables: [] } },
      {
        id: 'llm',
        data: {
          type: 'llm',
          model: { name: 'm', mode },
          prompt_template:
            mode === 'chat' ? [{ role: 'system', text: 'Be brief.' }] : { text: 'History:\n#histories#\nNow: {{#sys.query#}}' },
          memory,
        },
      },
      { id: 'ans', data: { type: 'answer', answer: '{{#llm.text#}}' } },
    ],
    edges: [
      { source: 'start', target: 'llm' },
      { source: 'llm', target: 'ans' },
    ],
  });
}

async function promptOf(memory: unknown, history: HistoryTurn[], mode: 'chat' | 'completion' = 'chat') {
  const ports = fakePorts();
  const outcome = await executeRun({
    runId: 'run_1',
    workflowId: 'wf_1',
    workflowVersionId: 'wfv_1',
    graph: chatflow(memory, mode),
    inputs: {},
    sys: { query: 'now?' },
    history,
    finished: [],
    ports,
  });
  return { outcome, messages: ports.llm.calls[0]?.messages };
}

describe('LLM memory', () => {
  it('sends the newest window.size turns as user/assistant pairs between the prompt and the query template', async () => {
    const { messages } = await promptOf({ window: { enabled: true, size: 2 }, query_prompt_template: 'Q: {{#sys.query#}}' }, turns);
    expect(messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'q2' },
      { role: 'assistant', content: 'a2' },
      { role: 'user', content: 'q3' },
      { role: 'assistant', content: 'a3' },
      { role: 'user', content: 'Q: now?' },
    ]);
  });

  it('sends every turn (up to 500) when the window is off, and sys.query when the query template is empty', async () => {
    const { messages } = await promptOf({ window: { enabled: false, size: 1 }, query_prompt_template: '' }, turns);
    expect(messages?.map((m) => m.content)).toEqual(['Be brief.', 'q1', 'a1', 'q2', 'a2', 'q3', 'a3', 'now?']);
    expect(llmMemoryOf({ window: { enabled: true, size: 10_000 } })?.turns).toBe(500);
  });

  it('leaves the prompt alone without memory, even in a conversation', async () => {
    const { messages } = await promptOf(null, turns);
    expect(messages).toEqual([{ role: 'system', content: 'Be brief.' }]);
  });

  it('puts the turns as prefixed lines in place of #histories# for a completion model, and fails without role prefixes', async () => {
    const { messages } = await promptOf(
      { window: { enabled: true, size: 1 }, role_prefix: { user: 'Human', assistant: 'Bot' }, query_prompt_template: '{{#sys.query#}}' },
      turns,
      'completion',
    );
    expect(messages).toEqual([{ role: 'user', content: 'History:\nHuman: q3\nBot: a3\nNow: now?' }]);
    const { outcome } = await promptOf({ window: { enabled: true, size: 1 } }, turns, 'completion');
    expect(outcome.error).toMatch(/Memory role prefix is required for completion model/);
  });

  it('asks the engine for as many turns as the widest window needs, and none without memory', () => {
    expect(memoryTurnsOf(chatflow({ window: { enabled: true, size: 3 } }))).toBe(3);
    expect(memoryTurnsOf(chatflow({ window: { enabled: false } }))).toBe(500);
    expect(memoryTurnsOf(chatflow(null))).toBe(0);
  });

  it('builds windows and texts as Dify does', () => {
    expect(memoryWindow(turns, { turns: 1, rolePrefix: null, queryPromptTemplate: '' })).toEqual([turns[2]]);
    expect(historyText(turns.slice(0, 1), { user: '', assistant: '' })).toBe(': q1\n: a1');
    // no #histories#: the history goes ahead of the prompt; a `$&` in the history is kept as written
    expect(withCompletionHistory('P #sys.query#', 'H $&', 'Q')).toBe('H $&\nP Q');
  });
});
