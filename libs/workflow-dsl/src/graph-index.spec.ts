import { buildGraphIndex, parseWorkflowGraph, type WorkflowGraph } from './index';

function parse(input: unknown): WorkflowGraph {
  const result = parseWorkflowGraph(input);
  if (!result.ok) throw new Error(result.issues.map((i) => i.message).join('\n'));
  return result.graph;
}

const llm = (id: string) => ({ id, data: { type: 'llm', model: { name: 'm' }, prompt_template: [{ role: 'user', text: 'x' }] } });

describe('buildGraphIndex', () => {
  it('gives predecessors, successors and an order where every node follows its predecessors', () => {
    const graph = parse({
      nodes: [{ id: 'end', data: { type: 'end' } }, llm('b'), llm('a'), { id: 'start', data: { type: 'start' } }],
      edges: [
        { source: 'start', target: 'a' },
        { source: 'start', target: 'b' },
        { source: 'a', target: 'end' },
        { source: 'b', target: 'end' },
      ],
    });
    const index = buildGraphIndex(graph);
    expect(index.start.id).toBe('start');
    expect(index.ends.map((n) => n.id)).toEqual(['end']);
    expect(index.successors.get('start')).toEqual(['a', 'b']);
    expect(index.predecessors.get('end')).toEqual(['a', 'b']);
    const order = index.topologicalOrder;
    expect(order).toHaveLength(4);
    for (const [node, preds] of index.predecessors) for (const p of preds) expect(order.indexOf(p)).toBeLessThan(order.indexOf(node));
  });

  it('refuses an unvalidated graph with a cycle', () => {
    const graph = {
      nodes: parse({
        nodes: [{ id: 'start', data: { type: 'start' } }, llm('a'), { id: 'end', data: { type: 'end' } }],
        edges: [
          { source: 'start', target: 'a' },
          { source: 'a', target: 'end' },
        ],
      }).nodes,
      edges: [] as WorkflowGraph['edges'],
    };
    graph.edges.push(
      { id: '1', source: 'a', target: 'end', sourceHandle: 'source', targetHandle: 'target' },
      { id: '2', source: 'end', target: 'a', sourceHandle: 'source', targetHandle: 'target' },
    );
    expect(() => buildGraphIndex(graph)).toThrow(/cycle/);
  });
});
