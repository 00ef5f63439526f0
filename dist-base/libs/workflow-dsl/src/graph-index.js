// Adjacency and topological order of a graph, computed once and shared by validator and runtime.
"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
function _export(target, all) {
    for(var name in all)Object.defineProperty(target, name, {
        enumerable: true,
        get: Object.getOwnPropertyDescriptor(all, name).get
    });
}
_export(exports, {
    get buildAdjacency () {
        return buildAdjacency;
    },
    get buildGraphIndex () {
        return buildGraphIndex;
    },
    get topologicalSort () {
        return topologicalSort;
    }
});
const _workflowgraphtypes = require("./workflow-graph.types");
function buildAdjacency(nodeIds, edges) {
    const successors = new Map();
    const predecessors = new Map();
    for (const id of nodeIds){
        successors.set(id, []);
        predecessors.set(id, []);
    }
    for (const { source, target } of edges){
        const out = successors.get(source);
        const inc = predecessors.get(target);
        // includes() is quadratic in one node's fan-out only, and cheaper than a key set for real graphs.
        if (!out || !inc || source === target || out.includes(target)) continue;
        out.push(target);
        inc.push(source);
    }
    return {
        successors,
        predecessors
    };
}
function topologicalSort(adjacency) {
    const inDegree = new Map();
    const order = [];
    for (const [id, preds] of adjacency.predecessors){
        inDegree.set(id, preds.length);
        if (preds.length === 0) order.push(id);
    }
    for(let i = 0; i < order.length; i++){
        for (const next of adjacency.successors.get(order[i]) ?? []){
            const left = (inDegree.get(next) ?? 0) - 1;
            inDegree.set(next, left);
            if (left === 0) order.push(next);
        }
    }
    const remaining = new Set();
    if (order.length < adjacency.predecessors.size) {
        for (const [id, d] of inDegree)if (d > 0) remaining.add(id);
    }
    return {
        order,
        remaining
    };
}
function buildGraphIndex(graph) {
    const nodesById = new Map();
    let start;
    const ends = [];
    for (const node of graph.nodes){
        nodesById.set(node.id, node);
        if ((0, _workflowgraphtypes.isNodeOfType)(node, 'start')) start = node;
        else if ((0, _workflowgraphtypes.isNodeOfType)(node, 'end')) ends.push(node);
    }
    if (!start) throw new Error('buildGraphIndex: the graph has no start node; parse it with parseWorkflowGraph first');
    const adjacency = buildAdjacency(nodesById.keys(), graph.edges);
    const { order, remaining } = topologicalSort(adjacency);
    if (remaining.size > 0) throw new Error(`buildGraphIndex: the graph has a cycle through ${[
        ...remaining
    ].slice(0, 3).join(', ')}; parse it with parseWorkflowGraph first`);
    const outgoingEdges = new Map();
    const incomingEdges = new Map();
    for (const id of nodesById.keys()){
        outgoingEdges.set(id, []);
        incomingEdges.set(id, []);
    }
    for (const edge of graph.edges){
        const out = outgoingEdges.get(edge.source);
        const inc = incomingEdges.get(edge.target);
        if (!out || !inc || edge.source === edge.target) continue;
        out.push(edge);
        inc.push(edge);
    }
    return {
        nodesById,
        start,
        ends,
        successors: adjacency.successors,
        predecessors: adjacency.predecessors,
        outgoingEdges,
        incomingEdges,
        topologicalOrder: order
    };
}

//# sourceMappingURL=graph-index.js.map