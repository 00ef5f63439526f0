import { performance } from 'node:perf_hooks';
import { z } from 'zod';
import { parseWorkflowGraph, type ValidationIssue } from './index';
import { checkGraphStructure, type EdgeEntry, type NodeEntry } from './graph.validator';
import type { NodeReference } from './nodes/node-definition';
import type { AnyNodeDefinition } from './nodes/node-registry';

type RawNode = { id: string; data: Record<string, unknown> };
const start = (variables: string[] = ['question']): RawNode => ({
  id: 'start',
  data: { type: 'start', variables: variables.map((variable) => ({ variable, type: 'paragraph' })) },
});
const llm = (id: string, text = 'hi'): RawNode => ({
  id,
  data: { type: 'llm', model: { name: 'm' }, prompt_template: [{ role: 'user', text }] },
});
const end = (id = 'end', selector: string[] = ['start', 'question']): RawNode => ({
  id,
  data: { type: 'end', outputs: [{ variable: 'out', value_selector: selector }] },
});
const edge = (source: string, target: string) => ({ source, target });

function issuesOf(nodes: RawNode[], edges: Array<Record<string, unknown>>): ValidationIssue[] {
  const result = parseWorkflowGraph({ nodes, edges });
  return result.ok ? [] : result.issues;
}

