// Graph builders for the iteration / loop specs: Dify's container shape (parentId, start node, edges inside).

type Json = Record<string, unknown>;

export interface ContainerGraph {
  nodes: Json[];
  edges: Json[];
}

/** start(list: json) -> iter(over start.data.items) { iterstart -> ...inner } -> end(results = iter.output) */
export function iterationGraph(opts: {
  inner: Json[];
  innerEdges: Array<[string, string]>;
  outputSelector: string[];
  iteration?: Json;
  startVariables?: Json[];
}): ContainerGraph {
  const nodes: Json[] = [
    { id: 'start', data: { type: 'start', variables: opts.startVariables ?? [{ variable: 'data', type: 'json_object', required: true }] } },
    {
      id: 'iter',
      data: Object.assign(
        {
          type: 'iteration',
          title: 'Iteration',
          start_node_id: 'iterstart',
          iterator_selector: ['start', 'data', 'items'],
          output_selector: opts.outputSelector,
        },
        opts.iteration,
      ),
    },
    { id: 'iterstart', parentId: 'iter', data: { type: 'iteration-start', iteration_id: 'iter', isInIteration: true } },
    ...opts.inner.map((n) => Object.assign({ parentId: 'iter' }, n)),
    { id: 'end', data: { type: 'end', outputs: [{ variable: 'results', value_selector: ['iter', 'output'] }] } },
  ];
  const edges: Json[] = [
    { source: 'start', target: 'iter' },
    { source: 'iter', target: 'end' },
    ...opts.innerEdges.map(([source, target]) => ({ source, target, data: { isInIteration: true, iteration_id: 'iter' } })),
  ];
  return { nodes, edges };
}

/** start -> loop { loopstart -> ...inner } -> end(outputs) */
export function loopGraph(opts: {
  loop: Json;
  inner: Json[];
  innerEdges: Array<[string, string, string?]>;
  outputs: Json[];
}): ContainerGraph {
  return {
    nodes: [
      { id: 'start', data: { type: 'start', variables: [] } },
      { id: 'loop', data: Object.assign({ type: 'loop', title: 'Loop', start_node_id: 'loopstart', logical_operator: 'and' }, opts.loop) },
      { id: 'loopstart', parentId: 'loop', data: { type: 'loop-start', loop_id: 'loop', isInLoop: true } },
      ...opts.inner.map((n) => Object.assign({ parentId: 'loop' }, n)),
      { id: 'end', data: { type: 'end', outputs: opts.outputs } },
    ],
    edges: [
      { source: 'start', target: 'loop' },
      { source: 'loop', target: 'end' },
      ...opts.innerEdges.map(([source, target, sourceHandle]) => ({
        source,
        target,
        sourceHandle: sourceHandle ?? 'source',
        data: { isInLoop: true, loop_id: 'loop' },
      })),
    ],
  };
}

/** An assigner v2 item adding `by` to loop variable `name`. */
export function addTo(name: string, by: number): Json {
  return { variable_selector: ['loop', name], input_type: 'constant', operation: '+=', value: by };
}
