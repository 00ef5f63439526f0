// start: the run's inputs, checked against the form, become the node's outputs.
"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "startNodeExecutor", {
    enumerable: true,
    get: function() {
        return startNodeExecutor;
    }
});
const _workflowdsl = require("../../../workflow-dsl/src");
const _runtimeerrors = require("../runtime.errors");
const startNodeExecutor = {
    callsLlm: false,
    execute (node, ctx) {
        // The gateway validates before enqueuing; this is the backstop for runs that reach the engine otherwise.
        const result = (0, _workflowdsl.validateStartNodeInputs)(node.data.variables, ctx.runInputs, ctx.inputLimits);
        if (!result.ok) throw new _runtimeerrors.InvalidRunInputsError(result.issues);
        return {
            inputs: result.inputs,
            outputs: result.inputs
        };
    }
};

//# sourceMappingURL=start.node.js.map