import { NODE_TYPES, parseWorkflowGraph, type ValidationIssue, type WorkflowGraph } from './index';

function example(): { nodes: Array<Record<string, unknown>>; edges: unknown[] } {
  return {
    nodes: [
      {
        id: 'start',
        data: {
          type: 'start',
          title: 'Start',
          variables: [{ variable: 'question', label: 'Question', type: 'paragraph', required: true, max_length: 2000 }],
        },
      },
      {
        id: 'llm',
        data: {
          type: 'llm',
          title: 'Answer',
          model: { provider: 'mock', name: 'mock-chat', mode: 'chat', completion_params: { temperature: 0.2, max_tokens: 256 } },
          prompt_template: [
            { role: 'system', text: 'You are terse.' },
            { role: 'user', text: 'Answer: {{#start.question#}}' },
          ],
        },
      },
      { id: 'end', data: { type: 'end', title: 'End', outputs: [{ variable: 'answer', value_selector: ['llm', 'text'] }] } },
    ],
    edges: [
      { id: 'e1', source: 'start', target: 'llm', sourceHandle: 'source', targetHandle: 'target' },
      { source: 'llm', target: 'end' },
    ],
  };
}

function parsed(input: unknown): WorkflowGraph {
  const result = parseWorkflowGraph(input);
  if (!result.ok) throw new Error(`expected a valid graph, got:\n${result.issues.map((i) => i.message).join('\n')}`);
  return result.graph;
}

function issuesOf(input: unknown): ValidationIssue[] {
  const result = parseWorkflowGraph(input);
  if (result.ok) throw new Error('expected issues, the graph parsed');
  return result.issues;
}

