// Strips the Dify editor's UI state (React Flow positions, sizes, selection) from nodes and edges.
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
    get cleanDifyGraph () {
        return cleanDifyGraph;
    },
    get isJsonObject () {
        return isJsonObject;
    }
});
function isJsonObject(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
/** The node-level keys that carry meaning; the rest (position, width, type: custom, zIndex, ...) is layout. */ const NODE_KEYS = [
    'id',
    'data',
    'parentId'
];
/** Editor state inside `data`. */ const NODE_DATA_UI_KEYS = new Set([
    'selected'
]);
/** Edge `data` keys that say which container an edge lives in; sourceType/targetType are derived on export. */ const EDGE_DATA_KEYS = [
    'isInIteration',
    'isInLoop',
    'iteration_id',
    'loop_id'
];
const EDGE_KEYS = [
    'id',
    'source',
    'target',
    'sourceHandle',
    'targetHandle'
];
/** React Flow type of Dify's sticky notes: comments on the canvas, not steps. */ const NOTE_NODE_TYPE = 'custom-note';
/** Builds an object key by key (never Object.assign), so a `__proto__` key stays a plain own property. */ function pick(source, keys) {
    const out = {};
    for (const key of keys)if (Object.hasOwn(source, key)) Object.defineProperty(out, key, {
        value: source[key],
        enumerable: true,
        writable: true,
        configurable: true
    });
    return out;
}
function without(source, drop) {
    return pick(source, Object.keys(source).filter((k)=>!drop.has(k)));
}
function cleanDifyGraph(graph, at) {
    const result = {
        nodes: [],
        edges: [],
        warnings: [],
        issues: []
    };
    if (!isJsonObject(graph)) {
        result.issues.push({
            path: at,
            code: 'invalid_graph',
            message: `${at} must be a mapping with nodes and edges`
        });
        return result;
    }
    const nodes = graph.nodes ?? [];
    const edges = graph.edges ?? [];
    if (!Array.isArray(nodes)) result.issues.push({
        path: `${at}.nodes`,
        code: 'invalid_graph',
        message: `${at}.nodes must be a list`
    });
    if (!Array.isArray(edges)) result.issues.push({
        path: `${at}.edges`,
        code: 'invalid_graph',
        message: `${at}.edges must be a list`
    });
    if (result.issues.length > 0) return result;
    nodes.forEach((node, i)=>{
        if (!isJsonObject(node)) {
            result.issues.push({
                path: `${at}.nodes[${i}]`,
                code: 'invalid_graph',
                message: `${at}.nodes[${i}] must be a mapping with id and data`
            });
            return;
        }
        if (node.type === NOTE_NODE_TYPE) {
            result.warnings.push({
                path: `${at}.nodes[${i}]`,
                code: 'note_dropped',
                message: `note ${String(node.id)} was dropped (notes are editor comments)`
            });
            return;
        }
        const clean = pick(node, NODE_KEYS);
        if (isJsonObject(clean.data)) clean.data = without(clean.data, NODE_DATA_UI_KEYS);
        if (clean.parentId === null || clean.parentId === undefined) delete clean.parentId;
        result.nodes.push(clean);
    });
    edges.forEach((edge, i)=>{
        if (!isJsonObject(edge)) {
            result.issues.push({
                path: `${at}.edges[${i}]`,
                code: 'invalid_graph',
                message: `${at}.edges[${i}] must be a mapping with source and target`
            });
            return;
        }
        const clean = pick(edge, EDGE_KEYS);
        // Defaults as parseWorkflowGraph and Dify's editor fill them, so an export writes back what was read.
        if (clean.sourceHandle === undefined || clean.sourceHandle === null || clean.sourceHandle === '') clean.sourceHandle = 'source';
        if (clean.targetHandle === undefined || clean.targetHandle === null || clean.targetHandle === '') clean.targetHandle = 'target';
        if ((clean.id === undefined || clean.id === null || clean.id === '') && typeof clean.source === 'string' && typeof clean.target === 'string') {
            clean.id = `${clean.source}-${String(clean.sourceHandle)}-${clean.target}-${String(clean.targetHandle)}`;
        }
        // an edge without ends keeps no empty id either: the exporter writes none, so a round trip matches
        if (clean.id === null || clean.id === '') delete clean.id;
        if (isJsonObject(edge.data)) {
            const data = pick(edge.data, EDGE_DATA_KEYS);
            if (Object.keys(data).length > 0) clean.data = data;
        }
        result.edges.push(clean);
    });
    return result;
}

//# sourceMappingURL=dify-graph.cleaner.js.map