describe('parseWorkflowGraph: graph rules', () => {
  it('accepts parallel branches that join, with references to any ancestor and to sys', () => {
    const nodes = [
      start(),
      llm('a', '{{#start.question#}}'),
      llm('b', '{{#sys.query#}} {{#sys.user_id#}}'),
      llm('join', '{{#a.text#}} / {{#b.usage.total_tokens#}} / {{#start.question#}}'),
      end('end', ['join', 'text']),
    ];
    expect(issuesOf(nodes, [edge('start', 'a'), edge('start', 'b'), edge('a', 'join'), edge('b', 'join'), edge('join', 'end')])).toEqual(
      [],
    );
  });

  it('reports duplicate node ids against the first use', () => {
    const issues = issuesOf([start(), llm('x'), llm('x'), end()], [edge('start', 'x'), edge('x', 'end')]);
    expect(issues).toEqual([
      { path: 'nodes[2].id', nodeId: 'x', code: 'duplicate_node_id', message: "node 'x' (nodes[2]): id 'x' is already used by nodes[1]" },
    ]);
  });

  it('requires exactly one start and at least one end', () => {
    expect(issuesOf([llm('a')], []).map((i) => i.code)).toEqual(['missing_start', 'missing_end']);
    const two = issuesOf([start(), { id: 's2', data: { type: 'start' } }, end()], [edge('start', 'end'), edge('s2', 'end')]);
    expect(two).toEqual([expect.objectContaining({ path: 'nodes[1].data.type', nodeId: 's2', code: 'multiple_start' })]);
  });

  it('reports edges to nodes that do not exist, self-loops and repeated edges', () => {
    const issues = issuesOf(
      [start(), llm('a'), end()],
      [
        { id: 'e1', source: 'start', target: 'a' },
        edge('a', 'end'),
        { id: 'e3', source: 'a', target: 'ghost' },
        edge('a', 'a'),
        edge('a', 'end'),
      ],
    );
    expect(issues).toEqual([
      { path: 'edges[2].target', code: 'unknown_edge_node', message: "edge 'e3' (edges[2]): target is 'ghost', which is not a node id" },
      { path: 'edges[3]', code: 'self_loop', message: "edges[3] connects node 'a' to itself" },
      { path: 'edges[4]', code: 'duplicate_edge', message: 'edges[4] repeats edges[1] (a -> end)' },
    ]);
  });

  it('names the nodes of a cycle in edge order', () => {
    const issues = issuesOf(
      [start(), llm('a'), llm('b'), llm('c'), end()],
      [edge('start', 'a'), edge('a', 'b'), edge('b', 'c'), edge('c', 'a'), edge('c', 'end')],
    );
    const cycle = issues.filter((i) => i.code === 'cycle');
    expect(cycle).toHaveLength(1);
    expect(cycle[0].message).toMatch(/is on a cycle: (a -> b -> c -> a|b -> c -> a -> b|c -> a -> b -> c); workflows must be acyclic$/);
  });

  it('reports nodes the start node cannot reach', () => {
    const issues = issuesOf([start(), llm('a'), llm('island'), end()], [edge('start', 'a'), edge('a', 'end'), edge('island', 'end')]);
    expect(issues).toEqual([
      {
        path: 'nodes[2]',
        nodeId: 'island',
        code: 'unreachable_node',
        message: "node 'island' (nodes[2]) cannot be reached from the start node 'start'; connect it with an edge or remove it",
      },
    ]);
  });

  it('rejects references to nodes that do not exist or have not run yet', () => {
    const nodes = [
      start(),
      llm('a', 'Use {{#ghost.text#}}'),
      llm('b', 'See {{#a.text#}}'),
      llm('c', 'Me: {{#c.text#}}'),
      end('end', ['b', 'text']),
    ];
    // a and b are parallel branches: neither is upstream of the other.
    const issues = issuesOf(nodes, [
      edge('start', 'a'),
      edge('start', 'b'),
      edge('start', 'c'),
      edge('a', 'end'),
      edge('b', 'end'),
      edge('c', 'end'),
    ]);
    expect(issues).toEqual([
      {
        path: 'nodes[1].data.prompt_template[0].text',
        nodeId: 'a',
        code: 'unknown_variable_reference',
        message: "node 'a' (nodes[1]): data.prompt_template[0].text references {{#ghost.text#}}, but there is no node 'ghost'",
      },
      {
        path: 'nodes[2].data.prompt_template[0].text',
        nodeId: 'b',
        code: 'reference_not_upstream',
        message:
          "node 'b' (nodes[2]): data.prompt_template[0].text references {{#a.text#}}, but node 'a' is not upstream of 'b', so it has not run when 'b' runs",
      },
      expect.objectContaining({ path: 'nodes[3].data.prompt_template[0].text', code: 'reference_not_upstream' }),
    ]);
  });

  it('checks that referenced start variables and LLM outputs exist', () => {
    const nodes = [start(['question']), llm('a', '{{#start.questoin#}}'), end('end', ['a', 'txt'])];
    const issues = issuesOf(nodes, [edge('start', 'a'), edge('a', 'end')]);
    expect(issues.map((i) => [i.path, i.code, i.message])).toEqual([
      [
        'nodes[1].data.prompt_template[0].text',
        'unknown_variable_reference',
        "node 'a' (nodes[1]): data.prompt_template[0].text references {{#start.questoin#}}, but start node 'start' has no variable 'questoin'; it has 'question'",
      ],
      [
        'nodes[2].data.outputs[0].value_selector',
        'unknown_variable_reference',
        `node 'end' (nodes[2]): data.outputs[0].value_selector references ["a","txt"], but llm node 'a' has no output 'txt'; it has 'text', 'reasoning_content', 'usage', 'finish_reason'`,
      ],
    ]);
  });

  it('still checks the graph when some nodes have bad shapes', () => {
    const bad = { id: 'a', data: { type: 'llm', model: {}, prompt_template: [] } };
    const issues = issuesOf(
      [start(), bad, llm('b', '{{#nope.text#}}'), end()],
      [edge('start', 'a'), edge('a', 'b'), edge('b', 'end'), edge('b', 'nowhere')],
    );
    expect(issues.map((i) => [i.path, i.code])).toEqual([
      ['nodes[1].data.model.name', 'required'],
      ['nodes[1].data.prompt_template', 'too_small'],
      ['edges[3].target', 'unknown_edge_node'],
      ['nodes[2].data.prompt_template[0].text', 'unknown_variable_reference'],
    ]);
  });

  it('handles a 200-node graph with many references in linear time', () => {
    const nodes: RawNode[] = [start()];
    const edges: Array<Record<string, unknown>> = [];
    let previous = 'start';
    for (let i = 0; i < 198; i++) {
      const id = `n${i}`;
      nodes.push(llm(id, `{{#start.question#}} {{#${previous === 'start' ? 'sys' : previous}.text#}}`));
      edges.push(edge(previous, id));
      if (i > 1) edges.push(edge(`n${i - 2}`, id));
      previous = id;
    }
    nodes.push(end('end', [previous, 'text']));
    edges.push(edge(previous, 'end'));
    expect(issuesOf(nodes, edges)).toEqual([]);
    // A reference to the last node from the first one is caught no matter how deep the graph is.
    nodes[1] = llm('n0', '{{#n197.text#}}');
    expect(issuesOf(nodes, edges).map((i) => i.code)).toEqual(['reference_not_upstream']);
  });

  it('refuses graphs beyond the node, edge and template limits before any other work', () => {
    const many = Array.from({ length: 1001 }, (_, i) => llm(`n${i}`));
    expect(parseWorkflowGraph({ nodes: many, edges: [] })).toEqual({
      ok: false,
      issues: [{ path: 'nodes', code: 'too_big', message: 'nodes must have at most 1000 items (got 1001)' }],
    });
    const edges = Array.from({ length: 11 }, (_, i) => edge('start', `n${i}`));
    expect(parseWorkflowGraph({ nodes: [start(), end()], edges }, { limits: { maxEdges: 10 } })).toEqual({
      ok: false,
      issues: [{ path: 'edges', code: 'too_big', message: 'edges must have at most 10 items (got 11)' }],
    });
    const long = issuesOf([start(), llm('a', 'x'.repeat(400_001)), end()], [edge('start', 'a'), edge('a', 'end')]);
    expect(long).toEqual([
      {
        path: 'nodes[1].data.prompt_template[0].text',
        nodeId: 'a',
        code: 'too_big',
        message: "node 'a' (nodes[1]): data.prompt_template[0].text must be at most 400000 characters (got 400001)",
      },
    ]);
  });

  it('checks references in time linear in the graph when few nodes are referenced', () => {
    // Many unconnected nodes and one reference: an ancestor matrix would be nodes x nodes. The rules
    // are called directly on parsed entries, so zod's per-node cost does not hide the difference.
    const n = 30_000;
    const definition = (refs: NodeReference[]): AnyNodeDefinition => ({
      type: 'llm',
      schema: z.unknown(),
      normalize: () => ({ type: 'llm', title: '' }),
      references: () => refs,
      outputFields: () => null,
    });
    const plainDefinition = definition([]);
    const entries = (withReference: boolean): NodeEntry[] => [
      { index: 0, id: 'start', type: 'start', definition: plainDefinition, parsed: {}, parent: null },
      { index: 1, id: 'end', type: 'end', definition: plainDefinition, parsed: {}, parent: null },
      ...Array.from({ length: n }, (_, i): NodeEntry => {
        const refs = withReference && i === n - 1 ? [{ path: ['x'], selector: ['start', 'q'] }] : [];
        return {
          index: i + 2,
          id: `n${i}`,
          type: 'llm',
          definition: refs.length ? definition(refs) : plainDefinition,
          parsed: {},
          parent: null,
        };
      }),
    ];
    const edges: EdgeEntry[] = [{ index: 0, id: null, source: 'start', target: 'end', sourceHandle: 'source', targetHandle: 'target' }];
    const plain = entries(false);
    const referencing = entries(true);
    const time = (nodes: NodeEntry[]) => {
      let best = Infinity;
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        checkGraphStructure(nodes, edges);
        best = Math.min(best, performance.now() - t0);
      }
      return best;
    };
    time(plain);
    time(referencing);
    // linear: about the same time (a shared machine makes it up to ~2x); an ancestor matrix over
    // 30,000 nodes would be thousands of times slower, so 10x separates the two without flaking
    expect(time(referencing) / time(plain)).toBeLessThan(10);
  });
});
