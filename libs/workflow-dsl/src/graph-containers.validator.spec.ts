import { buildGraphIndex, parseWorkflowGraph, type ValidationIssue } from './index';

type Json = Record<string, unknown>;

/** start -> iter { iterstart -> inner } -> end, plus whatever a test adds. */
function base(): { nodes: Json[]; edges: Json[] } {
  return {
    nodes: [
      { id: 'start', data: { type: 'start', variables: [{ variable: 'list', type: 'json_object' }] } },
      {
        id: 'iter',
        data: { type: 'iteration', start_node_id: 'iterstart', iterator_selector: ['start', 'list'], output_selector: ['inner', 'output'] },
      },
      { id: 'iterstart', parentId: 'iter', data: { type: 'iteration-start' } },
      {
        id: 'inner',
        parentId: 'iter',
        data: { type: 'template-transform', template: '{{ x }}', variables: [{ variable: 'x', value_selector: ['iter', 'item'] }] },
      },
      { id: 'end', data: { type: 'end', outputs: [{ variable: 'out', value_selector: ['iter', 'output'] }] } },
    ],
    edges: [
      { source: 'start', target: 'iter' },
      { source: 'iterstart', target: 'inner' },
      { source: 'iter', target: 'end' },
    ],
  };
}

function issues(input: unknown): ValidationIssue[] {
  const result = parseWorkflowGraph(input);
  return result.ok ? [] : result.issues;
}

