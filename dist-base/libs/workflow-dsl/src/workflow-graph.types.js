// The normalized, typed workflow graph that parseWorkflowGraph returns.
"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "isNodeOfType", {
    enumerable: true,
    get: function() {
        return isNodeOfType;
    }
});
function isNodeOfType(node, type) {
    return node.data.type === type;
}

//# sourceMappingURL=workflow-graph.types.js.map