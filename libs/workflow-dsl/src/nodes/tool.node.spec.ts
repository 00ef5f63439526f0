import { checkToolNodes, mcpProviderIds, parseWorkflowGraph, type ToolCatalog, type ToolNodeData, type WorkflowGraph } from '../index';

const start = { id: 'start', data: { type: 'start', variables: [{ variable: 'q', type: 'text-input' }] } };
const end = { id: 'end', data: { type: 'end', outputs: [{ variable: 'out', value_selector: ['t', 'text'] }] } };

/** A tool node as Dify 1.x exports it. */
function difyToolData(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    type: 'tool',
    title: 'Current Time',
    desc: '',
    provider_id: 'time',
    provider_name: 'time',
    provider_type: 'builtin',
    tool_name: 'current_time',
    tool_label: 'Current Time',
    tool_node_version: '2',
    tool_configurations: { format: { type: 'constant', value: '%Y' }, timezone: 'UTC', empty: null },
    tool_parameters: { note: { type: 'mixed', value: 'q={{#start.q#}}' }, raw: { type: 'variable', value: ['start', 'q'] } },
    selected: false,
    ...over,
  };
}

const parse = (data: Record<string, unknown>) =>
  parseWorkflowGraph({
    nodes: [start, { id: 't', data }, end],
    edges: [
      { source: 'start', target: 't' },
      { source: 't', target: 'end' },
    ],
  });

const issuesOf = (data: Record<string, unknown>) => {
  const r = parse(data);
  return r.ok ? [] : r.issues.map((i) => [i.path, i.code, i.message]);
};

describe('tool node definition', () => {
  it('reads Dify’s tool node: configurations (bare or typed), parameters, references', () => {
    const r = parse(difyToolData());
    expect(r.ok).toBe(true);
    const data = (r.ok ? r.graph.nodes[1].data : null) as ToolNodeData;
    expect(data).toMatchObject({
      provider_type: 'builtin',
      provider_id: 'time',
      tool_name: 'current_time',
      tool_configurations: { format: { type: 'constant', value: '%Y' }, timezone: { type: 'constant', value: 'UTC' } },
      tool_parameters: { note: { type: 'mixed', value: 'q={{#start.q#}}' }, raw: { type: 'variable', value: ['start', 'q'] } },
    });
    expect(Object.keys(data.tool_configurations)).not.toContain('empty');
  });

  it('refuses the provider types Shoal does not run, naming the node', () => {
    for (const type of ['api', 'workflow', 'plugin']) {
      const r = parse(difyToolData({ provider_type: type }));
      expect(r.ok).toBe(false);
      if (!r.ok) {
        expect(r.issues[0]).toMatchObject({ path: 'nodes[1].data.provider_type', code: 'unsupported', nodeId: 't' });
        expect(r.issues[0].message).toContain(`'${type}'`);
      }
    }
  });

  it('refuses malformed inputs and references to unknown variables', () => {
    expect(issuesOf(difyToolData({ tool_parameters: { a: { type: 'variable', value: 'start.q' } } }))[0]).toEqual([
      'nodes[1].data.tool_parameters.a',
      'invalid_value',
      expect.stringContaining('must be a selector'),
    ]);
    expect(issuesOf(difyToolData({ tool_parameters: { a: { type: 'mixed', value: '{{#nowhere.x#}}' } } }))[0]).toEqual([
      'nodes[1].data.tool_parameters.a.value',
      'unknown_variable_reference',
      expect.any(String),
    ]);
  });

  it('knows a built-in tool’s outputs; an MCP tool may add variables (its structured output)', () => {
    const readsSum = (provider_type: string) =>
      parseWorkflowGraph({
        nodes: [
          start,
          { id: 't', data: difyToolData({ provider_type, provider_id: 'mcp_x' }) },
          { id: 'end', data: { type: 'end', outputs: [{ variable: 's', value_selector: ['t', 'sum'] }] } },
        ],
        edges: [
          { source: 'start', target: 't' },
          { source: 't', target: 'end' },
        ],
      }).ok;
    expect(readsSum('mcp')).toBe(true);
    expect(readsSum('builtin')).toBe(false);
  });

  it('checks providers and tools against a catalog, naming the node', () => {
    const nodes = (data: Record<string, unknown>) => (parse(data) as { graph: WorkflowGraph }).graph;
    const catalog: ToolCatalog = {
      provider: (type, id) =>
        type === 'builtin' && id === 'time'
          ? { tools: new Set(['current_time']) }
          : type === 'mcp' && id === 'mcp_up'
            ? { tools: new Set(['search']) }
            : type === 'mcp' && id === 'mcp_down'
              ? { tools: null }
              : undefined,
    };
    expect(checkToolNodes(nodes(difyToolData()), catalog)).toEqual([]);
    expect(checkToolNodes(nodes(difyToolData({ tool_name: 'moon_phase' })), catalog)[0]).toMatchObject({
      path: 'nodes[1].data.tool_name',
      nodeId: 't',
      message: "node 't': built-in tool provider 'time' has no tool 'moon_phase' (it has: current_time)",
    });
    expect(checkToolNodes(nodes(difyToolData({ provider_id: 'weather' })), catalog)[0].message).toContain(
      "no built-in tool provider 'weather'",
    );
    const mcp = nodes(difyToolData({ provider_type: 'mcp', provider_id: 'mcp_gone', tool_name: 'search' }));
    expect(mcpProviderIds(mcp)).toEqual(['mcp_gone']);
    expect(checkToolNodes(mcp, catalog)[0].message).toContain("no MCP server 'mcp_gone' registered for this tenant");
    // a registered server that could not be listed: the tool name is not checked
    expect(checkToolNodes(nodes(difyToolData({ provider_type: 'mcp', provider_id: 'mcp_down', tool_name: 'anything' })), catalog)).toEqual(
      [],
    );
  });
});
