// Which imported nodes Shoal can run: every unsupported node is reported at once, not the first.
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
    get checkNodeTypes () {
        return checkNodeTypes;
    },
    get isSupportedType () {
        return isSupportedType;
    }
});
const _difygraphcleaner = require("./dify-graph.cleaner");
/** Nodes that only exist inside a container and come with it. */ const CONTAINER_PARTS = {
    'iteration-start': 'iteration',
    'loop-start': 'loop',
    'loop-end': 'loop'
};
/** Dify's old name for the variable aggregator (NodeType.LEGACY_VARIABLE_AGGREGATOR). */ const LEGACY_TYPES = {
    'variable-assigner': 'variable-aggregator'
};
function isSupportedType(type, supported) {
    if (supported.has(type)) return true;
    const container = CONTAINER_PARTS[type];
    return container !== undefined && supported.has(container);
}
function checkNodeTypes(nodes, supported, at) {
    const check = {
        issues: [],
        warnings: []
    };
    const list = [
        ...supported
    ].sort().join(', ');
    nodes.forEach((node, i)=>{
        const data = node.data;
        if (!(0, _difygraphcleaner.isJsonObject)(data) || typeof data.type !== 'string') return; // parseWorkflowGraph reports these
        const id = typeof node.id === 'string' ? node.id : undefined;
        const path = `${at}[${i}].data.type`;
        const renamed = LEGACY_TYPES[data.type];
        if (renamed !== undefined && !supported.has(data.type) && supported.has(renamed)) {
            check.warnings.push({
                path,
                nodeId: id,
                code: 'legacy_node_type',
                message: `node '${id ?? i}': Dify's legacy type '${data.type}' was read as '${renamed}'`
            });
            data.type = renamed;
            return;
        }
        if (!isSupportedType(data.type, supported)) {
            check.issues.push({
                path,
                nodeId: id,
                code: 'unsupported_node_type',
                message: `node '${id ?? i}' (${at}[${i}]) has type '${data.type}', which Shoal does not run; supported types: ${list}`
            });
        }
    });
    return check;
}

//# sourceMappingURL=dify-node-types.check.js.map