import { applyStreamedText, type RunEventBody } from '@shoal/contracts';
import { executeRun } from './index';
import { deferred, fakePorts, graph, llmResult, settle, type Deferred } from './fake-ports.spec-helper';
import type { LlmChatResult } from './ports';
import { streamText } from './stream-coordinator';

const start = { id: 'start', data: { type: 'start', variables: [{ variable: 'q', type: 'text-input' }] } };
const llm = (id: string, text = 'hi') => ({ id, data: { type: 'llm', model: { name: 'm' }, prompt_template: [{ role: 'user', text }] } });
const answer = (id: string, text: string) => ({ id, data: { type: 'answer', answer: text } });
const edge = (source: string, target: string, sourceHandle?: string) => ({ source, target, ...(sourceHandle ? { sourceHandle } : {}) });

/** An LLM port whose calls the test finishes by hand, streaming the given tokens first. */
function manualLlm(ports: ReturnType<typeof fakePorts>) {
  const calls = new Map<string, { chunk: (t: string) => void; done: Deferred<LlmChatResult> }>();
  ports.llm.handler = (req) => {
    const done = deferred<LlmChatResult>();
    calls.set(req.nodeId, { chunk: (t) => req.onChunk?.(t), done });
    return done.promise;
  };
  return {
    async stream(nodeId: string, tokens: string[]) {
      await settle();
      const call = calls.get(nodeId);
      if (!call) throw new Error(`${nodeId} was not called`);
      for (const t of tokens) call.chunk(t);
    },
    async finish(nodeId: string, text: string) {
      await settle();
      calls.get(nodeId)?.done.resolve(llmResult(text));
      await settle();
    },
  };
}

const chunks = (events: RunEventBody[]) => events.flatMap((e) => (e.event === 'text_chunk' ? [e.data.text] : []));

function run(g: ReturnType<typeof graph>, ports: ReturnType<typeof fakePorts>, q = 'hello') {
  return executeRun({
    runId: 'run_1',
    workflowId: 'wf_1',
    workflowVersionId: 'wfv_1',
    graph: g,
    inputs: { q },
    sys: { query: q },
    finished: [],
    ports,
    streamChunks: true,
  });
}

