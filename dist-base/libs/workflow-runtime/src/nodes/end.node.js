// end: picks the run's outputs from the pool.
"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "endNodeExecutor", {
    enumerable: true,
    get: function() {
        return endNodeExecutor;
    }
});
const endNodeExecutor = {
    callsLlm: false,
    execute (node, ctx) {
        const outputs = {};
        for (const { variable, value_selector } of node.data.outputs){
            // null rather than undefined, so the output survives JSON and reads as "no value", as in Dify.
            const value = ctx.pool.get(value_selector);
            outputs[variable] = value === undefined ? null : value;
        }
        return {
            inputs: outputs,
            outputs
        };
    }
};

//# sourceMappingURL=end.node.js.map