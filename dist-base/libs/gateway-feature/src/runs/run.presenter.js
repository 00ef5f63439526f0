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
    get presentRun () {
        return presentRun;
    },
    get presentRunWithNodes () {
        return presentRunWithNodes;
    }
});
const _contracts = require("../../../contracts/src");
const iso = (d)=>d ? d.toISOString() : null;
function presentRun(run) {
    return {
        id: run.id,
        object: 'workflow_run',
        workflow_id: run.workflowId,
        workflow_version_id: run.workflowVersionId,
        status: (0, _contracts.runStatusFromColumn)(run.status),
        inputs: run.inputs,
        outputs: run.outputs ?? null,
        error: run.error,
        elapsed_ms: run.elapsedMs,
        total_tokens: run.totalTokens,
        total_steps: run.totalSteps,
        total_price: run.totalPrice.toFixed(),
        currency: run.currency,
        created_at: iso(run.createdAt),
        started_at: iso(run.startedAt),
        finished_at: iso(run.finishedAt)
    };
}
function presentRunWithNodes(run) {
    return {
        ...presentRun(run),
        node_executions: run.nodeExecutions.map((n)=>({
                id: n.id,
                node_id: n.nodeId,
                node_type: n.nodeType,
                title: n.title,
                index: n.index,
                predecessor_node_id: n.predecessorNodeId,
                status: n.status,
                inputs: n.inputs ?? null,
                outputs: n.outputs ?? null,
                error: n.error,
                elapsed_ms: n.elapsedMs,
                prompt_tokens: n.promptTokens,
                completion_tokens: n.completionTokens,
                total_tokens: n.totalTokens,
                started_at: iso(n.startedAt),
                finished_at: iso(n.finishedAt)
            }))
    };
}

//# sourceMappingURL=run.presenter.js.map