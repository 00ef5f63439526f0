import { executeRun } from './index';
import { fakePorts, graph, llmResult } from './fake-ports.spec-helper';
import { finalTexts, ReasoningStream, type ReasoningFormat } from './llm-reasoning';

function streamed(format: ReasoningFormat, feed: (s: ReasoningStream) => void): string[] {
  const out: string[] = [];
  const s = new ReasoningStream(format, (t) => out.push(t));
  feed(s);
  s.end();
  return out;
}

describe("LLM reasoning (Dify's reasoning_format)", () => {
  it('tagged (the default) puts the provider reasoning in front of the text as a <think> block, and reasoning_content stays empty', () => {
    expect(finalTexts('tagged', 'Answer.', 'Let me think.')).toEqual({ text: '<think>\nLet me think.\n</think>Answer.', reasoning: '' });
    expect(finalTexts('tagged', '<think>inline</think>Answer.', '')).toEqual({ text: '<think>inline</think>Answer.', reasoning: '' });
    const out = streamed('tagged', (s) => {
      s.reasoning('Let me ');
      s.reasoning('think.');
      s.text('Answer.');
    });
    expect(out.join('')).toBe(finalTexts('tagged', 'Answer.', 'Let me think.').text);
  });

  it('separated splits every <think> block (and a trailing unclosed one) off the text into reasoning_content', () => {
    expect(finalTexts('separated', 'Answer.', 'Let me think.')).toEqual({ text: 'Answer.', reasoning: 'Let me think.' });
    expect(finalTexts('separated', '<THINK>a</think>x\n\n\n<think type="x">b</think>y<think>c', '')).toEqual({
      text: 'x\n\ny',
      reasoning: 'a\nb\nc',
    });
  });

  it('separated holds <think> blocks back from the stream, even when a tag is split across deltas', () => {
    const out = streamed('separated', (s) => {
      s.reasoning('hidden');
      for (const d of ['Hi <th', 'ink>secret</thi', 'nk> there', ' <', 'b>']) s.text(d);
    });
    expect(out.join('')).toBe('Hi  there <b>');
  });

  it('an LLM node outputs text and reasoning_content by its reasoning_format', async () => {
    const run = async (reasoning_format?: string) => {
      const ports = fakePorts();
      ports.llm.handler = () => ({ ...llmResult('Answer.'), reasoningContent: 'Why.' });
      const g = graph({
        nodes: [
          { id: 'start', data: { type: 'start', variables: [] } },
          {
            id: 'llm',
            data: {
              type: 'llm',
              model: { name: 'm' },
              prompt_template: [{ role: 'user', text: 'q' }],
              ...(reasoning_format ? { reasoning_format } : {}),
            },
          },
          { id: 'end', data: { type: 'end', outputs: [{ variable: 't', value_selector: ['llm', 'text'] }] } },
        ],
        edges: [
          { source: 'start', target: 'llm' },
          { source: 'llm', target: 'end' },
        ],
      });
      await executeRun({ runId: 'run_1', workflowId: 'wf_1', workflowVersionId: 'wfv_1', graph: g, inputs: {}, finished: [], ports });
      return ports.events.find('node_finished', 'llm').data.outputs;
    };
    expect(await run()).toMatchObject({ text: '<think>\nWhy.\n</think>Answer.', reasoning_content: '' });
    expect(await run('separated')).toMatchObject({ text: 'Answer.', reasoning_content: 'Why.' });
  });
});
