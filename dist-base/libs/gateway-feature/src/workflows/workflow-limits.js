// The graph and run input bounds the gateway checks (WORKFLOW_MAX_*, RUN_INPUT*_MAX_BYTES).
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
    get DEFAULT_WORKFLOW_LIMITS () {
        return DEFAULT_WORKFLOW_LIMITS;
    },
    get WORKFLOW_LIMITS () {
        return WORKFLOW_LIMITS;
    }
});
const _workflowdsl = require("../../../workflow-dsl/src");
const WORKFLOW_LIMITS = Symbol('WORKFLOW_LIMITS');
const DEFAULT_WORKFLOW_LIMITS = {
    graph: {
        ..._workflowdsl.DEFAULT_GRAPH_LIMITS
    },
    inputs: {
        maxInputBytes: _workflowdsl.DEFAULT_RUN_INPUT_LIMITS.maxInputBytes,
        maxTotalInputBytes: _workflowdsl.DEFAULT_RUN_INPUT_LIMITS.maxTotalInputBytes
    }
};

//# sourceMappingURL=workflow-limits.js.map