// The id of one LLM call: model-pool and billing dedupe on it, so a node rerun after a crash is billed once.
"use strict";
Object.defineProperty(exports, "__esModule", {
    value: true
});
Object.defineProperty(exports, "llmCallId", {
    enumerable: true,
    get: function() {
        return llmCallId;
    }
});
function llmCallId(runId, nodeId, attempt) {
    return `${runId}:${nodeId}:${attempt}`;
}

//# sourceMappingURL=call-id.js.map