describe('parseWorkflowGraph: shapes and normalization', () => {
  it('accepts the documented example and returns typed, normalized nodes and edges', () => {
    const graph = parsed(example());
    expect(graph.nodes.map((n) => n.data.type)).toEqual(['start', 'llm', 'end']);
    const llm = graph.nodes[1];
    if (llm.data.type !== 'llm') throw new Error('not an llm node');
    expect(llm.data.model).toEqual({
      provider: 'mock',
      name: 'mock-chat',
      mode: 'chat',
      completion_params: { temperature: 0.2, max_tokens: 256 },
    });
    expect(graph.edges[1]).toEqual({
      id: 'llm-source-end-target',
      source: 'llm',
      target: 'end',
      sourceHandle: 'source',
      targetHandle: 'target',
    });
  });

  it('turns a Dify completion-mode prompt into one user message and fills defaults', () => {
    const input = example();
    input.nodes[1].data = {
      type: 'llm',
      model: { name: 'm', mode: 'completion', completion_params: { temperature: null, stop: [] } },
      prompt_template: { text: 'Q: {{#start.question#}}' },
    };
    const llm = parsed(input).nodes[1];
    if (llm.data.type !== 'llm') throw new Error('not an llm node');
    expect(llm.data.prompt_template).toEqual([{ role: 'user', text: 'Q: {{#start.question#}}' }]);
    expect(llm.data.title).toBe('llm');
    expect(llm.data.model).toEqual({ name: 'm', mode: 'completion', completion_params: {} });
  });

  it('keeps unknown fields of Dify exports and reads their nulls as absent', () => {
    const input = example();
    input.nodes[0] = {
      id: 'start',
      type: 'custom',
      position: { x: 80, y: 282 },
      data: {
        type: 'start',
        title: 'Start',
        desc: '',
        selected: false,
        variables: [{ variable: 'question', label: 'Q', type: 'text-input', required: false, max_length: 48, options: [], default: '' }],
      },
    };
    input.nodes[1].data = {
      ...(input.nodes[1].data as object),
      context: { enabled: false, variable_selector: [] },
      vision: { enabled: false },
      memory: null,
    };
    const graph = parsed(input);
    const start = graph.nodes[0];
    if (start.data.type !== 'start') throw new Error('not a start node');
    expect(start.data.variables).toEqual([{ variable: 'question', label: 'Q', type: 'text-input', required: false, max_length: 48 }]);
    expect((start as unknown as { position: unknown }).position).toEqual({ x: 80, y: 282 });
  });

  it('treats a start variable without `required` as optional', () => {
    const input = example();
    input.nodes[0].data = { type: 'start', variables: [{ variable: 'question', type: 'paragraph' }] };
    const start = parsed(input).nodes[0];
    if (start.data.type !== 'start') throw new Error('not a start node');
    expect(start.data.variables[0]).toEqual({ variable: 'question', label: 'question', type: 'paragraph', required: false });
  });

  it('names the node, its position and the field in a missing-field message', () => {
    const input = example();
    input.nodes[1].data = { ...(input.nodes[1].data as object), model: { provider: 'mock' } };
    expect(issuesOf(input)).toEqual([
      { path: 'nodes[1].data.model.name', nodeId: 'llm', code: 'required', message: "node 'llm' (nodes[1]): data.model.name is required" },
    ]);
  });

  it('reports every problem in one pass, each at its own path', () => {
    const input = example();
    input.nodes[0].data = { type: 'start', variables: [{ variable: '2fast', type: 'video-call' }] };
    input.nodes[1].data = {
      type: 'llm',
      model: { name: 'm', completion_params: { temperature: 'hot' } },
      prompt_template: [{ role: 'bot', text: 'hi' }],
    };
    input.nodes[2].data = { type: 'end', outputs: [{ variable: 'answer', value_selector: ['llm'] }] };
    const issues = issuesOf(input);
    expect(issues.map((i) => [i.path, i.code])).toEqual([
      ['nodes[0].data.variables[0].variable', 'invalid_format'],
      ['nodes[0].data.variables[0].type', 'invalid_value'],
      ['nodes[1].data.model.completion_params.temperature', 'invalid_type'],
      ['nodes[1].data.prompt_template[0].role', 'invalid_value'],
      ['nodes[2].data.outputs[0].value_selector', 'too_small'],
    ]);
    expect(issues[1].message).toBe(
      "node 'start' (nodes[0]): data.variables[0].type must be one of 'text-input', 'paragraph', 'select', 'number', 'checkbox', 'json_object', 'file', 'file-list' (got string 'video-call')",
    );
    expect(issues[2].message).toBe("node 'llm' (nodes[1]): data.model.completion_params.temperature must be a number (got string 'hot')");
    expect(issues[4].message).toBe("node 'end' (nodes[2]): data.outputs[0].value_selector must have at least 2 items (got 1)");
  });

  it('explains a prompt_template that is neither a message list nor a completion prompt', () => {
    const input = example();
    input.nodes[1].data = { type: 'llm', model: { name: 'm' }, prompt_template: 'Answer!' };
    expect(issuesOf(input)[0]).toMatchObject({
      path: 'nodes[1].data.prompt_template',
      code: 'invalid_type',
      message: "node 'llm' (nodes[1]): data.prompt_template must be an array or an object (got string 'Answer!')",
    });
  });

  it('rejects an unknown node type and lists the supported ones', () => {
    const input = example();
    input.nodes.push({ id: 'kr', data: { type: 'knowledge-retrieval', query_variable_selector: ['start', 'q'] } });
    input.edges.push({ source: 'llm', target: 'kr' });
    const issue = issuesOf(input).find((i) => i.code === 'unknown_node_type');
    expect(issue).toEqual({
      path: 'nodes[3].data.type',
      nodeId: 'kr',
      code: 'unknown_node_type',
      message: `node 'kr' (nodes[3]): data.type 'knowledge-retrieval' is not a supported node type; supported types: ${NODE_TYPES.map((t) => `'${t}'`).join(', ')}`,
    });
  });

  it('keeps jinja2 prompts with their source and variables; refuses one without its source, an unknown edition, and a variable read from nowhere', () => {
    const llm = (prompt: object, jinja2Variables: object[] = [{ variable: 'q', value_selector: ['start', 'question'] }]) => {
      const input = example();
      input.nodes[1].data = {
        type: 'llm',
        model: { name: 'm' },
        prompt_template: [prompt],
        prompt_config: { jinja2_variables: jinja2Variables },
      };
      return input;
    };
    const ok = parseWorkflowGraph(llm({ role: 'user', text: 'ignored', edition_type: 'jinja2', jinja2_text: '{{ q | upper }}' }));
    expect(ok.ok && ok.graph.nodes[1].data).toMatchObject({
      prompt_template: [{ role: 'user', edition_type: 'jinja2', jinja2_text: '{{ q | upper }}' }],
      prompt_config: { jinja2_variables: [{ variable: 'q', value_selector: ['start', 'question'] }] },
    });
    expect(issuesOf(llm({ role: 'user', text: '', edition_type: 'jinja2' }))).toEqual([
      expect.objectContaining({ path: 'nodes[1].data.prompt_template[0].jinja2_text', code: 'required' }),
    ]);
    expect(issuesOf(llm({ role: 'user', text: '', edition_type: 'mustache' }))).toEqual([
      expect.objectContaining({ path: 'nodes[1].data.prompt_template[0].edition_type', code: 'unsupported' }),
    ]);
    expect(
      issuesOf(
        llm({ role: 'user', text: '', edition_type: 'jinja2', jinja2_text: '{{ q }}' }, [
          { variable: 'q', value_selector: ['nowhere', 'x'] },
        ]),
      ),
    ).toEqual([expect.objectContaining({ path: 'nodes[1].data.prompt_config.jinja2_variables[0].value_selector' })]);
  });

  it('checks start variables: unique names, select options, defaults of the right type', () => {
    const input = example();
    input.nodes[0].data = {
      type: 'start',
      variables: [
        { variable: 'question', type: 'paragraph' },
        { variable: 'question', type: 'text-input' },
        { variable: 'lang', type: 'select', options: [] },
        { variable: 'n', type: 'number', default: 'five' },
        { variable: 'tone', type: 'select', options: ['dry', 'warm'], default: 'loud' },
      ],
    };
    expect(issuesOf(input).map((i) => [i.path, i.code])).toEqual([
      ['nodes[0].data.variables[1].variable', 'duplicate_variable'],
      ['nodes[0].data.variables[2].options', 'required'],
      ['nodes[0].data.variables[3].default', 'invalid_type'],
      ['nodes[0].data.variables[4].default', 'invalid_value'],
    ]);
  });

  it('rejects node ids that cannot appear in a {{#id.field#}} reference, and reserved ones', () => {
    const input = example();
    input.nodes.push({ id: 'my node', data: { type: 'end' } }, { id: 'sys', data: { type: 'end' } }, { data: { type: 'end' } });
    const issues = issuesOf(input);
    expect(issues.map((i) => [i.path, i.code])).toEqual([
      ['nodes[3].id', 'invalid_node_id'],
      ['nodes[4].id', 'reserved_node_id'],
      ['nodes[5].id', 'required'],
    ]);
    expect(issues[2].message).toBe('nodes[5]: id is required');
  });

  it('validates edge fields and rejects a non-object graph', () => {
    const input = example();
    input.edges.push({ id: 7, source: 'llm' }, 'start->end');
    expect(issuesOf(input).map((i) => [i.path, i.code])).toEqual([
      ['edges[2].id', 'invalid_type'],
      ['edges[2].target', 'required'],
      ['edges[3]', 'invalid_type'],
    ]);
    expect(issuesOf([])).toEqual([expect.objectContaining({ path: '', code: 'invalid_type' })]);
    expect(issuesOf({ nodes: {} }).map((i) => [i.path, i.code])).toEqual([
      ['nodes', 'invalid_type'],
      ['edges', 'required'],
      ['nodes', 'missing_start'],
      ['nodes', 'missing_end'],
    ]);
  });

  it('rejects __proto__, constructor and prototype as variable and output names', () => {
    const input = example();
    input.nodes[0].data = {
      type: 'start',
      variables: [
        { variable: '__proto__', type: 'paragraph' },
        { variable: 'constructor', type: 'number' },
      ],
    };
    input.nodes[2].data = { type: 'end', outputs: [{ variable: 'prototype', value_selector: ['llm', 'text'] }] };
    const issues = issuesOf(input);
    expect(issues.map((i) => [i.path, i.code])).toEqual([
      ['nodes[0].data.variables[0].variable', 'invalid_value'],
      ['nodes[0].data.variables[1].variable', 'invalid_value'],
      ['nodes[2].data.outputs[0].variable', 'invalid_value'],
    ]);
    expect(issues[0].message).toBe("node 'start' (nodes[0]): data.variables[0].variable '__proto__' is reserved; choose another name");
  });
});