describe('StreamCoordinator (through executeRun with streamChunks)', () => {
  it("streams an answer's leading text at once, then each LLM's tokens in document order, waiting for the earlier one", async () => {
    // two LLMs run in parallel; the answer names llm1 first, so llm2's tokens wait until llm1 is done
    const g = graph({
      nodes: [start, llm('llm1'), llm('llm2'), answer('ans', 'X {{#llm1.text#}} Y {{#llm2.text#}} Z')],
      edges: [edge('start', 'llm1'), edge('start', 'llm2'), edge('llm1', 'ans'), edge('llm2', 'ans')],
    });
    const ports = fakePorts();
    const models = manualLlm(ports);
    const outcome = run(g, ports);
    await models.stream('llm2', ['b1', 'b2']);
    await models.finish('llm2', 'b1b2');
    expect(chunks(ports.events.events)).toEqual(['X ']);
    await models.stream('llm1', ['a1']);
    expect(chunks(ports.events.events)).toEqual(['X ', 'a1']);
    await models.stream('llm1', ['a2']);
    await models.finish('llm1', 'a1a2');
    const done = await outcome;
    expect(chunks(ports.events.events)).toEqual(['X ', 'a1', 'a2', ' Y ', 'b1', 'b2', ' Z']);
    expect(chunks(ports.events.events).join('')).toBe(done.outputs.answer);
    // the leading text went out before any node ran
    const names = ports.events.names();
    expect(names.indexOf('text_chunk')).toBeLessThan(names.indexOf('node_started:start'));
  });

  it('streams a second answer only after the first, which blocks it, and its text before the LLM between them ends', async () => {
    const g = graph({
      nodes: [start, answer('a1', 'one {{#sys.query#}}.'), llm('llm'), answer('a2', ' two {{#llm.text#}}')],
      edges: [edge('start', 'a1'), edge('a1', 'llm'), edge('llm', 'a2')],
    });
    const ports = fakePorts();
    const models = manualLlm(ports);
    const outcome = run(g, ports);
    await models.stream('llm', ['t1']);
    expect(chunks(ports.events.events)).toEqual(['one ', 'hello', '.', ' two ', 't1']);
    await models.finish('llm', 't1');
    const done = await outcome;
    expect(done.outputs.answer).toBe('one hello. two t1');
    const names = ports.events.names();
    expect(names.lastIndexOf('text_chunk')).toBeLessThan(names.indexOf('node_finished:llm'));
  });

  it("streams nothing of a skipped branch's answer, nor of an LLM that no answer or end node outputs", async () => {
    const g = graph({
      nodes: [
        start,
        {
          id: 'route',
          data: {
            type: 'if-else',
            cases: [
              {
                case_id: 'yes',
                logical_operator: 'and',
                conditions: [{ variable_selector: ['start', 'q'], comparison_operator: 'is', value: 'a' }],
              },
            ],
          },
        },
        llm('hidden'),
        {
          id: 'tpl',
          data: { type: 'template-transform', template: '[{{ t }}]', variables: [{ variable: 't', value_selector: ['hidden', 'text'] }] },
        },
        answer('ans_yes', 'yes {{#tpl.output#}}'),
        answer('ans_no', 'no'),
      ],
      edges: [
        edge('start', 'route'),
        edge('route', 'hidden', 'yes'),
        edge('hidden', 'tpl'),
        edge('tpl', 'ans_yes'),
        edge('route', 'ans_no', 'false'),
      ],
    });
    const yes = fakePorts();
    yes.llm.handler = (req) => {
      req.onChunk?.('tok');
      return llmResult('tok');
    };
    expect((await run(g, yes, 'a')).outputs.answer).toBe('yes [tok]');
    expect(chunks(yes.events.events)).toEqual(['yes ', '[tok]']);

    const no = fakePorts();
    expect((await run(g, no, 'b')).outputs.answer).toBe('no');
    expect(chunks(no.events.events)).toEqual(['no']);
  });

  it('still streams an answer with more start-to-answer paths than it tracks (512 here): from when the answer starts', async () => {
    const nodes: unknown[] = [start];
    const edges: unknown[] = [];
    let prev = 'start';
    for (let i = 0; i < 9; i++) {
      const cond = {
        case_id: 'yes',
        logical_operator: 'and',
        conditions: [{ variable_selector: ['start', 'q'], comparison_operator: 'is', value: 'a' }],
      };
      nodes.push(
        { id: `c${i}`, data: { type: 'if-else', cases: [cond] } },
        { id: `a${i}`, data: { type: 'template-transform', template: 'a', variables: [] } },
        { id: `b${i}`, data: { type: 'template-transform', template: 'b', variables: [] } },
        {
          id: `j${i}`,
          data: {
            type: 'variable-aggregator',
            variables: [
              [`a${i}`, 'output'],
              [`b${i}`, 'output'],
            ],
          },
        },
      );
      edges.push(
        edge(prev, `c${i}`),
        edge(`c${i}`, `a${i}`, 'yes'),
        edge(`c${i}`, `b${i}`, 'false'),
        edge(`a${i}`, `j${i}`),
        edge(`b${i}`, `j${i}`),
      );
      prev = `j${i}`;
    }
    nodes.push(answer('ans', 'end {{#j8.output#}}'));
    edges.push(edge(prev, 'ans'));
    const ports = fakePorts();
    const outcome = await run(graph({ nodes, edges }), ports, 'a');
    expect(outcome.outputs.answer).toBe('end a');
    expect(chunks(ports.events.events)).toEqual(['end ', 'a']);
  });

  it('a resumed run does not send again what an earlier attempt streamed, and sends the rest', async () => {
    const g = graph({
      nodes: [start, llm('llm1'), answer('ans', 'X {{#llm1.text#}} Z')],
      edges: [edge('start', 'llm1'), edge('llm1', 'ans')],
    });
    const resume = async (streamedText: string, llmDone: boolean, rerunText = 'a1a2') => {
      const ports = fakePorts();
      ports.llm.handler = (req) => {
        for (const t of rerunText.match(/../g) ?? []) req.onChunk?.(t);
        return llmResult(rerunText);
      };
      const none = { prompt: 0, completion: 0, total: 0 };
      const finished = [{ nodeId: 'start', index: 1, status: 'succeeded' as const, outputs: {}, tokens: none }];
      if (llmDone) finished.push({ nodeId: 'llm1', index: 2, status: 'succeeded', outputs: { text: 'a1a2' }, tokens: none });
      const outcome = await executeRun({
        runId: 'run_1',
        workflowId: 'wf_1',
        workflowVersionId: 'wfv_1',
        graph: g,
        inputs: { q: 'x' },
        finished,
        ports,
        streamChunks: true,
        streamedText,
      });
      expect(outcome.outputs.answer).toBe(`X ${rerunText} Z`);
      // a client that joins the chunks and applies replaces holds the run's answer
      expect(ports.events.events.reduce(applyStreamedText, streamedText)).toBe(`X ${rerunText} Z`);
      return ports.events.events.flatMap((e) =>
        e.event === 'text_chunk' ? [e.data.text] : e.event === 'text_replace' ? [`replace:${e.data.text}`] : [],
      );
    };
    // the crash came while the LLM streamed: it runs again, and only what is new goes out
    expect(await resume('X a1', false)).toEqual(['a2', ' Z']);
    // the crash came after the LLM was checkpointed: its text comes from the checkpoint, already sent
    expect(await resume('X a1a2', true)).toEqual([' Z']);
    // the re-run LLM answered otherwise: the text from where it departs goes out
    expect(await resume('X a1', false, 'a1b2')).toEqual(['b2', ' Z']);
    // ... or departs from what was sent: the text so far is replaced, then chunks go on
    expect(await resume('X a1a2', false, 'b1b2')).toEqual(['replace:X b1', 'b2', ' Z']);
  });

  it('renders values that were not streamed as Dify markdown: arrays as "- item" lines, objects as indented JSON, numbers as text', () => {
    expect(streamText(['a', 'b'])).toBe('- a\n- b');
    expect(streamText({ k: 1 })).toBe('{\n  "k": 1\n}');
    expect(streamText(4.5)).toBe('4.5');
    expect(streamText(null)).toBe('');
  });

  it('sends no text_chunk when the run does not stream', async () => {
    const g = graph({ nodes: [start, answer('ans', 'hi {{#sys.query#}}')], edges: [edge('start', 'ans')] });
    const ports = fakePorts();
    const outcome = await executeRun({
      runId: 'run_1',
      workflowId: 'wf_1',
      workflowVersionId: 'wfv_1',
      graph: g,
      inputs: {},
      sys: { query: 'x' },
      finished: [],
      ports,
    });
    expect(outcome.outputs.answer).toBe('hi x');
    expect(chunks(ports.events.events)).toEqual([]);
  });
});