describe('containers in the graph', () => {
  it('accepts an iteration whose nodes read item/index, and keeps parentId; the index splits the levels', () => {
    const result = parseWorkflowGraph(base());
    if (!result.ok) throw new Error(result.issues.map((i) => i.message).join('\n'));
    expect(result.graph.nodes.find((n) => n.id === 'inner')?.parentId).toBe('iter');
    const index = buildGraphIndex(result.graph);
    expect([...index.incomingEdges.keys()]).toEqual(['start', 'iter', 'end']);
    expect([...(index.scopes.get('iter')?.incomingEdges.keys() ?? [])]).toEqual(['iterstart', 'inner']);
  });

  it("reads the container from Dify's data.iteration_id when parentId is absent", () => {
    const g = base();
    delete g.nodes[3].parentId;
    (g.nodes[3].data as Json).iteration_id = 'iter';
    expect(issues(g)).toEqual([]);
  });

  it('rejects an edge that crosses a container boundary', () => {
    const g = base();
    g.edges.push({ source: 'inner', target: 'end' });
    expect(issues(g)).toContainEqual(
      expect.objectContaining({
        path: 'edges[3]',
        code: 'invalid_container',
        message: expect.stringMatching(/edges stay inside one container/),
      }),
    );
  });

  it('rejects a top-level node reading a node inside the iteration', () => {
    const g = base();
    (g.nodes[4].data as Json).outputs = [{ variable: 'out', value_selector: ['inner', 'output'] }];
    expect(issues(g)).toContainEqual(
      expect.objectContaining({
        path: 'nodes[4].data.outputs[0].value_selector',
        nodeId: 'end',
        code: 'reference_not_upstream',
        message: expect.stringMatching(
          /inside iteration 'iter', so only nodes inside it can read it; outside, read the iteration's outputs/,
        ),
      }),
    );
  });

  it('rejects an inner node reading a field its iteration does not offer', () => {
    const g = base();
    (g.nodes[3].data as Json).variables = [{ variable: 'x', value_selector: ['iter', 'output'] }];
    expect(issues(g)).toContainEqual(
      expect.objectContaining({
        nodeId: 'inner',
        code: 'unknown_variable_reference',
        message: expect.stringMatching(/offers 'item', 'index'/),
      }),
    );
  });

  it('lets inner nodes read top-level nodes upstream of the container, not downstream ones', () => {
    const g = base();
    (g.nodes[3].data as Json).variables = [
      { variable: 'x', value_selector: ['start', 'list'] },
      { variable: 'y', value_selector: ['end', 'out'] },
    ];
    const found = issues(g);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ path: 'nodes[3].data.variables[1].value_selector', code: 'reference_not_upstream' });
  });

  it('rejects an output_selector outside the iteration', () => {
    const g = base();
    (g.nodes[1].data as Json).output_selector = ['start', 'list'];
    expect(issues(g)).toContainEqual(expect.objectContaining({ path: 'nodes[1].data.output_selector', nodeId: 'iter' }));
  });

  it('requires the start node to sit inside its container, and start/end nodes to stay top-level', () => {
    const g = base();
    delete g.nodes[2].parentId;
    g.nodes.push({ id: 'end2', parentId: 'iter', data: { type: 'end', outputs: [] } });
    const codes = issues(g).map((i) => [i.nodeId, i.code]);
    expect(codes).toContainEqual(['iter', 'invalid_container']);
    expect(codes).toContainEqual(['iterstart', 'invalid_container']);
    expect(codes).toContainEqual(['end2', 'invalid_container']);
  });

  it('rejects a parentId that names no container, and containers inside themselves', () => {
    const g = base();
    g.nodes[3].parentId = 'start';
    g.nodes[1].parentId = 'iter';
    const found = issues(g);
    expect(found).toContainEqual(expect.objectContaining({ nodeId: 'inner', path: 'nodes[3].parentId', code: 'invalid_container' }));
    expect(found).toContainEqual(expect.objectContaining({ nodeId: 'iter', code: 'invalid_container' }));
  });

  it('lets a node in a nested iteration read the outer round and outer-round nodes upstream of its container', () => {
    const g = base();
    g.nodes.push(
      {
        id: 'pre',
        parentId: 'iter',
        data: { type: 'template-transform', template: '{{ x }}', variables: [{ variable: 'x', value_selector: ['iter', 'index'] }] },
      },
      {
        id: 'sub',
        parentId: 'iter',
        data: { type: 'iteration', start_node_id: 'substart', iterator_selector: ['iter', 'item'], output_selector: ['deep', 'output'] },
      },
      { id: 'substart', parentId: 'sub', data: { type: 'iteration-start' } },
      {
        id: 'deep',
        parentId: 'sub',
        data: {
          type: 'template-transform',
          template: '{{ a }}{{ b }}{{ c }}',
          variables: [
            { variable: 'a', value_selector: ['iter', 'index'] },
            { variable: 'b', value_selector: ['sub', 'item'] },
            { variable: 'c', value_selector: ['pre', 'output'] },
          ],
        },
      },
    );
    g.edges.push({ source: 'inner', target: 'pre' }, { source: 'pre', target: 'sub' }, { source: 'substart', target: 'deep' });
    expect(issues(g)).toEqual([]);
    // the outer iteration's own nodes cannot read into the nested one
    (g.nodes[3].data as Json).variables = [{ variable: 'x', value_selector: ['deep', 'output'] }];
    expect(issues(g)).toContainEqual(
      expect.objectContaining({
        nodeId: 'inner',
        code: 'reference_not_upstream',
        message: expect.stringMatching(/inside iteration 'sub'/),
      }),
    );
  });

  describe('loops', () => {
    function loop(extra: Json = {}, inner: Json[] = []): { nodes: Json[]; edges: Json[] } {
      return {
        nodes: [
          { id: 'start', data: { type: 'start', variables: [] } },
          {
            id: 'loop',
            data: Object.assign(
              {
                type: 'loop',
                start_node_id: 'ls',
                loop_count: 3,
                logical_operator: 'and',
                break_conditions: [{ variable_selector: ['loop', 'n'], comparison_operator: '≥', value: '2' }],
                loop_variables: [{ label: 'n', var_type: 'number', value_type: 'constant', value: 0 }],
              },
              extra,
            ),
          },
          { id: 'ls', parentId: 'loop', data: { type: 'loop-start' } },
          {
            id: 'inc',
            parentId: 'loop',
            data: {
              type: 'assigner',
              version: '2',
              items: [{ variable_selector: ['loop', 'n'], input_type: 'constant', operation: '+=', value: 1 }],
            },
          },
          ...inner,
          { id: 'end', data: { type: 'end', outputs: [{ variable: 'n', value_selector: ['loop', 'n'] }] } },
        ],
        edges: [
          { source: 'start', target: 'loop' },
          { source: 'ls', target: 'inc' },
          { source: 'loop', target: 'end' },
        ],
      };
    }

    it('accepts loop variables read after the loop and written by assigners inside it', () => {
      expect(issues(loop())).toEqual([]);
    });

    it('rejects break conditions on an undeclared loop variable', () => {
      const found = issues(loop({ break_conditions: [{ variable_selector: ['loop', 'm'], comparison_operator: '=', value: '1' }] }));
      expect(found).toContainEqual(
        expect.objectContaining({
          path: 'nodes[1].data.break_conditions[0].variable_selector',
          message: expect.stringMatching(/not a loop variable/),
        }),
      );
    });

    it('rejects an assigner outside the loop writing its variables', () => {
      const g = loop();
      g.nodes.splice(4, 0, {
        id: 'out',
        data: {
          type: 'assigner',
          version: '2',
          items: [{ variable_selector: ['loop', 'n'], input_type: 'constant', operation: '+=', value: 1 }],
        },
      });
      g.edges.push({ source: 'loop', target: 'out' });
      expect(issues(g)).toContainEqual(
        expect.objectContaining({ nodeId: 'out', path: 'nodes[4].data.items[0].variable_selector', code: 'invalid_value' }),
      );
    });

    it('rejects a loop-end outside a loop and duplicate loop variables', () => {
      const g = loop({
        loop_variables: [
          { label: 'n', var_type: 'number', value_type: 'constant', value: 0 },
          { label: 'n', var_type: 'number', value_type: 'constant', value: 1 },
        ],
      });
      g.nodes.push({ id: 'stray', data: { type: 'loop-end' } });
      g.edges.push({ source: 'end', target: 'stray' });
      const found = issues(g);
      expect(found).toContainEqual(expect.objectContaining({ nodeId: 'stray', code: 'invalid_container' }));
      expect(found).toContainEqual(expect.objectContaining({ path: 'nodes[1].data.loop_variables[1].label', code: 'duplicate_variable' }));
    });

    it('rejects loop_count below 1', () => {
      expect(issues(loop({ loop_count: 0 }))).toContainEqual(expect.objectContaining({ path: 'nodes[1].data.loop_count' }));
    });
  });
});
