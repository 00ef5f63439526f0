// variable-aggregator (and legacy variable-assigner): the first selector that has a value, per group.
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
    get legacyVariableAssignerNodeExecutor () {
        return legacyVariableAssignerNodeExecutor;
    },
    get variableAggregatorNodeExecutor () {
        return variableAggregatorNodeExecutor;
    }
});
function firstValue(selectors, ctx) {
    for (const selector of selectors){
        const value = ctx.pool.get(selector);
        // Dify skips variables missing from the pool (a branch that did not run); null is a value.
        if (value !== undefined) return {
            selector,
            value
        };
    }
    return null;
}
function aggregate(node, ctx) {
    const outputs = {};
    const inputs = {};
    if (node.data.groups) {
        for (const group of node.data.groups){
            const found = firstValue(group.variables, ctx);
            if (!found) continue;
            outputs[group.group_name] = {
                output: found.value
            };
            inputs[found.selector.slice(1).join('.')] = found.value;
        }
    } else {
        const found = firstValue(node.data.variables, ctx);
        if (found) {
            outputs.output = found.value;
            inputs[found.selector.slice(1).join('.')] = found.value;
        }
    }
    return {
        inputs,
        outputs
    };
}
const variableAggregatorNodeExecutor = {
    callsLlm: false,
    execute: aggregate
};
const legacyVariableAssignerNodeExecutor = {
    callsLlm: false,
    execute: aggregate
};

//# sourceMappingURL=variable-aggregator.node.js.map