// parseWorkflowGraph: raw JSON in, a normalized typed graph or every problem found out.
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
    get DEFAULT_GRAPH_LIMITS () {
        return DEFAULT_GRAPH_LIMITS;
    },
    get parseWorkflowGraph () {
        return parseWorkflowGraph;
    }
});
const _graphvalidator = require("./graph.validator");
const _noderegistry = require("./nodes/node-registry");
const _variablereference = require("./variable-reference");
const _zodissues = require("./zod-issues");
const _zod = require("zod");
const _nodedefinition = require("./nodes/node-definition");
const _validationissue = require("./validation-issue");
const DEFAULT_GRAPH_LIMITS = Object.freeze({
    maxNodes: 1000,
    maxEdges: 4000,
    maxTemplateLength: 400_000
});
/** Namespaces a `{{#...#}}` reference can start with besides node ids (Dify's system, environment, conversation variables). */ const RESERVED_NODE_IDS = new Set([
    'sys',
    'env',
    'conversation'
]);
function isRecord(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value);
}
function parseWorkflowGraph(input, options = {}) {
    if (!isRecord(input)) {
        return {
            ok: false,
            issues: [
                {
                    path: '',
                    code: 'invalid_type',
                    message: `the graph must be an object with "nodes" and "edges" (got ${(0, _validationissue.describeValue)(input)})`
                }
            ]
        };
    }
    const limits = Object.assign({}, DEFAULT_GRAPH_LIMITS, options.limits);
    const issues = [];
    const rawNodes = listAt(input, 'nodes', issues);
    const rawEdges = listAt(input, 'edges', issues);
    if (rawNodes.length > limits.maxNodes) issues.push({
        path: 'nodes',
        code: 'too_big',
        message: `nodes must have at most ${limits.maxNodes} items (got ${rawNodes.length})`
    });
    if (rawEdges.length > limits.maxEdges) issues.push({
        path: 'edges',
        code: 'too_big',
        message: `edges must have at most ${limits.maxEdges} items (got ${rawEdges.length})`
    });
    if (issues.length > 0 && (rawNodes.length > limits.maxNodes || rawEdges.length > limits.maxEdges)) return {
        ok: false,
        issues
    };
    const nodes = rawNodes.map((raw, index)=>parseNode(raw, index, issues, limits));
    const edges = rawEdges.map((raw, index)=>parseEdge(raw, index, issues));
    const conversation = parseWorkflowVariables(input, 'conversation_variables', issues);
    const environment = parseWorkflowVariables(input, 'environment_variables', issues);
    const namespaces = {
        conversation: (conversation ?? []).map((v)=>v.name),
        env: (environment ?? []).map((v)=>v.name)
    };
    issues.push(...(0, _graphvalidator.checkGraphStructure)(nodes.map((n)=>n.entry), edges.map((e)=>e.entry), namespaces));
    if (issues.length > 0) return {
        ok: false,
        issues
    };
    // No issues means every node and edge parsed.
    const graph = {
        nodes: nodes.map((n)=>n.node),
        edges: edges.map((e)=>e.edge)
    };
    if (conversation) graph.conversation_variables = conversation;
    if (environment) graph.environment_variables = environment;
    return {
        ok: true,
        graph
    };
}
const workflowVariableSchema = _zod.z.looseObject({
    name: _nodedefinition.variableNameSchema,
    value_type: _zod.z.string().min(1),
    value: _zod.z.unknown().optional(),
    id: _zod.z.string().nullish(),
    description: _zod.z.string().nullish()
});
/** Dify's workflow-level conversation_variables / environment_variables; null when absent. */ function parseWorkflowVariables(input, key, issues) {
    const raw = input[key];
    if (raw === undefined || raw === null) return null;
    const result = _zod.z.array(workflowVariableSchema).safeParse(raw, {
        reportInput: true
    });
    if (!result.success) {
        for (const local of (0, _zodissues.translateZodIssues)(result.error.issues, [
            key
        ]))issues.push({
            path: (0, _validationissue.formatPath)(local.path),
            code: local.code,
            message: `${(0, _validationissue.formatPath)(local.path)} ${local.detail}`
        });
        return null;
    }
    const out = [];
    for (const [i, v] of result.data.entries()){
        if (out.some((o)=>o.name === v.name)) {
            issues.push({
                path: (0, _validationissue.formatPath)([
                    key,
                    i,
                    'name'
                ]),
                code: 'duplicate_variable',
                message: `${(0, _validationissue.formatPath)([
                    key,
                    i,
                    'name'
                ])} '${v.name}' is declared twice`
            });
            continue;
        }
        const variable = {
            name: v.name,
            value_type: v.value_type,
            value: v.value ?? null
        };
        if (v.id) variable.id = v.id;
        if (v.description) variable.description = v.description;
        out.push(variable);
    }
    return out;
}
function listAt(input, key, issues) {
    const value = input[key];
    if (Array.isArray(value)) return value;
    if (value === undefined) issues.push({
        path: key,
        code: 'required',
        message: `${key} is required (an array)`
    });
    else issues.push({
        path: key,
        code: 'invalid_type',
        message: `${key} must be an array (got ${(0, _validationissue.describeValue)(value)})`
    });
    return [];
}
function parseNode(raw, index, issues, limits) {
    const entry = {
        index,
        id: null,
        type: null,
        definition: null,
        parsed: undefined
    };
    if (!isRecord(raw)) {
        issues.push((0, _graphvalidator.nodeIssue)(entry, [], 'invalid_type', `must be an object with "id" and "data" (got ${(0, _validationissue.describeValue)(raw)})`));
        return {
            entry,
            node: null
        };
    }
    const id = raw.id;
    if (typeof id !== 'string' || id === '') {
        issues.push((0, _graphvalidator.nodeIssue)(entry, [
            'id'
        ], id === undefined || id === '' ? 'required' : 'invalid_type', id === undefined || id === '' ? 'is required' : `must be a string (got ${(0, _validationissue.describeValue)(id)})`));
    } else if (!_variablereference.NODE_ID_PATTERN.test(id)) {
        issues.push((0, _graphvalidator.nodeIssue)(entry, [
            'id'
        ], 'invalid_node_id', `'${id}' may only contain letters, digits, '_' and '-' (it is used in {{#${id}.field#}} references)`));
    } else if (RESERVED_NODE_IDS.has(id)) {
        issues.push((0, _graphvalidator.nodeIssue)(entry, [
            'id'
        ], 'reserved_node_id', `'${id}' is reserved for {{#${id}.…#}} variables; choose another id`));
    } else {
        entry.id = id;
    }
    const data = raw.data;
    if (!isRecord(data)) {
        issues.push((0, _graphvalidator.nodeIssue)(entry, [
            'data'
        ], data === undefined ? 'required' : 'invalid_type', data === undefined ? 'is required' : `must be an object (got ${(0, _validationissue.describeValue)(data)})`));
        return {
            entry,
            node: null
        };
    }
    const type = data.type;
    if (typeof type !== 'string' || !(0, _noderegistry.isNodeType)(type)) {
        const detail = type === undefined ? 'is required' : `${typeof type === 'string' ? `'${type}'` : (0, _validationissue.describeValue)(type)} is not a supported node type`;
        issues.push((0, _graphvalidator.nodeIssue)(entry, [
            'data',
            'type'
        ], type === undefined ? 'required' : 'unknown_node_type', `${detail}; supported types: ${(0, _validationissue.quoteList)(_noderegistry.NODE_TYPES)}`));
        return {
            entry,
            node: null
        };
    }
    entry.type = type;
    const tooLong = findLongString(data, limits.maxTemplateLength);
    if (tooLong) {
        issues.push((0, _graphvalidator.nodeIssue)(entry, [
            'data',
            ...tooLong.path
        ], 'too_big', `must be at most ${limits.maxTemplateLength} characters (got ${tooLong.length})`));
        return {
            entry,
            node: null
        };
    }
    const definition = (0, _noderegistry.nodeDefinition)(type);
    entry.definition = definition;
    const result = definition.schema.safeParse(data, {
        reportInput: true
    });
    if (!result.success) {
        for (const local of (0, _zodissues.translateZodIssues)(result.error.issues, [
            'data'
        ]))issues.push((0, _graphvalidator.nodeIssue)(entry, local.path, local.code, local.detail));
        return {
            entry,
            node: null
        };
    }
    entry.parsed = result.data;
    const extra = definition.check?.(result.data) ?? [];
    for (const local of extra)issues.push((0, _graphvalidator.nodeIssue)(entry, [
        'data',
        ...local.path
    ], local.code, local.detail));
    if (entry.id === null || extra.length > 0) return {
        entry,
        node: null
    };
    // Node-level extras (Dify's position, width, ...) are kept so an imported graph round-trips.
    // The definition was picked by data.type, so its normalized data is that member of the union.
    const node = Object.assign({}, raw, {
        id: entry.id,
        data: definition.normalize(result.data, entry.id)
    });
    return {
        entry,
        node
    };
}
function optionalString(raw, key, entry, issues) {
    const value = raw[key];
    if (value === undefined || value === null || value === '') return null;
    if (typeof value === 'string') return value;
    issues.push((0, _graphvalidator.edgeIssue)(entry, [
        key
    ], 'invalid_type', `must be a string (got ${(0, _validationissue.describeValue)(value)})`));
    return null;
}
function nodeIdAt(raw, key, entry, issues) {
    const value = raw[key];
    if (typeof value === 'string' && value !== '') return value;
    if (value === undefined || value === '') issues.push((0, _graphvalidator.edgeIssue)(entry, [
        key
    ], 'required', 'is required (a node id)'));
    else issues.push((0, _graphvalidator.edgeIssue)(entry, [
        key
    ], 'invalid_type', `must be a node id string (got ${(0, _validationissue.describeValue)(value)})`));
    return null;
}
function parseEdge(raw, index, issues) {
    const entry = {
        index,
        id: null,
        source: null,
        target: null,
        sourceHandle: 'source',
        targetHandle: 'target'
    };
    if (!isRecord(raw)) {
        issues.push((0, _graphvalidator.edgeIssue)(entry, [], 'invalid_type', `must be an object with "source" and "target" (got ${(0, _validationissue.describeValue)(raw)})`));
        return {
            entry,
            edge: null
        };
    }
    entry.id = optionalString(raw, 'id', entry, issues);
    entry.source = nodeIdAt(raw, 'source', entry, issues);
    entry.target = nodeIdAt(raw, 'target', entry, issues);
    entry.sourceHandle = optionalString(raw, 'sourceHandle', entry, issues) ?? 'source';
    entry.targetHandle = optionalString(raw, 'targetHandle', entry, issues) ?? 'target';
    if (entry.source === null || entry.target === null) return {
        entry,
        edge: null
    };
    const { source, target, sourceHandle, targetHandle } = entry;
    const id = entry.id ?? `${source}-${sourceHandle}-${target}-${targetHandle}`;
    // Edge-level extras (Dify's data, type, zIndex) are kept, as for nodes.
    return {
        entry,
        edge: Object.assign({}, raw, {
            id,
            source,
            target,
            sourceHandle,
            targetHandle
        })
    };
}
/**
 * The first string longer than `max` in a JSON value. Iterative, so deep nesting cannot overflow the
 * stack, and each item keeps a link to its parent rather than a copy of its path, so the walk is linear.
 */ function findLongString(root, max) {
    const stack = [
        {
            value: root,
            key: null,
            parent: null
        }
    ];
    while(stack.length > 0){
        const item = stack.pop();
        const { value } = item;
        if (typeof value === 'string') {
            if (value.length <= max) continue;
            const path = [];
            for(let at = item; at !== null && at.key !== null; at = at.parent)path.unshift(at.key);
            return {
                path,
                length: value.length
            };
        }
        if (Array.isArray(value)) {
            for(let i = value.length - 1; i >= 0; i--)stack.push({
                value: value[i],
                key: i,
                parent: item
            });
        } else if (isRecord(value)) {
            const keys = Object.keys(value);
            for(let i = keys.length - 1; i >= 0; i--)stack.push({
                value: value[keys[i]],
                key: keys[i],
                parent: item
            });
        }
    }
    return null;
}

//# sourceMappingURL=graph.parser.js.map